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
