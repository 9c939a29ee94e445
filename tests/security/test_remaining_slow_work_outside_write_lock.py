"""High 1, the rest: deleting an account, the demo seed, a GeoJSON import and the rollups do their slow part
(argon2, parsing 5 MB, reading and summing 50,000 ledger entries) with SQLite's write lock free, and the short
write after it re-checks what the slow part relied on."""
import json
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from db.engine import read_session, write_session
from db.models import AuditLog, DailyRollup, LedgerEntry, Place, User
from points.accounts import passwords, privacy
from points.accounts.signin import sign_in
from points.common.errors import DomainError
from points.demo.seed import DEMO_PASSWORD, seed
from points.places import registry
from points.reports import rollups
from tests.conftest import on_postgres
from tests.support.ledger import credit
from tests.support.lock_probe import calls_under_lock

ACCOUNT, PLACES = "pages/resident/account.py", "pages/admin/places.py"
PASSWORD = "correct-horse-9"  # make_user's default
sqlite_lock = pytest.mark.skipif(on_postgres(), reason="the probe asks SQLite's file lock; PostgreSQL has row locks")


def _click(app, label: str):
    next(button for button in app.button if button.label == label).click()
    return app.run()


def _delete_on_the_account_page(open_page, user, password: str):
    app = open_page(ACCOUNT, user)
    next(box for box in app.checkbox if box.label.startswith("I understand")).check()
    next(field for field in app.text_input if field.label == "Your password, to confirm").input(password)
    return _click(app, "Delete my account for good")


@sqlite_lock
def test_deleting_an_account_verifies_the_password_with_the_lock_free(database, monkeypatch, make_user, open_page):
    user = make_user("sam")
    seen = calls_under_lock(monkeypatch, database, privacy, "verify_password")
    app = _delete_on_the_account_page(open_page, user, "not my password")
    assert [e.value for e in app.error] == ["The current password is wrong."]
    app = _delete_on_the_account_page(open_page, user, PASSWORD)
    assert not app.exception and "user_id" not in app.session_state
    with read_session() as session:
        assert session.get(User, user.id).deleted_at is not None
    assert seen == [False, False]


def test_a_password_changed_after_it_was_verified_stops_the_deletion(database, monkeypatch, make_user):
    user = make_user("sam")
    verify = privacy.verify_password

    def verify_while_the_password_changes(password_hash, password):
        verified = verify(password_hash, password)
        with write_session() as session:  # another browser changes the password meanwhile
            session.get(User, user.id).password_hash = passwords.hash_password("heron-at-low-tide")
        return verified

    monkeypatch.setattr(privacy, "verify_password", verify_while_the_password_changes)
    with pytest.raises(DomainError) as refused:
        privacy.delete_my_account(user_id=user.id, password=PASSWORD)
    assert refused.value.code == "password_wrong"
    with read_session() as session:
        assert session.get(User, user.id).deleted_at is None


@sqlite_lock
def test_the_demo_seed_hashes_its_passwords_before_its_write(database, monkeypatch):
    seen = calls_under_lock(monkeypatch, database, passwords, "hash_password")
    assert seed(demo=True)["demo_accounts"] == 3
    assert seed(demo=True)["demo_accounts"] == 0  # nothing left to create: nothing hashed either
    assert seen == [False, False, False]
    for username in ("resident", "organizer", "admin"):
        assert sign_in(username=username, password=DEMO_PASSWORD, client="local").user.username == username


def _upload(open_page, admin, document: dict):
    app = open_page(PLACES, admin)
    app.get("file_uploader")[0].set_value(("city.geojson", json.dumps(document).encode(), "application/json")).run()
    app.button(key="place_import").click()
    return app.run()


def _collection(latitude: float) -> dict:
    return {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "id": "new_park", "kind": "park", "name_zh": "新公园", "name_en": "New Park", "district": "思明"},
        "geometry": {"type": "Point", "coordinates": [118.1, latitude]}}]}


@sqlite_lock
def test_a_geojson_import_is_parsed_and_validated_with_the_lock_free(database, monkeypatch, make_user, open_page):
    admin = make_user("boss", role="admin")
    seen = calls_under_lock(monkeypatch, database, registry, "parse_places")
    app = _upload(open_page, admin, _collection(99.0))
    assert app.error[0].value.startswith("Feature 1 has a coordinate out of range")
    app = _upload(open_page, admin, _collection(24.47))
    assert [s.value for s in app.success] == ["Imported: 1 added, 0 updated."]
    with read_session() as session:
        assert session.get(Place, "new_park").name_en == "New Park"
        assert session.scalar(select(func.count()).select_from(AuditLog)) == 1
    assert seen == [False, False]


def _ledger_and_rollup_totals() -> tuple[tuple, tuple]:
    with read_session() as session:
        ledger = session.execute(select(func.count(), func.sum(LedgerEntry.points))).one()
        rolled = session.execute(select(func.sum(DailyRollup.entries), func.sum(DailyRollup.points))).one()
    return tuple(ledger), tuple(rolled)


def _credits(user_id: int, count: int) -> None:
    for points in range(1, count + 1):
        credit(user_id, points, now=datetime(2026, 3, 1, 4, points, tzinfo=UTC))


@sqlite_lock
def test_rollups_read_and_sum_the_ledger_with_the_lock_free(database, monkeypatch, make_user):
    _credits(make_user("rita").id, 5)
    seen = calls_under_lock(monkeypatch, database, rollups, "sum_entries")
    assert rollups.refresh_rollups(batch_size=2) == 5
    assert _ledger_and_rollup_totals() == ((5, 15), (5, 15))
    assert seen == [False, False, False]  # batches of 2, 2 and 1


def test_a_refresh_between_another_ones_read_and_write_is_not_counted_twice(database, monkeypatch, make_user):
    """The other refresh runs in a thread while this one is summing; it must not have to wait for it, and the
    watermark it moves makes this one drop its batch instead of adding the same entries again."""
    _credits(make_user("rita").id, 4)
    summed, other = rollups.sum_entries, {}

    def sum_while_another_refresh_runs(rows):
        if not other:
            other["thread"] = threading.Thread(target=lambda: other.setdefault("folded", rollups.refresh_rollups()))
            other["thread"].start()
            other["thread"].join(timeout=10)
        return summed(rows)

    monkeypatch.setattr(rollups, "sum_entries", sum_while_another_refresh_runs)
    try:
        folded_here = rollups.refresh_rollups()
        assert other.get("folded") == 4, "the other refresh had to wait for this one's transaction"
    finally:
        other["thread"].join()
    assert folded_here == 0
    assert _ledger_and_rollup_totals() == ((4, 10), (4, 10))
