"""Which action the log page opens on: the one the city credits most, so most residents need not scroll.

Read from the daily rollups (flat cost however long the ledger grows). Only actions credited without review
are candidates: opening on one that always goes to review (saved electricity) would start most residents on
the slow path.
"""
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session, col

from db.models import ActionType, DailyRollup
from points.common.clock import local_day, utcnow

POPULAR_WINDOW = timedelta(days=30)
# A new city with nothing credited yet opens on the metro trip: credited without review, and a linked
# metro card verifies it in full.
OPENING_FALLBACK = "metro"


def opening_action(session: Session, *, actions: Sequence[ActionType], now: datetime | None = None,
                   fallback: str = OPENING_FALLBACK) -> str | None:
    """The code of the action among `actions` credited most often city-wide in the last 30 local days (ties by
    code), else `fallback`, else the first candidate; None when every action goes to review."""
    candidates = [action.code for action in actions if action.verification != "review"]
    if not candidates:
        return None
    since = (local_day(now or utcnow()) - POPULAR_WINDOW).isoformat()
    credited = func.sum(DailyRollup.entries)
    top = session.execute(select(col(DailyRollup.action_code)).where(
        col(DailyRollup.kind) == "earn", col(DailyRollup.day) > since, col(DailyRollup.action_code).in_(candidates))
        .group_by(col(DailyRollup.action_code)).order_by(credited.desc(), col(DailyRollup.action_code))
        .limit(1)).scalar_one_or_none()
    return top or (fallback if fallback in candidates else candidates[0])
