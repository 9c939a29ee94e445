"""City-wide figures for the public landing page: the totals and CO2e avoided month by month.

The months come from the monthly rollups (points.reports.rollups), never the ledger: a month is a few dozen rows
(district x action x kind) however many entries the city writes, so the landing costs the same in year five.
Call refresh_rollups() first to include the newest entries.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from db.models import Balance, MonthlyRollup, User
from points.common.clock import local_day, utcnow

LANDING_MONTHS = 12


@dataclass(frozen=True)
class CityTotals:
    co2e_g: int
    points: int
    residents: int


def city_totals(session: Session) -> CityTotals:
    co2e, points = session.execute(
        select(func.coalesce(func.sum(Balance.co2e_g), 0), func.coalesce(func.sum(Balance.points), 0))).one()
    residents = session.execute(select(func.count()).select_from(User).where(col(User.role) == "resident")).scalar_one()
    return CityTotals(co2e_g=int(co2e), points=int(points), residents=int(residents))


def _month_before(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def city_months(session: Session, *, months: int = LANDING_MONTHS,
                now: datetime | None = None) -> list[tuple[str, int]]:
    """("2026-03", grams) for each local month from the first with any entry (at most `months` back) up to this
    month, quiet months included as 0, so a chart's gaps are true; [] when the city has no entries yet."""
    window = [local_day(now or utcnow()).isoformat()[:7]]
    while len(window) < months:
        window.insert(0, _month_before(window[0]))
    month = col(MonthlyRollup.month)
    sums = dict(session.execute(select(month, func.sum(MonthlyRollup.co2e_g))
                                .where(month >= window[0], month <= window[-1]).group_by(month)).all())
    if not sums:
        return []
    first = min(sums)
    return [(key, int(sums.get(key, 0))) for key in window if key >= first]
