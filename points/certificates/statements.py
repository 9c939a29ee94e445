"""The figures certificates state, read from the check-ins and the ledger."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from db.models import CheckIn, Checkpoint, LedgerEntry
from points.common.clock import local_day, local_day_bounds
from points.reports.earned import EARNED_POINTS


@dataclass(frozen=True)
class VolunteerHours:
    hours: float
    events: int


@dataclass(frozen=True)
class CarbonYear:
    year: int
    co2e_g: int
    points: int


def volunteer_hours(session: Session, *, user_id: int) -> VolunteerHours:
    """Hours of the events the volunteer checked out of and was credited for (open, held or refused ones not)."""
    hours, events = session.execute(
        select(func.coalesce(func.sum(CheckIn.hours), 0.0), func.count(func.distinct(CheckIn.checkpoint_id)))
        .join(Checkpoint, col(Checkpoint.id) == col(CheckIn.checkpoint_id))
        .where(col(CheckIn.user_id) == user_id, col(Checkpoint.kind) == "event", col(CheckIn.status) == "credited",
               col(CheckIn.checked_out_at).is_not(None), col(CheckIn.hours) > 0)).one()
    return VolunteerHours(round(float(hours), 2), int(events))


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The UTC instants where the city's local year starts and the next one starts."""
    return local_day_bounds(date(year, 1, 1))[0], local_day_bounds(date(year + 1, 1, 1))[0]


def carbon_year(session: Session, *, user_id: int, year: int) -> CarbonYear:
    """CO₂e of the year's entries (credits less reversed credits) and the points earned as leaderboards count
    them: spending, gifts and their refunds are not earning."""
    start, end = year_bounds(year)
    co2e, points = session.execute(
        select(func.coalesce(func.sum(LedgerEntry.co2e_g), 0), func.coalesce(func.sum(EARNED_POINTS), 0))
        .where(col(LedgerEntry.user_id) == user_id, col(LedgerEntry.created_at) >= start,
               col(LedgerEntry.created_at) < end)).one()
    return CarbonYear(year, int(co2e), int(points))


def active_years(session: Session, *, user_id: int, now: datetime) -> list[int]:
    """The local years from the resident's first entry to this one, newest first."""
    first = session.execute(select(func.min(LedgerEntry.created_at))
                            .where(col(LedgerEntry.user_id) == user_id)).scalar_one()
    if first is None:
        return []
    return list(range(local_day(now).year, local_day(first).year - 1, -1))
