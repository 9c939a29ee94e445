"""When points expire: the local calendar of the policy, pure functions of the time and the setting."""
from datetime import date, datetime

from db.config import get_settings
from points.common.clock import local_day, local_day_bounds

NOTICE_DAYS = 30  # the inbox warns this many days before points expire


def expiry_years() -> int | None:
    """N of the policy (points earned in Y expire at the end of Y + N), or None when points never expire."""
    return get_settings().points_expire_years


def year_start(year: int) -> datetime:
    """00:00 on 1 January of the local year, as a UTC instant."""
    return local_day_bounds(date(year, 1, 1))[0]


def expiry_moment(earned_year: int, years: int) -> datetime:
    """The instant points earned in `earned_year` are gone: the first moment of local year earned_year+years+1."""
    return year_start(earned_year + years + 1)


def last_valid_day(earned_year: int, years: int) -> date:
    """The last local day on which points earned in `earned_year` may still be spent (31 December)."""
    return date(earned_year + years, 12, 31)


def last_expired_year(now: datetime, years: int) -> int:
    """The latest earned year whose points have expired by `now`."""
    return local_day(now).year - years - 1


def expiring_this_year(now: datetime, years: int) -> int:
    """The earned year whose points expire at the end of the current local year."""
    return local_day(now).year - years


def in_notice_window(now: datetime, years: int) -> bool:
    return (expiry_moment(expiring_this_year(now, years), years) - now).days < NOTICE_DAYS
