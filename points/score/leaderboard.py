"""Leaderboards: points earned this week or ever, city-wide, by district or by community (社区), among residents
who opted in.

Earned points count (credits minus reversed credits); spending on rewards never costs a rank. The totals come
from the rollups (points.reports.earned), so a board never reads the ledger, and carry the listing (consent,
account, district, community) their triggers copy from the resident, so ranks are counted without a join. Only
a nickname leaves the database: no username, display name or district of another resident.
"""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session, col

from db.models import EarnedTotal, EarnedWeek, User
from points.common.clock import local_day, utcnow, week_start
from points.common.errors import DomainError
from points.common.roles import ACTIVE_USER, RESIDENT, require_role

PERIODS = ("week", "all")
TOP = 10
NEIGHBOURS = 2


@dataclass(frozen=True)
class Row:
    rank: int
    user_id: int
    nickname: str | None
    points: int
    me: bool


@dataclass(frozen=True)
class Board:
    top: list[Row]
    around_me: list[Row]
    me: Row | None
    size: int


def _board_queries(*, period: str, district: str | None, community: str | None, now: datetime):
    """(query of (user id, nickname, earned points) of the residents shown, query of the board's points for
    counting ranks, the points column), from the earned points the rollups keep (points.reports.earned): one row
    per resident, never the ledger.

    Counts read only the earned rows, by the listing their triggers keep (migration 0020), down the board's
    partial index: no join of every resident. The rows shown also check the resident's own account, so a
    nickname whose owner has not consented could never appear, whatever happened to a copy."""
    table: type[EarnedWeek] | type[EarnedTotal] = EarnedWeek if period == "week" else EarnedTotal
    points = col(table.points)
    # The bare column, not `IS TRUE`: PostgreSQL proves `listed` (or `listed = true`) implies the partial indexes'
    # `WHERE listed`, but not `listed IS TRUE`, and would scan the whole table instead (bench scale --big).
    scope = [col(table.listed), points > 0]
    if period == "week":
        scope.append(col(EarnedWeek.week) == local_day(week_start(now)).isoformat())
    if district:
        scope.append(col(table.district) == district)
    if community:
        scope.append(col(table.community) == community)
    shown = (select(col(User.id), col(User.nickname), points).join(User, col(User.id) == col(table.user_id))
             .where(*scope, col(User.role) == RESIDENT, col(User.leaderboard_opt_in).is_(True), ACTIVE_USER))
    return shown, select(points).where(*scope), points


def _count(session: Session, query) -> int:
    return session.execute(select(func.count()).select_from(query.subquery())).scalar_one()


def _row(found, rank: int, viewer_id: int | None) -> Row:
    user_id, nickname, earned = found
    return Row(rank=rank, user_id=user_id, nickname=nickname, points=int(earned), me=user_id == viewer_id)


def _top_rows(found: Sequence, viewer_id: int | None) -> list[Row]:
    """Ranks of the top straight from the list: whoever has more points than a row is above it, so in it."""
    rows: list[Row] = []
    for index, row in enumerate(found):
        rank = rows[-1].rank if rows and rows[-1].points == row[2] else index + 1
        rows.append(_row(row, rank, viewer_id))
    return rows


def _window_rows(session: Session, counted, window: list, viewer_id: int | None) -> tuple[list[Row], int]:
    """Ranks of the viewer and neighbours, and the board's size, from one pass over the board's points: a count
    of those with more points for each distinct figure in the window (1 + that is the rank), and the count of all."""
    board_rows = counted.subquery()
    figures = sorted({earned for _, _, earned in window})
    counts = session.execute(select(func.count(), *(func.count().filter(board_rows.c.points > figure)
                                                    for figure in figures))).one()
    above = dict(zip(figures, counts[1:], strict=True))
    return [_row(row, above[row[2]] + 1, viewer_id) for row in window], counts[0]


def board(session: Session, *, period: str = "week", district: str | None = None, community: str | None = None,
          viewer_id: int | None = None, now: datetime | None = None) -> Board:
    """The top ten, and the viewer with two above and two below (when the viewer is on the board), as of the last
    fold of the rollups: call points.reports.rollups.refresh_rollups() first to include the newest credits.

    A few short queries whatever the city's size (the top and the neighbours by LIMIT, the ranks around the viewer
    and the size by one pass of counts), never every resident's row in Python: ties are listed oldest account
    first. The pass reads the board's points down its own index (one entry per resident on it, no join), so it
    costs a little more as residents join, never as the ledger grows.
    """
    if period not in PERIODS:
        raise DomainError("leaderboard_period_invalid")
    query, counted, points = _board_queries(period=period, district=district, community=community,
                                            now=now or utcnow())
    ordered = (points.desc(), col(User.id))
    top = _top_rows(session.execute(query.order_by(*ordered).limit(TOP)).all(), viewer_id)
    mine = session.execute(query.where(col(User.id) == viewer_id)).first() if viewer_id is not None else None
    if mine is None:
        return Board(top=top, around_me=[], me=None, size=_count(session, counted))
    # The plain bound first (points >= mine), so the read starts at the viewer's figure down the points index.
    ahead = and_(points >= mine[2], or_(points > mine[2], col(User.id) < mine[0]))
    behind = and_(points <= mine[2], or_(points < mine[2], col(User.id) > mine[0]))
    above = session.execute(query.where(ahead).order_by(points.asc(), col(User.id).desc()).limit(NEIGHBOURS)).all()
    below = session.execute(query.where(behind).order_by(*ordered).limit(NEIGHBOURS)).all()
    around, size = _window_rows(session, counted, [*reversed(above), mine, *below], viewer_id)
    return Board(top=top, around_me=around, me=next(row for row in around if row.me), size=size)


def set_leaderboard(session: Session, *, user_id: int, opt_in: bool, nickname: str | None) -> User:
    """A resident's own choice: on the boards under a nickname (1 to 40 characters), or off them."""
    user = require_role(session, user_id)
    nickname = (nickname or "").strip()
    if opt_in and not 1 <= len(nickname) <= 40:
        raise DomainError("nickname_invalid")
    user.leaderboard_opt_in, user.nickname = opt_in, nickname or user.nickname
    session.add(user)
    return user
