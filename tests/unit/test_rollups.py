"""Daily rollups follow the ledger incrementally from a watermark: every entry counted once, on its local day."""
from datetime import UTC, datetime

from sqlalchemy import func, select

from db.engine import read_session
from db.models import DailyRollup, LedgerEntry, MonthlyRollup
from points.reports.rollups import refresh_rollups, watermark
from tests.support.ledger import credit
from tests.support.race import run_together


def rollup_rows() -> dict[tuple, tuple]:
    with read_session() as session:
        return {(row.day, row.district, row.action_code, row.kind): (row.entries, row.points, row.co2e_g)
                for row in session.execute(select(DailyRollup)).scalars()}


def test_entries_are_summed_by_local_day_district_action_and_kind(make_user):
    rita, bob = make_user("rita", district="思明"), make_user("bob", district="湖里")
    credit(rita.id, 100, now=datetime(2026, 3, 1, 15, 59, tzinfo=UTC))           # 23:59 in Xiamen
    credit(rita.id, 50, now=datetime(2026, 3, 1, 16, 1, tzinfo=UTC))             # 00:01 the next day
    credit(rita.id, 7, action_code="bike", now=datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    credit(bob.id, 30, now=datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    assert refresh_rollups() == 4
    assert rollup_rows() == {
        ("2026-03-01", "思明", "metro", "earn"): (1, 100, 100),
        ("2026-03-02", "思明", "metro", "earn"): (1, 50, 50),
        ("2026-03-02", "思明", "bike", "earn"): (1, 7, 7),
        ("2026-03-02", "湖里", "metro", "earn"): (1, 30, 30),
    }


def test_a_refresh_folds_only_new_entries(make_user):
    rita = make_user("rita", district="思明")
    day = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
    credit(rita.id, 100, now=day)
    assert refresh_rollups() == 1
    assert refresh_rollups() == 0
    last = credit(rita.id, 20, now=day)
    assert refresh_rollups() == 1
    assert rollup_rows() == {("2026-03-01", "思明", "metro", "earn"): (2, 120, 120)}
    with read_session() as session:
        assert watermark(session) == last


def test_small_batches_give_the_same_totals(make_user):
    rita = make_user("rita")
    for points in range(1, 8):
        credit(rita.id, points, now=datetime(2026, 3, 1, 4, points, tzinfo=UTC))
    assert refresh_rollups(batch_size=3) == 7
    assert rollup_rows() == {("2026-03-01", "", "metro", "earn"): (7, 28, 28)}


def test_rollup_totals_equal_the_ledger_totals(make_user):
    rita = make_user("rita", district="集美")
    for index in range(12):
        credit(rita.id, 10 + index, now=datetime(2026, 1 + index % 3, 5, 4, 0, tzinfo=UTC))
    refresh_rollups()
    with read_session() as session:
        ledger = session.execute(select(func.count(), func.sum(LedgerEntry.points))).one()
        rolled = session.execute(select(func.sum(DailyRollup.entries), func.sum(DailyRollup.points))).one()
    assert tuple(ledger) == tuple(rolled) == (12, sum(range(10, 22)))


def test_two_refreshes_at_once_count_each_entry_once(make_user, database):
    rita = make_user("rita")
    for points in range(1, 21):
        credit(rita.id, points, now=datetime(2026, 3, 1, 4, 0, tzinfo=UTC))
    outcomes = run_together(refresh_rollups, [()] * 3, database)
    assert [status for status, _ in outcomes] == ["ok"] * 3, outcomes
    assert sum(value for _, value in outcomes) == 20
    assert rollup_rows() == {("2026-03-01", "", "metro", "earn"): (20, 210, 210)}


def test_monthly_rollups_are_folded_with_the_daily_ones(make_user):
    rita = make_user("rita", district="思明")
    for day in (1, 15, 31):
        credit(rita.id, day, now=datetime(2026, 3, day, 4, 0, tzinfo=UTC))
    credit(rita.id, 100, now=datetime(2026, 3, 31, 16, 30, tzinfo=UTC))   # already 1 April in Xiamen
    refresh_rollups(batch_size=2)
    with read_session() as session:
        months = {(row.month, row.kind): (row.entries, row.points) for row in
                  session.execute(select(MonthlyRollup)).scalars()}
    assert months == {("2026-03", "earn"): (3, 47), ("2026-04", "earn"): (1, 100)}


def test_the_refresh_command_folds_new_entries(make_user, capsys):
    from manage import main

    rita = make_user("rita")
    credit(rita.id, 40, now=datetime(2026, 3, 1, 4, 0, tzinfo=UTC))
    assert main(["refresh-rollups"]) == 0
    assert "1 new ledger entries folded in" in capsys.readouterr().out
    assert rollup_rows() == {("2026-03-01", "", "metro", "earn"): (1, 40, 40)}
