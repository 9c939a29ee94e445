"""Anomaly flags raised automatically for the review queue; a flag informs a reviewer and never moves points.

Four patterns: many entries in a short time, a daily cap reached day after day, a burst of check-ins at one
checkpoint, and quantities just under the plausibility limit. Each incident is flagged once.
"""
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from db.models import ActionType, AnomalyFlag, CheckIn, Claim, LedgerEntry
from points.clock import local_day, utcnow

BURST_WINDOW = timedelta(hours=1)
BURST_ENTRIES = 20
CAP_STREAK_DAYS = 3
CAP_LOOKBACK_DAYS = 7
CHECKPOINT_WINDOW = timedelta(minutes=10)
CHECKPOINT_BURST = 30
PLAUSIBILITY_EDGE = 0.9
REPEAT_AFTER = timedelta(days=1)


def _flag_once(session: Session, *, kind: str, subject: str, text: str, since: datetime | None, now: datetime,
               **links) -> int:
    """Add a flag unless one of this kind about this subject was raised since `since` (None: ever)."""
    query = select(AnomalyFlag.id).where(AnomalyFlag.kind == kind, AnomalyFlag.detail.like(f"{subject}:%"))
    if since is not None:
        query = query.where(AnomalyFlag.created_at >= since)
    if session.execute(query.limit(1)).first() is not None:
        return 0
    session.add(AnomalyFlag(kind=kind, detail=f"{subject}: {text}"[:400], created_at=now, **links))
    return 1


def many_entries(session: Session, *, now: datetime) -> int:
    rows = session.execute(
        select(LedgerEntry.user_id, func.count()).where(LedgerEntry.kind == "earn",
                                                        LedgerEntry.created_at >= now - BURST_WINDOW)
        .group_by(LedgerEntry.user_id).having(func.count() >= BURST_ENTRIES)).all()
    return sum(_flag_once(session, kind="many_entries", subject=f"user {user_id}", user_id=user_id,
                          text=f"{count} entries in {int(BURST_WINDOW.total_seconds() // 60)} min",
                          since=now - REPEAT_AFTER, now=now) for user_id, count in rows)


def longest_run(days: list[date]) -> int:
    """The longest run of consecutive days in a sorted list."""
    best = run = 0
    for index, day in enumerate(days):
        run = run + 1 if index and day - days[index - 1] == timedelta(days=1) else 1
        best = max(best, run)
    return best


def cap_streaks(session: Session, *, now: datetime) -> int:
    first_day = (local_day(now) - timedelta(days=CAP_LOOKBACK_DAYS)).isoformat()
    caps = dict(session.execute(select(ActionType.code, ActionType.daily_cap)
                                .where(ActionType.current, ActionType.daily_cap.is_not(None))).all())
    credited = func.sum(LedgerEntry.quantity)
    rows = session.execute(
        select(Claim.user_id, Claim.action_code, Claim.local_day, credited)
        .join(LedgerEntry, LedgerEntry.claim_id == Claim.id)
        .where(Claim.local_day >= first_day, Claim.action_code.in_(list(caps)))
        .group_by(Claim.user_id, Claim.action_code, Claim.local_day)).all()
    capped: dict[tuple[int, str], list[date]] = {}
    for user_id, code, day, total in rows:
        if total is not None and total >= caps[code]:
            capped.setdefault((user_id, code), []).append(date.fromisoformat(day))
    return sum(_flag_once(session, kind="cap_streak", subject=f"user {user_id} {code}", user_id=user_id,
                          text=f"daily cap reached {longest_run(sorted(days))} days running",
                          since=now - REPEAT_AFTER, now=now)
               for (user_id, code), days in capped.items() if longest_run(sorted(days)) >= CAP_STREAK_DAYS)


def checkpoint_bursts(session: Session, *, now: datetime) -> int:
    rows = session.execute(
        select(CheckIn.checkpoint_id, func.count()).where(CheckIn.checked_in_at >= now - CHECKPOINT_WINDOW)
        .group_by(CheckIn.checkpoint_id).having(func.count() >= CHECKPOINT_BURST)).all()
    return sum(_flag_once(session, kind="checkpoint_burst", subject=f"checkpoint {checkpoint_id}",
                          text=f"{count} check-ins in {int(CHECKPOINT_WINDOW.total_seconds() // 60)} min",
                          since=now - CHECKPOINT_WINDOW, now=now) for checkpoint_id, count in rows)


def plausibility_edges(session: Session, *, now: datetime) -> int:
    rows = session.execute(
        select(Claim.id, Claim.user_id, Claim.quantity, ActionType.plausibility_limit)
        .join(ActionType, ActionType.id == Claim.action_type_id)
        .where(Claim.created_at >= now - REPEAT_AFTER, ActionType.plausibility_limit.is_not(None),
               Claim.quantity >= ActionType.plausibility_limit * PLAUSIBILITY_EDGE,
               Claim.quantity <= ActionType.plausibility_limit)).all()
    return sum(_flag_once(session, kind="plausibility_edge", subject=f"claim {claim_id}", user_id=user_id,
                          claim_id=claim_id, text=f"quantity {quantity:g} of limit {limit:g}", since=None, now=now)
               for claim_id, user_id, quantity, limit in rows)


DETECTORS = (many_entries, cap_streaks, checkpoint_bursts, plausibility_edges)


def raise_flags(session: Session, *, now: datetime | None = None) -> int:
    """Run every detector over the recent past; returns how many new flags were added."""
    now = now or utcnow()
    return sum(detector(session, now=now) for detector in DETECTORS)
