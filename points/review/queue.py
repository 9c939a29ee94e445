"""The review queue: pending claims (self-reported or flagged check-ins) and anomaly flags, decided by admins.

Decisions go through points.claims.lifecycle (one entry per claim however often it is approved); a queue decision
never overturns another admin's: the second of approve-vs-reject is refused as already decided (undoing a
credit is lifecycle.reject_claim's reversal). This module adds the queue, the decision on one claim, reason
templates and flag closing; a bulk decision is the caller's loop, one transaction a claim.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import undefer
from sqlmodel import Session, col

from db.engine import read_session
from db.models import AnomalyFlag, CheckIn, Checkpoint, Claim, User
from points.audit import journal
from points.claims import lifecycle
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.roles import ADMIN, STAFF_READERS, require_role
from points.ledger.chain import lock_balance
from points.review.anomalies import raise_flags

QUEUE_LIMIT = 200
REASON_TEMPLATES = ("evidence_ok", "evidence_missing", "photo_unclear", "implausible_quantity", "duplicate",
                    "outside_rules")
FLAG_OUTCOMES = ("resolved", "dismissed")
SOURCES = ("self", "checkin")


def refresh_flags(*, actor_id: int, now: datetime | None = None) -> int:
    """Admins look for new anomalies when they open the queue; auditors read what is there.

    Opens its own transactions: the scan reads, and only new flags take the write lock, briefly.
    """
    with read_session() as session:
        require_role(session, actor_id, ADMIN)
    return raise_flags(now=now)


@dataclass(frozen=True)
class QueueItem:
    claim: Claim
    username: str
    checkpoint: Checkpoint | None
    checkin: CheckIn | None


@dataclass(frozen=True)
class FlagItem:
    flag: AnomalyFlag
    username: str


def pending_claims(session: Session, *, actor_id: int, action_code: str = "", source: str = "",
                   limit: int = QUEUE_LIMIT) -> list[QueueItem]:
    """Claims waiting for a decision, oldest first, with their evidence and the check-in that raised them."""
    require_role(session, actor_id, *STAFF_READERS)
    query = (select(Claim, col(User.username), Checkpoint, CheckIn).join(User, col(User.id) == col(Claim.user_id))
             .outerjoin(Checkpoint, col(Checkpoint.id) == col(Claim.checkpoint_id))
             .outerjoin(CheckIn, col(CheckIn.claim_id) == col(Claim.id)).where(col(Claim.status) == "pending"))
    if action_code:
        query = query.where(col(Claim.action_code) == action_code)
    if source == "checkin":
        query = query.where(col(Claim.checkpoint_id).is_not(None))
    elif source == "self":
        query = query.where(col(Claim.checkpoint_id).is_(None))
    # the evidence the reviewer looks at; SQLModel types Claim.photo as its value, not the ORM attribute it is
    evidence = undefer(Claim.photo)  # type: ignore[arg-type]
    rows = session.execute(query.options(evidence).order_by(col(Claim.created_at), col(Claim.id)).limit(limit)).all()
    return [QueueItem(claim, username, checkpoint, checkin) for claim, username, checkpoint, checkin in rows]


def open_flags(session: Session, *, actor_id: int, kind: str = "", limit: int = QUEUE_LIMIT) -> list[FlagItem]:
    require_role(session, actor_id, *STAFF_READERS)
    query = (select(AnomalyFlag, col(User.username)).outerjoin(User, col(User.id) == col(AnomalyFlag.user_id))
             .where(col(AnomalyFlag.status) == "open"))
    if kind:
        query = query.where(col(AnomalyFlag.kind) == kind)
    rows = session.execute(query.order_by(col(AnomalyFlag.created_at).desc(), col(AnomalyFlag.id).desc())
                           .limit(limit)).all()
    return [FlagItem(flag, username or "") for flag, username in rows]


def close_flags_of(session: Session, *, claim: Claim | None, checkin: CheckIn | None) -> None:
    """A decided claim or held check-in settles the flags raised about it (and about its check-in)."""
    links = [col(AnomalyFlag.claim_id) == claim.id] if claim is not None else []
    if checkin is not None:
        links.append(col(AnomalyFlag.checkin_id) == checkin.id)
    for link in links:
        for flag in session.execute(select(AnomalyFlag).where(link, col(AnomalyFlag.status) == "open")).scalars():
            flag.status = "resolved"
            session.add(flag)


def _refuse_other_decision(session: Session, *, claim_id: int, approve: bool) -> None:
    """Two admins looking at the same pending claim: the second decision must not overturn the first.

    The status is re-read under the claimant's balance lock, which every decision on a claim takes, so a
    decision committed a moment ago by another admin is seen here. Repeating the same decision (a double
    click) is allowed: it returns the first result. Undoing a credit is a deliberate act, not a queue click.
    """
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise DomainError("unknown_claim")
    lock_balance(session, user_id=claim.user_id)
    session.refresh(claim)
    if claim.status != "pending" and (claim.status in lifecycle.CREDITED) != approve:
        raise DomainError("claim_already_decided")


def decide(session: Session, *, actor_id: int, claim_id: int, approve: bool, reason: str | None,
           now: datetime | None = None) -> lifecycle.ClaimResult:
    """Decide one pending claim, then bring its check-in and flags in line with the decision."""
    now = now or utcnow()
    require_role(session, actor_id, ADMIN)
    _refuse_other_decision(session, claim_id=claim_id, approve=approve)
    if approve:
        result = lifecycle.approve_claim(session, actor_id=actor_id, claim_id=claim_id, reason=reason, now=now)
    else:
        result = lifecycle.reject_claim(session, actor_id=actor_id, claim_id=claim_id, reason=reason, now=now)
    checkin = session.execute(select(CheckIn).where(col(CheckIn.claim_id) == claim_id)).scalar_one_or_none()
    if checkin is not None and checkin.status == "review":
        checkin.status = "credited" if approve else "rejected"
        session.add(checkin)
    close_flags_of(session, claim=result.claim, checkin=checkin)
    return result


def close_flag(session: Session, *, actor_id: int, flag_id: int, outcome: str, reason: str,
               now: datetime | None = None) -> AnomalyFlag:
    """Mark an anomaly flag resolved (acted upon) or dismissed (harmless), with the reason audited."""
    now = now or utcnow()
    require_role(session, actor_id, ADMIN)
    if outcome not in FLAG_OUTCOMES:
        raise DomainError("admin_flag_outcome_invalid")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("admin_reason_required")
    flag = session.get(AnomalyFlag, flag_id)
    if flag is None:
        raise DomainError("admin_unknown_flag")
    if flag.status == "open":
        journal.record(session, actor_id=actor_id, action=f"flag.{outcome}", now=now, target_type="flag",
                       target_id=flag_id, before={"status": flag.status},
                       after={"status": outcome, "reason": reason[:400]})
        flag.status = outcome
        session.add(flag)
    return flag
