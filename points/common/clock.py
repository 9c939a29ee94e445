"""Time is passed in (DESIGN idea 4); these helpers turn UTC instants into the city's local days."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from db.config import get_settings


def utcnow() -> datetime:
    return datetime.now(UTC)


def city_zone() -> ZoneInfo:
    return ZoneInfo(get_settings().timezone)


def local_day(instant: datetime) -> date:
    return instant.astimezone(city_zone()).date()


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants where a local day starts and the next one starts."""
    start = datetime.combine(day, time.min, tzinfo=city_zone())
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def week_start(now: datetime) -> datetime:
    """Monday 00:00 in the city's zone, as UTC: weekly boards and totals reset when the city's week does."""
    today = local_day(now)
    return local_day_bounds(today - timedelta(days=today.weekday()))[0]


def month_start(now: datetime) -> datetime:
    """The 1st 00:00 in the city's zone, as UTC: monthly reward budgets follow the city's calendar."""
    return local_day_bounds(local_day(now).replace(day=1))[0]
