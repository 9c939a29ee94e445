"""City-wide figures for the public landing page."""
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from db.models import Balance, User


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
