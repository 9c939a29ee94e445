"""Leaderboards: points earned this week or ever, city-wide, by district or by community (社区), among residents
who opted in.

Earned points count (credits minus reversed credits); spending on rewards never costs a rank. The totals come
from the rollups (points.reports.earned), so a board never reads the ledger: its cost follows the residents on the
board, not the entries. Only a nickname leaves the database: no username, display name or district of another
resident.
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


def _eligible(*, period: str, district: str | None, community: str | None, now: datetime):
    """(query of (user id, nickname, earned points) of the residents on this board, its points column), from the
    earned points the rollups keep (points.reports.earned): one row per resident, never the ledger."""
    if period == "week":
        points = col(EarnedWeek.points)
        query = (select(col(User.id), col(User.nickname), points)
                 .join(EarnedWeek, col(EarnedWeek.user_id) == col(User.id))
                 .where(col(EarnedWeek.week) == local_day(week_start(now)).isoformat()))
    else:
        points = col(EarnedTotal.points)
        query = (select(col(User.id), col(User.nickname), points)
                 .join(EarnedTotal, col(EarnedTotal.user_id) == col(User.id)))
    query = query.where(col(User.role) == RESIDENT, col(User.leaderboard_opt_in).is_(True), ACTIVE_USER, points > 0)
    if district:
        query = query.where(col(User.district) == district)
    if community:
        query = query.where(col(User.community) == community)
    return query, points


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


def _window_rows(session: Session, query, window: list, viewer_id: int | None) -> tuple[list[Row], int]:
    """Ranks of the viewer and neighbours, and the board's size, from one pass over the board: a count of those
    with more points for each distinct figure in the window (1 + that is the rank), and the count of all."""
    board_rows = query.subquery()
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
    first. The pass reads one row per resident on the board, so it costs more as residents join, not as the
    ledger grows.
    """
    if period not in PERIODS:
        raise DomainError("leaderboard_period_invalid")
    query, points = _eligible(period=period, district=district, community=community, now=now or utcnow())
    ordered = (points.desc(), col(User.id))
    top = _top_rows(session.execute(query.order_by(*ordered).limit(TOP)).all(), viewer_id)
    mine = session.execute(query.where(col(User.id) == viewer_id)).first() if viewer_id is not None else None
    if mine is None:
        return Board(top=top, around_me=[], me=None, size=_count(session, query))
    # The plain bound first (points >= mine), so the read starts at the viewer's figure down the points index.
    ahead = and_(points >= mine[2], or_(points > mine[2], col(User.id) < mine[0]))
    behind = and_(points <= mine[2], or_(points < mine[2], col(User.id) > mine[0]))
    above = session.execute(query.where(ahead).order_by(points.asc(), col(User.id).desc()).limit(NEIGHBOURS)).all()
    below = session.execute(query.where(behind).order_by(*ordered).limit(NEIGHBOURS)).all()
    around, size = _window_rows(session, query, [*reversed(above), mine, *below], viewer_id)
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
