"""`manage.py expire-points`: write the `expire` entries that are due and warn residents whose points expire
soon. The sums are read first, outside any write; then each resident gets a short transaction of their own
(SQLite has a single writer: a city-wide transaction would stall every credit for the whole run).
Running it again writes nothing new: the entry's key is `expire:{user}:{year}`, the notice's
`expiry-notice:{user}:{year}`.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from db.engine import read_session, write_session
from points.common.clock import utcnow
from points.expiry.amounts import expiring_by_user
from points.expiry.policy import expiring_this_year, expiry_years, in_notice_window, last_expired_year, last_valid_day
from points.inbox.messages import notify
from points.ledger.chain import find_by_key, lock_balance, post


@dataclass(frozen=True)
class ExpiryRun:
    expired_year: int | None  # the earned year whose points were due, None when the policy is off
    residents: int  # residents whose points expired in this run
    points: int  # points taken away in this run
    notices: int  # residents warned in this run


def _expire_one(session: Session, *, user_id: int, earned_year: int, due: int, now: datetime) -> int:
    """Expire `due` points (fewer if the balance fell since it was read) for one resident, once."""
    key = f"expire:{user_id}:{earned_year}"
    if find_by_key(session, idempotency_key=key) is not None:
        return 0
    points = min(due, lock_balance(session, user_id=user_id).points)
    if points <= 0:
        return 0
    post(session, user_id=user_id, kind="expire", points=-points, idempotency_key=key, now=now,
         request={"kind": "expire", "earned_year": earned_year}, reason=f"earned in {earned_year}, not spent")
    notify(session, user_id=user_id, topic="points_expired", params={"points": points, "year": str(earned_year)},
           key=f"expired:{user_id}:{earned_year}", now=now)
    return points


def expire_due(*, now: datetime, years: int) -> tuple[int, int, int]:
    """Expire what was earned up to the last expired year; (that year, residents, points)."""
    earned_year = last_expired_year(now, years)
    with read_session() as session:
        due = expiring_by_user(session, earned_year=earned_year, years=years)
    residents = total = 0
    for user_id, points in sorted(due.items()):
        with write_session() as session:
            written = _expire_one(session, user_id=user_id, earned_year=earned_year, due=points, now=now)
        residents, total = residents + bool(written), total + written
    return earned_year, residents, total


def send_notices(*, now: datetime, years: int) -> int:
    """In the last NOTICE_DAYS of the year, tell each resident how many points expire at its end, once a year."""
    if not in_notice_window(now, years):
        return 0
    earned_year = expiring_this_year(now, years)
    with read_session() as session:
        soon = expiring_by_user(session, earned_year=earned_year, years=years, spent_before=now)
    params = {"year": str(earned_year), "expires_on": last_valid_day(earned_year, years).isoformat()}
    sent = 0
    for user_id, points in sorted(soon.items()):
        with write_session() as session:
            sent += notify(session, user_id=user_id, topic="points_expiring", params={"points": points, **params},
                           key=f"expiry-notice:{user_id}:{earned_year}", now=now)
    return sent


def run_expiry(*, now: datetime | None = None) -> ExpiryRun:
    now = now or utcnow()
    years = expiry_years()
    if years is None:
        return ExpiryRun(expired_year=None, residents=0, points=0, notices=0)
    earned_year, residents, points = expire_due(now=now, years=years)
    return ExpiryRun(expired_year=earned_year, residents=residents, points=points,
                     notices=send_notices(now=now, years=years))
