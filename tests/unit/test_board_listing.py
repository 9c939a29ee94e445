"""A board counts its ranks and size from the listing each earned row carries (migration 0020): the triggers keep
it in step with the resident at once, whichever way consent, account, role, district or community change, and the
count never joins the residents."""
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, text

from db.engine import get_engine, read_session, write_session
from points.accounts.users import update_profile
from points.accounts.users_admin import change_role, set_disabled
from points.reports.rollups import refresh_rollups
from points.score.leaderboard import _board_queries, board, set_leaderboard
from tests.conftest import on_postgres
from tests.support.ledger import credit

NOW = datetime(2026, 3, 4, 4, 0, tzinfo=UTC)


def _board(viewer, *, period: str = "all", district: str | None = None):
    with read_session() as session:
        return board(session, period=period, district=district, viewer_id=viewer.id, now=NOW)


@pytest.fixture
def city(make_user):
    """Ann 300, Bob 200, Cyd 100, all on the boards in 思明, folded."""
    people = [make_user(name, leaderboard_opt_in=True, nickname=name.title(), district="思明")
              for name in ("ann", "bob", "cyd")]
    for person, points in zip(people, (300, 200, 100), strict=True):
        credit(person.id, points, now=NOW)
    refresh_rollups()
    return people


def test_withdrawn_consent_leaves_the_ranks_and_the_size_at_once(city):
    ann, bob, cy = city
    assert (_board(cy).me.rank, _board(cy).size) == (3, 3)
    with write_session() as session:
        set_leaderboard(session, user_id=bob.id, opt_in=False, nickname=None)
    for period in ("all", "week"):
        found = _board(cy, period=period)
        assert (found.me.rank, found.size) == (2, 2)
        assert [row.nickname for row in found.top] == ["Ann", "Cyd"]


@pytest.mark.parametrize("leave", ["disable", "role"])
def test_an_account_disabled_or_made_staff_leaves_the_board(city, make_user, leave):
    ann, bob, cy = city
    admin = make_user("root", role="admin")
    with write_session() as session:
        if leave == "disable":
            set_disabled(session, actor_id=admin.id, user_id=ann.id, disabled=True)
        else:
            change_role(session, actor_id=admin.id, user_id=ann.id, role="organizer")
    assert (_board(cy).me.rank, _board(cy).size, _board(cy, period="week").size) == (2, 2, 2)
    with write_session() as session:
        if leave == "disable":
            set_disabled(session, actor_id=admin.id, user_id=ann.id, disabled=False)
        else:
            change_role(session, actor_id=admin.id, user_id=ann.id, role="resident")
    assert (_board(cy).me.rank, _board(cy).size) == (3, 3)


def test_a_move_to_another_district_moves_every_earned_row(city):
    ann, bob, cy = city
    with write_session() as session:
        update_profile(session, user_id=ann.id, district="湖里")
    for period in ("all", "week"):
        assert _board(cy, period=period, district="思明").size == 2
        assert _board(cy, period=period, district="思明").me.rank == 2
        assert [row.nickname for row in _board(ann, period=period, district="湖里").top] == ["Ann"]


def test_a_resident_who_never_consented_is_counted_only_after_opting_in(city, make_user):
    ann, bob, cy = city
    dee = make_user("dee", district="思明")
    credit(dee.id, 150, now=NOW)
    refresh_rollups()  # a new earned row, written while Dee is off the boards
    assert (_board(cy).me.rank, _board(cy).size, _board(dee).me) == (3, 3, None)
    with write_session() as session:
        set_leaderboard(session, user_id=dee.id, opt_in=True, nickname="Dee")
    assert (_board(cy).me.rank, _board(cy).size, _board(dee).me.rank) == (4, 4, 3)


def test_ranks_are_counted_without_reading_the_residents(city):
    statements: list[str] = []
    engine = get_engine()
    listener = lambda *args: statements.append(args[2].lower())  # noqa: E731  (before_cursor_execute's statement)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert _board(city[2]).me.rank == 3
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    counts = [sql for sql in statements if "count(" in sql]
    assert counts and not [sql for sql in counts if "user" in sql.replace("user_id", "")]


@pytest.mark.skipif(not on_postgres(), reason="READ COMMITTED races exist on PostgreSQL; SQLite has one writer")
def test_a_fold_beside_a_withdrawal_never_keeps_the_old_listing(make_user):
    """Dee's first earned row is folded while her withdrawal is uncommitted: the fold's trigger waits for it and
    sees the withdrawal, so the new row is not listed (without the share lock it would be, under READ COMMITTED)."""
    dee = make_user("dee", leaderboard_opt_in=True, nickname="Dee")
    credit(dee.id, 150, now=NOW)
    with get_engine().connect() as withdrawal:
        withdrawal.execute(text('UPDATE "user" SET leaderboard_opt_in = false WHERE id = :id'), {"id": dee.id})
        fold = threading.Thread(target=refresh_rollups)
        fold.start()
        fold.join(timeout=1)
        assert fold.is_alive()  # waiting on Dee's row
        withdrawal.commit()
    fold.join(timeout=30)
    with read_session() as session:
        listed = session.execute(text("SELECT listed FROM earnedtotal WHERE user_id = :id"), {"id": dee.id}).scalar()
    assert listed is False


@pytest.mark.parametrize("period", ["all", "week"])
def test_the_rank_count_can_read_the_boards_partial_index(city, period):
    """bench scale --big: a count written `listed IS true` matched no partial index (`WHERE listed`) on
    PostgreSQL and scanned the whole bloated table, 58 ms instead of 4 at 100,000 residents. PostgreSQL with
    sequential scans off must plan the index; SQLite refuses `INDEXED BY` an index that cannot serve the query."""
    _shown, counted, _points = _board_queries(period=period, district=None, community=None, now=NOW)
    table = "earnedtotal" if period == "all" else "earnedweek"
    with read_session() as session:
        connection = session.connection()
        compiled = str(counted.compile(connection, compile_kwargs={"literal_binds": True}))
        if on_postgres():
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = " ".join(connection.exec_driver_sql(f"EXPLAIN {compiled}").scalars())
            assert f"ix_{table}_board" in plan, plan
        else:
            hinted = compiled.replace(f"FROM {table}", f"FROM {table} INDEXED BY ix_{table}_board")
            assert connection.exec_driver_sql(f"SELECT count(*) FROM ({hinted})").scalar() == 3
