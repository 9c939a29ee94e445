"""The landing's month chart: CO2e avoided per local month, read from the monthly rollups, quiet months as 0."""
from datetime import UTC, datetime

from db.engine import read_session
from points.reports.rollups import refresh_rollups
from points.reports.stats import city_months
from tests.support.ledger import credit

NOW = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)  # 12:00 on 10 March in Xiamen


def months(**kwargs) -> list[tuple[str, int]]:
    refresh_rollups()
    with read_session() as session:
        return city_months(session, now=NOW, **kwargs)


def test_no_entries_no_months():
    assert months() == []


def test_each_local_month_from_the_first_with_entries_to_this_one_quiet_months_included(make_user):
    rita, bob = make_user("rita", district="思明"), make_user("bob")
    credit(rita.id, 100, co2e_g=1500, now=datetime(2025, 12, 31, 15, 59, tzinfo=UTC))  # 23:59 on 31 Dec locally
    credit(rita.id, 100, co2e_g=700, now=datetime(2025, 12, 31, 16, 1, tzinfo=UTC))   # 00:01 on 1 January
    credit(bob.id, 100, co2e_g=300, action_code="bike", now=datetime(2026, 3, 1, 4, 0, tzinfo=UTC))
    assert months() == [("2025-12", 1500), ("2026-01", 700), ("2026-02", 0), ("2026-03", 300)]


def test_the_window_keeps_the_last_twelve_months_to_the_local_day(make_user):
    rita = make_user("rita")
    credit(rita.id, 10, co2e_g=10, now=datetime(2025, 3, 31, 15, 59, tzinfo=UTC))  # 23:59 on 31 March 2025: out
    credit(rita.id, 20, co2e_g=20, now=datetime(2025, 3, 31, 16, 1, tzinfo=UTC))   # 00:01 on 1 April 2025: in
    credit(rita.id, 30, co2e_g=30, now=datetime(2026, 2, 15, 4, 0, tzinfo=UTC))
    shown = months()
    assert len(shown) == 12 and shown[0] == ("2025-04", 20) and shown[-1] == ("2026-03", 0)
    assert months(months=3) == [("2026-02", 30), ("2026-03", 0)]


def test_it_reads_the_rollups_so_new_entries_count_once_folded(make_user):
    rita = make_user("rita")
    credit(rita.id, 10, co2e_g=400, now=datetime(2026, 3, 2, 4, 0, tzinfo=UTC))
    assert months() == [("2026-03", 400)]
    credit(rita.id, 10, co2e_g=50, now=datetime(2026, 3, 3, 4, 0, tzinfo=UTC))
    with read_session() as session:
        assert city_months(session, now=NOW) == [("2026-03", 400)]  # not folded yet: the ledger is never summed
    assert months() == [("2026-03", 450)]
