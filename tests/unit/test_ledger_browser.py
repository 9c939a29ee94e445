"""The ledger browser pages in the database, filters, exports in chunks, and adjusts with a reason."""
import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from db.engine import read_session, write_session
from db.models import AuditLog
from points.common.errors import DomainError
from points.ledger.adjustments import adjust
from points.ledger.browser import LedgerFilter, browse, count
from points.ledger.chain import post
from points.ledger.export import CSV_COLUMNS, export_csv, ledger_csv
from points.ledger.verify import verify_ledger
from tests.support.admin import balance_points, row_counts
from tests.support.ledger import credit


@pytest.fixture
def admin(make_user):
    return make_user("boss", role="admin")


def test_pages_walk_the_whole_ledger_newest_first_without_repeats(admin, make_user):
    rita = make_user("rita")
    ids = [credit(rita.id, points) for points in range(1, 8)]
    seen, cursor = [], None
    with read_session() as session:
        while True:
            rows, cursor = browse(session, actor_id=admin.id, filters=LedgerFilter(), before_id=cursor, limit=3)
            seen += [row.entry.id for row in rows]
            if cursor is None:
                break
    assert seen == sorted(ids, reverse=True)


def test_the_count_stops_one_past_its_limit_so_a_city_ledger_is_not_scanned_per_render(admin, make_user):
    rita, bob = make_user("rita"), make_user("bob")
    for points in range(1, 6):
        credit(rita.id, points)
    credit(bob.id, 9)
    with read_session() as session:
        assert count(session, actor_id=admin.id, filters=LedgerFilter(), up_to=3) == 4  # "more than 3"
        assert count(session, actor_id=admin.id, filters=LedgerFilter(), up_to=6) == 6  # exact under the limit
        assert count(session, actor_id=admin.id, filters=LedgerFilter(username="bob"), up_to=3) == 1


def ids(admin, **filters) -> list[int]:
    with read_session() as session:
        return [row.entry.id for row in browse(session, actor_id=admin.id, filters=LedgerFilter(**filters))[0]]


def test_filters_by_resident_date_kind_and_status(admin, make_user):
    rita, bob = make_user("rita"), make_user("bob")
    march = credit(rita.id, 10, now=datetime(2026, 3, 1, 4, 0, tzinfo=UTC))
    april = credit(rita.id, 20, now=datetime(2026, 4, 1, 4, 0, tzinfo=UTC))
    bobs = credit(bob.id, 30, now=datetime(2026, 3, 2, 4, 0, tzinfo=UTC))
    with write_session() as session:
        reversal = post(session, user_id=rita.id, kind="reversal", points=-10, idempotency_key="reversal:test",
                        request={"reverses": march}, original_entry_id=march,
                        now=datetime(2026, 4, 2, 4, 0, tzinfo=UTC)).entry.id
    assert ids(admin, username="rita") == [reversal, april, march]
    assert ids(admin, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31)) == [bobs, march]
    assert ids(admin, kind="reversal") == [reversal]
    assert ids(admin, status="reversed") == [march]
    assert ids(admin, username="nobody") == []
    with pytest.raises(DomainError, match="admin_date_range_invalid"):
        ids(admin, date_from=date(2026, 4, 1), date_to=date(2026, 3, 1))


def test_the_export_streams_every_filtered_row_in_chunks(admin, make_user):
    rita = make_user("rita")
    for points in range(1, 6):
        credit(rita.id, points)
    with read_session() as session:
        chunks = list(export_csv(session, actor_id=admin.id, filters=LedgerFilter(username="rita"), chunk_size=2))
    assert [done for _, done in chunks] == [0, 2, 4, 5]
    rows = list(csv.DictReader(io.StringIO("".join(text for text, _ in chunks))))
    assert [int(row["points"]) for row in rows] == [1, 2, 3, 4, 5]  # oldest first, as the entries were written
    assert {row["username"] for row in rows} == {"rita"}


def test_the_admin_download_and_the_command_line_export_are_one_format(admin, make_user):
    rita = make_user("rita")
    original = credit(rita.id, 10, now=datetime(2026, 3, 1, 4, 0, tzinfo=UTC))
    with write_session() as session:
        post(session, user_id=rita.id, kind="reversal", points=-10, idempotency_key="reversal:fmt",
             request={"reverses": original}, original_entry_id=original, reason="duplicate", created_by=admin.id)
    with read_session() as session:
        staff = "".join(text for text, _ in export_csv(session, actor_id=admin.id, filters=LedgerFilter()))
        everything = "".join(text for text, _ in ledger_csv(session))
    assert staff == everything
    first, reversal = csv.DictReader(io.StringIO(everything))
    assert tuple(first) == CSV_COLUMNS
    assert (first["username"], first["action_code"], first["created_at"]) == ("rita", "metro",
                                                                              "2026-03-01T04:00:00+00:00")
    assert (reversal["original_entry_id"], reversal["reason"], reversal["created_by"]) == (str(original),
                                                                                         "duplicate", str(admin.id))
    assert reversal["prev_hash"] == first["hash"]


def test_an_adjustment_needs_a_reason_is_written_once_and_audited(admin, make_user):
    rita = make_user("rita")
    before = row_counts()
    with pytest.raises(DomainError, match="admin_reason_required"), write_session() as session:
        adjust(session, actor_id=admin.id, username="rita", points=50, reason=" ", request_id="r1")
    assert row_counts() == before
    for _ in range(2):  # a double click sends the same request id
        with write_session() as session:
            adjust(session, actor_id=admin.id, username="rita", points=50, reason="Paper receipts", request_id="r1")
    assert balance_points(rita.id) == 50
    with read_session() as session:
        audit = session.execute(select(AuditLog)).scalar_one()
        assert verify_ledger(session).ok
    assert (audit.action, audit.before, audit.after["points"]) == ("ledger.adjust", {"points": 0}, 50)
