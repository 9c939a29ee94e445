"""How many points expire: the sums of the rule (see the package docstring), one grouped read of the ledger.

These are reads: the command runs them before its write transactions, and the home page and the dashboard
show them. No write lock is taken here.
"""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlmodel import Session, col

from db.models import Balance, LedgerEntry
from points.common.clock import utcnow
from points.expiry.policy import expiring_this_year, expiry_moment, expiry_years, last_valid_day, year_start

_points = col(LedgerEntry.points)
_kind = col(LedgerEntry.kind)
_at = col(LedgerEntry.created_at)


@dataclass(frozen=True)
class Upcoming:
    points: int
    earned_year: int
    last_day: date


def _sum_when(condition, value):
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def expiring_by_user(session: Session, *, earned_year: int, years: int, spent_before: datetime | None = None,
                     user_id: int | None = None) -> dict[int, int]:
    """User -> points earned up to `earned_year` that the rule lets expire, counting what was spent before
    `spent_before` (default: the moment they expire); users with nothing to expire are left out."""
    spent_before = spent_before or expiry_moment(earned_year, years)
    received = _sum_when((_points > 0) & (_at < year_start(earned_year + 1)), _points)
    spent = _sum_when((_points < 0) & (_kind != "expire") & (_at < spent_before), -_points)
    expired = _sum_when(_kind == "expire", -_points)
    query = (select(col(LedgerEntry.user_id), received - spent - expired, col(Balance.points))
             .join(Balance, col(Balance.user_id) == col(LedgerEntry.user_id))
             .group_by(col(LedgerEntry.user_id), col(Balance.points)))
    if user_id is not None:
        query = query.where(col(LedgerEntry.user_id) == user_id)
    rows = session.execute(query).all()
    return {user: min(int(left), balance) for user, left, balance in rows if min(int(left), balance) > 0}


def upcoming(session: Session, *, user_id: int, now: datetime | None = None) -> Upcoming | None:
    """The user's points that expire at the end of this local year, or None (policy off, or nothing expires)."""
    years = expiry_years()
    if years is None:
        return None
    now = now or utcnow()
    year = expiring_this_year(now, years)
    points = expiring_by_user(session, earned_year=year, years=years, spent_before=now, user_id=user_id)
    if not points.get(user_id):
        return None
    return Upcoming(points=points[user_id], earned_year=year, last_day=last_valid_day(year, years))


def city_expiring(session: Session, *, now: datetime | None = None) -> Upcoming | None:
    """All residents' points that expire at the end of this local year, for the liability dashboard."""
    years = expiry_years()
    if years is None:
        return None
    now = now or utcnow()
    year = expiring_this_year(now, years)
    total = sum(expiring_by_user(session, earned_year=year, years=years, spent_before=now).values())
    return Upcoming(points=total, earned_year=year, last_day=last_valid_day(year, years))
