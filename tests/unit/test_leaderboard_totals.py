"""The leaderboards read the earned totals the rollups keep, never the ledger, and those totals match what the
ledger says: folded credits, reversed credits, spending left out, and the history before the tables existed."""
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import event

from db.engine import get_engine, read_session, write_session
from db.migrate import alembic_config
from points.ledger.chain import post
from points.reports.rollups import refresh_rollups
from points.score.leaderboard import board
from tests.support.ledger import credit

NOW = datetime(2026, 3, 4, 4, 0, tzinfo=UTC)


def _points(period: str = "all") -> list[tuple[str, int]]:
    with read_session() as session:
        return [(row.nickname, row.points) for row in board(session, period=period, now=NOW).top]


def test_a_credit_shows_once_folded_and_a_reversal_takes_it_back(make_user):
    ann = make_user("ann", leaderboard_opt_in=True, nickname="Ann")
    entry_id = credit(ann.id, 300, now=NOW)
    assert _points() == []  # not folded yet: the board is as fresh as the last refresh
    refresh_rollups()
    assert _points() == _points("week") == [("Ann", 300)]
    with write_session() as session:
        post(session, user_id=ann.id, kind="reversal", points=-100, idempotency_key="reverse:1",
             original_entry_id=entry_id, request={}, now=NOW)
        post(session, user_id=ann.id, kind="redeem", points=-150, idempotency_key="redeem:1", request={}, now=NOW)
    refresh_rollups()
    assert _points() == _points("week") == [("Ann", 200)]  # the reversal counts, the spending never does


def test_the_board_never_reads_the_ledger(make_user):
    for index in range(3):
        credit(make_user(f"user{index}", leaderboard_opt_in=True, nickname=f"N{index}").id, 100 + index, now=NOW)
    refresh_rollups()
    statements: list[str] = []
    engine = get_engine()
    listener = lambda *args: statements.append(args[2])  # noqa: E731  (before_cursor_execute's statement)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert [points for _, points in _points()] == [102, 101, 100]
        assert [points for _, points in _points("week")] == [102, 101, 100]
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert statements and not [sql for sql in statements if "ledgerentry" in sql.lower()]


def test_upgrading_a_city_counts_the_history_already_folded(make_user):
    """Migration 0010 on a database whose rollups had folded entries: the boards start complete."""
    ann, bob = (make_user(name, leaderboard_opt_in=True, nickname=name.title()) for name in ("ann", "bob"))
    credit(ann.id, 120, now=NOW)
    credit(bob.id, 80, now=NOW)
    credit(ann.id, 30, now=NOW)
    refresh_rollups()
    before = (_points(), _points("week"))
    with get_engine().begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0009")
        command.upgrade(config, "head")
    get_engine().dispose()
    assert (_points(), _points("week")) == before == ([("Ann", 150), ("Bob", 80)],) * 2
