"""Leaderboards: points earned this week or ever, city-wide or by district, among residents who opted in.

Earned points count (credits minus reversed credits); spending on rewards never costs a rank. The totals come
from the rollups (points.reports.earned), so a board costs the same at 10k ledger entries as at 10M. Only a nickname
leaves the database: no username, display name or district of another resident.
"""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row as ResultRow
from sqlalchemy import select
from sqlmodel import Session, col

from db.models import EarnedTotal, EarnedWeek, User
from points.common.clock import local_day, utcnow, week_start
from points.common.errors import DomainError
from points.common.roles import ACTIVE_USER, RESIDENT, require_role

PERIODS = ("week", "all")
TOP = 10
NEIGHBOURS = 2
Totals = Sequence[ResultRow[int, str | None, int]]  # (user id, nickname, earned points), highest first


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


def _earned_totals(session: Session, *, period: str, district: str | None, now: datetime) -> Totals:
    """From the earned points the rollups keep (points.reports.earned): one row per resident, never the ledger."""
    if period == "week":
        points = col(EarnedWeek.points)
        query = (select(col(User.id), col(User.nickname), points)
                 .join(EarnedWeek, col(EarnedWeek.user_id) == col(User.id))
                 .where(col(EarnedWeek.week) == local_day(week_start(now)).isoformat()))
    else:
        points = col(EarnedTotal.points)
        query = (select(col(User.id), col(User.nickname), points)
                 .join(EarnedTotal, col(EarnedTotal.user_id) == col(User.id)))
    query = (query.where(col(User.role) == RESIDENT, col(User.leaderboard_opt_in).is_(True), ACTIVE_USER, points > 0)
             .order_by(points.desc(), col(User.id)))
    if district:
        query = query.where(col(User.district) == district)
    return session.execute(query).all()


def _ranked(totals: Totals, viewer_id: int | None) -> list[Row]:
    """Equal points share a rank (1, 2, 2, 4); ties are listed oldest account first."""
    rows: list[Row] = []
    rank = 0
    for position, (user_id, nickname, points) in enumerate(totals, start=1):
        if position == 1 or points != rows[-1].points:
            rank = position
        rows.append(Row(rank=rank, user_id=user_id, nickname=nickname, points=int(points), me=user_id == viewer_id))
    return rows


def board(session: Session, *, period: str = "week", district: str | None = None, viewer_id: int | None = None,
          now: datetime | None = None) -> Board:
    """The top ten, and the viewer with two above and two below (when the viewer is on the board), as of the last
    fold of the rollups: call points.reports.rollups.refresh_rollups() first to include the newest credits."""
    if period not in PERIODS:
        raise DomainError("leaderboard_period_invalid")
    rows = _ranked(_earned_totals(session, period=period, district=district, now=now or utcnow()), viewer_id)
    mine = next((index for index, row in enumerate(rows) if row.me), None)
    around = [] if mine is None else rows[max(0, mine - NEIGHBOURS): mine + NEIGHBOURS + 1]
    return Board(top=rows[:TOP], around_me=around, me=rows[mine] if mine is not None else None, size=len(rows))


def set_leaderboard(session: Session, *, user_id: int, opt_in: bool, nickname: str | None) -> User:
    """A resident's own choice: on the boards under a nickname (1 to 40 characters), or off them."""
    user = require_role(session, user_id)
    nickname = (nickname or "").strip()
    if opt_in and not 1 <= len(nickname) <= 40:
        raise DomainError("nickname_invalid")
    user.leaderboard_opt_in, user.nickname = opt_in, nickname or user.nickname
    session.add(user)
    return user
