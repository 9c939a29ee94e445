"""Anomaly flags raised automatically for the review queue; a flag informs a reviewer and never moves points.

Four patterns: many entries in a short time, a daily cap reached day after day, a burst of check-ins at one
checkpoint, and quantities just under the plausibility limit. Each incident is flagged once.

The detectors scan the ledger and claims, which on SQLite must never happen inside a write transaction
(BEGIN IMMEDIATE would stall every credit in the city for the length of the scan). So detection reads and
returns candidates; a short write then adds only the candidates nobody has flagged yet.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, case, func, select, text
from sqlmodel import Session, col

from db.engine import is_sqlite, read_session, write_session
from db.models import ActionType, AnomalyFlag, CheckIn, Claim, LedgerEntry
from db.types import AwareDateTime
from points.claims.channels import SELF
from points.common.clock import local_day, utcnow

BURST_WINDOW = timedelta(hours=1)
BURST_ENTRIES = 20
CAP_STREAK_DAYS = 3
CAP_LOOKBACK_DAYS = 7
CHECKPOINT_WINDOW = timedelta(minutes=10)
CHECKPOINT_BURST = 30
PLAUSIBILITY_EDGE = 0.9
REPEAT_AFTER = timedelta(days=1)
FLAG_WRITE_LOCK = 0x67726565  # PostgreSQL advisory lock id: one flag writer at a time ("gree")


@dataclass(frozen=True)
class Candidate:
    """A flag a detector would raise: new unless one of this kind about this subject exists since `since`."""
    kind: str
    subject: str
    text: str
    since: datetime | None  # None: an incident that is flagged once ever
    links: dict = field(default_factory=dict)  # user_id, claim_id


def _already_flagged(session: Session, *, candidate: Candidate) -> bool:
    query = select(col(AnomalyFlag.id)).where(col(AnomalyFlag.kind) == candidate.kind,
                                              col(AnomalyFlag.detail).like(f"{candidate.subject}:%"))
    if candidate.since is not None:
        query = query.where(col(AnomalyFlag.created_at) >= candidate.since)
    return session.execute(query.limit(1)).first() is not None


def recent_earners_sql(sqlite: bool):
    """The last hour's earn entries per user, read through the created_at index.

    Without statistics SQLite's planner picks the index on `kind` (nearly every entry is an earn, so that is the
    whole ledger) or walks the (user, seq) key for the GROUP BY: 284 ms at a million entries against 0.1 ms, and
    growing with the ledger. `INDEXED BY` names the index that fits; SQLite refuses the query if it ever goes.
    PostgreSQL keeps statistics and picks it on its own.
    """
    hint = " INDEXED BY ix_ledgerentry_created_at" if sqlite else ""
    return text(f"SELECT user_id, count(*) FROM ledgerentry{hint} WHERE kind = 'earn' AND created_at >= :since "
                "GROUP BY user_id HAVING count(*) >= :least").bindparams(
        bindparam("since", type_=AwareDateTime), least=BURST_ENTRIES)


def many_entries(session: Session, *, now: datetime) -> list[Candidate]:
    rows = session.execute(recent_earners_sql(is_sqlite(session.get_bind())), {"since": now - BURST_WINDOW}).all()
    return [Candidate("many_entries", f"user {user_id}", since=now - REPEAT_AFTER, links={"user_id": user_id},
                      text=f"{count} entries in {int(BURST_WINDOW.total_seconds() // 60)} min")
            for user_id, count in rows]


def longest_run(days: list[date]) -> int:
    """The longest run of consecutive days in a sorted list."""
    best = run = 0
    for index, day in enumerate(days):
        run = run + 1 if index and day - days[index - 1] == timedelta(days=1) else 1
        best = max(best, run)
    return best


def cap_streaks(session: Session, *, now: datetime) -> list[Candidate]:
    first_day = (local_day(now) - timedelta(days=CAP_LOOKBACK_DAYS)).isoformat()
    # the verified cap counts every source, a self-report's own lower cap only self-reports (claims.channels)
    caps: dict[str, tuple[float, float | None]] = {code: (cap, self_cap) for code, cap, self_cap in session.execute(
        select(col(ActionType.code), col(ActionType.daily_cap), col(ActionType.self_daily_cap))
        .where(col(ActionType.current), col(ActionType.daily_cap).is_not(None))).all()}
    credited = func.sum(LedgerEntry.quantity)
    self_credited = func.sum(case((col(Claim.source) == SELF, LedgerEntry.quantity), else_=0))
    rows = session.execute(
        select(col(Claim.user_id), col(Claim.action_code), col(Claim.local_day), credited, self_credited)
        .join(LedgerEntry, col(LedgerEntry.claim_id) == col(Claim.id))
        .where(col(Claim.local_day) >= first_day, col(Claim.action_code).in_(list(caps)))
        .group_by(col(Claim.user_id), col(Claim.action_code), col(Claim.local_day))).all()
    capped: dict[tuple[int, str], list[date]] = {}
    for user_id, code, day, total, self_total in rows:
        cap, self_cap = caps[code]
        if (total is not None and total >= cap) or (self_cap is not None and (self_total or 0) >= self_cap):
            capped.setdefault((user_id, code), []).append(date.fromisoformat(day))
    runs = {key: longest_run(sorted(days)) for key, days in capped.items()}
    return [Candidate("cap_streak", f"user {user_id} {code}", text=f"daily cap reached {run} days running",
                      since=now - REPEAT_AFTER, links={"user_id": user_id})
            for (user_id, code), run in runs.items() if run >= CAP_STREAK_DAYS]


def checkpoint_bursts(session: Session, *, now: datetime) -> list[Candidate]:
    rows = session.execute(
        select(col(CheckIn.checkpoint_id), func.count()).where(col(CheckIn.checked_in_at) >= now - CHECKPOINT_WINDOW)
        .group_by(col(CheckIn.checkpoint_id)).having(func.count() >= CHECKPOINT_BURST)).all()
    return [Candidate("checkpoint_burst", f"checkpoint {checkpoint_id}", since=now - CHECKPOINT_WINDOW,
                      text=f"{count} check-ins in {int(CHECKPOINT_WINDOW.total_seconds() // 60)} min")
            for checkpoint_id, count in rows]


def plausibility_edges(session: Session, *, now: datetime) -> list[Candidate]:
    limit_column = col(ActionType.plausibility_limit)
    rows = session.execute(
        select(col(Claim.id), col(Claim.user_id), col(Claim.quantity), limit_column)
        .join(ActionType, col(ActionType.id) == col(Claim.action_type_id))
        .where(col(Claim.created_at) >= now - REPEAT_AFTER, limit_column.is_not(None),
               col(Claim.quantity) >= limit_column * PLAUSIBILITY_EDGE, col(Claim.quantity) <= limit_column)).all()
    return [Candidate("plausibility_edge", f"claim {claim_id}", text=f"quantity {quantity:g} of limit {limit:g}",
                      since=None, links={"user_id": user_id, "claim_id": claim_id})
            for claim_id, user_id, quantity, limit in rows]


DETECTORS = (many_entries, cap_streaks, checkpoint_bursts, plausibility_edges)


def detect(session: Session, *, now: datetime) -> list[Candidate]:
    """Every detector over the recent past, minus what is already flagged; reads only."""
    found = [candidate for detector in DETECTORS for candidate in detector(session, now=now)]
    return [candidate for candidate in found if not _already_flagged(session, candidate=candidate)]


def record(session: Session, *, candidates: list[Candidate], now: datetime) -> int:
    """Add the candidates still unflagged inside the caller's write; returns how many were added.

    The check is repeated under the writers' lock, so two scans at once flag an incident once: SQLite's
    BEGIN IMMEDIATE already admits one writer; PostgreSQL has no row to lock for a flag that does not exist
    yet, so flag writers queue on one transaction-scoped advisory lock.
    """
    if not is_sqlite(session.get_bind()):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FLAG_WRITE_LOCK})
    fresh = [candidate for candidate in candidates if not _already_flagged(session, candidate=candidate)]
    session.add_all([AnomalyFlag(kind=candidate.kind, detail=f"{candidate.subject}: {candidate.text}"[:400],
                                 created_at=now, **candidate.links) for candidate in fresh])
    return len(fresh)


def raise_flags(*, now: datetime | None = None) -> int:
    """Scan in a read transaction, then write only the new flags briefly; returns how many were added."""
    now = now or utcnow()
    with read_session() as session:
        candidates = detect(session, now=now)
    if not candidates:
        return 0
    with write_session() as session:
        return record(session, candidates=candidates, now=now)
