"""Issue 11, medium: a cut ledger tail passes the chains; anchors kept outside the database catch it.

Deleting a resident's newest entries and rolling the Balance back leaves every chain valid. `manage.py
ledger-head --append FILE` writes an anchor line; `verify-ledger --against FILE` names the first anchor that
no longer holds, and accepts entries added after it.
"""
import json
import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

import manage
import points.ledger.chain
from db.engine import get_engine, read_session
from points.ledger.verify import ledger_head_digest
from tests.conftest import on_postgres
from tests.support.ledger import credit
from tests.support.tamper import roll_balance_back, tamper

FIRST, SECOND = datetime(2026, 12, 1, 10, 0, tzinfo=UTC), datetime(2026, 12, 1, 11, 0, tzinfo=UTC)


@pytest.fixture
def anchors(tmp_path, monkeypatch, capsys):
    """anchors(at) appends an anchor taken at `at` through the command line and returns it; .path: the file."""
    path = tmp_path / "ledger-anchors.jsonl"

    def take(at: datetime) -> dict:
        monkeypatch.setattr("points.ledger.anchors.utcnow", lambda: at)
        assert manage.main(["ledger-head", "--append", str(path)]) == 0
        printed = capsys.readouterr().out
        assert printed.splitlines() == path.read_text(encoding="utf-8").splitlines()[-1:]  # also shown
        return json.loads(printed)

    take.path = path
    return take


@pytest.fixture
def ann_and_bob(make_user):
    return make_user("ann"), make_user("bob")


def credit_both(people, points: int) -> list[int]:
    return [credit(person.id, points) for person in people]


def verify(*args: str, capsys) -> tuple[int, str]:
    code = manage.main(["verify-ledger", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_an_anchor_counts_the_entries_and_carries_the_head_digest(ann_and_bob, anchors, capsys):
    for amount in (10, 20, 30):
        credit_both(ann_and_bob, amount)
    anchor = anchors(FIRST)
    with read_session() as session:
        heads = ledger_head_digest(session)
    assert (anchor["at"], anchor["entries"], anchor["last_id"], anchor["heads"], len(anchor["digest"])) == (
        "2026-12-01T10:00:00Z", 6, 6, heads, 64)
    assert manage.main(["ledger-head"]) == 0 and capsys.readouterr().out.strip() == heads  # without --append


@pytest.mark.parametrize("cut, broken_at, line, problem", [
    (2, "2026-12-01T11:00:00Z", 2, "1 entry was deleted or renumbered up to id 6"),
    (3, "2026-12-01T10:00:00Z", 1, "1 entry was deleted or renumbered up to id 4"),
])
def test_a_cut_tail_passes_the_chains_but_not_the_first_anchor_it_reaches(ann_and_bob, anchors, database, capsys,
                                                                          cut, broken_at, line, problem):
    ann, _ = ann_and_bob
    ann_ids = credit_both(ann_and_bob, 10)[:1] + credit_both(ann_and_bob, 20)[:1]  # ids 1..4
    assert anchors(FIRST)["last_id"] == 4
    ann_ids += credit_both(ann_and_bob, 30)[:1]
    assert anchors(SECOND)["last_id"] == 6
    ann_ids += credit_both(ann_and_bob, 40)[:1]  # ids 7, 8: after the last anchor
    tamper(database, *[("DELETE FROM ledgerentry WHERE id = :id", {"id": entry_id}) for entry_id in ann_ids[-cut:]],
           roll_balance_back(ann.id))

    assert verify(capsys=capsys) == (0, f"ledger ok: {8 - cut} entries, 2 users\n")  # the chains cannot tell
    code, output = verify("--against", str(anchors.path), capsys=capsys)
    assert code == 1 and "ledger_anchor_broken" in output, output
    assert f"'anchor': '{broken_at}', 'line': {line}, 'problem': '{problem}'" in output, output


def test_an_untouched_ledger_with_entries_after_its_anchors_passes(ann_and_bob, anchors, capsys):
    credit_both(ann_and_bob, 10)
    anchors(FIRST)
    credit_both(ann_and_bob, 20)
    anchors(SECOND)
    credit_both(ann_and_bob, 30)
    assert verify("--against", str(anchors.path), capsys=capsys) == (
        0, f"ledger ok: 6 entries, 2 users; every anchor in {anchors.path} holds (2)\n")


def test_an_anchor_of_an_empty_ledger_holds_as_entries_arrive(ann_and_bob, anchors, capsys):
    assert anchors(FIRST)["entries"] == 0
    credit_both(ann_and_bob, 10)
    assert verify("--against", str(anchors.path), capsys=capsys)[0] == 0


def test_a_line_that_is_no_anchor_is_named(ann_and_bob, anchors, capsys):
    credit_both(ann_and_bob, 10)
    anchors(FIRST)
    with anchors.path.open("a", encoding="utf-8") as out:
        out.write('{"at": "2026-12-01T12:00:00Z", "entries": "many"}\n')
    code, output = verify("--against", str(anchors.path), capsys=capsys)
    assert code == 1 and "ledger_anchor_unreadable" in output and "'line': 2" in output, output


def _waiting_for_the_ledger_lock() -> bool:
    with get_engine().connect() as connection:
        return connection.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted "
                                       "AND relation = 'ledgerentry'::regclass")).scalar_one() > 0


@pytest.mark.skipif(not on_postgres(), reason="PostgreSQL hands out ids before commit; SQLite writers are serial")
def test_an_anchor_waits_for_a_writer_that_holds_a_lower_id(ann_and_bob, anchors, monkeypatch, capsys):
    """ann's id is allocated but her entry not yet written when bob's higher id commits: the anchor must wait
    for her, or it would anchor "up to id 2" without id 1, and fail once she commits."""
    ann, bob = ann_and_bob
    hashing, release, taken = threading.Event(), threading.Event(), []
    real_hash = points.ledger.chain.chain_hash

    def slow_for_ann(prev_hash, values, secret=None):
        if values["user_id"] == ann.id:
            hashing.set()
            release.wait(30)
        return real_hash(prev_hash, values, secret)

    monkeypatch.setattr("points.ledger.chain.chain_hash", slow_for_ann)
    writer = threading.Thread(target=credit, args=(ann.id, 10))
    writer.start()
    assert hashing.wait(30)
    credit(bob.id, 20)  # id 2, committed while ann still holds id 1
    anchoring = threading.Thread(target=lambda: taken.append(anchors(FIRST)))
    anchoring.start()
    deadline = time.monotonic() + 10
    while anchoring.is_alive() and not _waiting_for_the_ledger_lock() and time.monotonic() < deadline:
        time.sleep(0.05)
    release.set()
    writer.join(30)
    anchoring.join(30)
    assert (taken[0]["entries"], taken[0]["last_id"]) == (2, 2)
    assert verify("--against", str(anchors.path), capsys=capsys)[0] == 0
