"""Check-ins held for review before any claim exists: an event check-in beyond capacity or far above the expected
attendance (its hours are only known at check-out), or a check-out with no time inside the event's hours.

They wait for an administrator just as pending claims do, so the queue lists and counts them with the claims: one
number for everything an administrator can decide. Approving lets the attendance go on (the hours are credited at
check-out by the usual rules); rejecting ends it, and nothing is credited later.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from db.models import CheckIn, Checkpoint, User
from points.audit import journal
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.roles import ADMIN, STAFF_READERS, require_role
from points.ledger.chain import lock_balance
from points.review.queue import QUEUE_LIMIT, close_flags_of


@dataclass(frozen=True)
class HeldItem:
    checkin: CheckIn
    username: str
    checkpoint: Checkpoint


def held_checkins(session: Session, *, actor_id: int, action_code: str = "", source: str = "",
                  limit: int = QUEUE_LIMIT) -> list[HeldItem]:
    """Held check-ins without a claim, oldest first; `source` "self" has none (they all come from a scan)."""
    require_role(session, actor_id, *STAFF_READERS)
    if source == "self":
        return []
    query = (select(CheckIn, col(User.username), Checkpoint).join(User, col(User.id) == col(CheckIn.user_id))
             .join(Checkpoint, col(Checkpoint.id) == col(CheckIn.checkpoint_id))
             .where(col(CheckIn.status) == "review", col(CheckIn.claim_id).is_(None)))
    if action_code:
        query = query.where(col(Checkpoint.action_code) == action_code)
    rows = session.execute(query.order_by(col(CheckIn.checked_in_at), col(CheckIn.id)).limit(limit)).all()
    return [HeldItem(checkin, username, checkpoint) for checkin, username, checkpoint in rows]


def decide_checkin(session: Session, *, actor_id: int, checkin_id: int, approve: bool, reason: str | None,
                   now: datetime | None = None) -> CheckIn:
    """Approve or reject one held check-in; as with claims, a second admin's opposite decision is refused."""
    now = now or utcnow()
    require_role(session, actor_id, ADMIN)
    checkin = session.get(CheckIn, checkin_id)
    if checkin is None:
        raise DomainError("checkin_outcome_unknown_checkin")
    lock_balance(session, user_id=checkin.user_id)
    session.refresh(checkin)
    if checkin.status != "review" or checkin.claim_id is not None:
        if (checkin.status != "rejected") == approve:
            return checkin  # the same decision again (a double click): nothing more to do
        raise DomainError("claim_already_decided")
    decided = ("credited" if checkin.checked_out_at is not None else "open") if approve else "rejected"
    journal.record(session, actor_id=actor_id, action="checkin.approve" if approve else "checkin.reject", now=now,
                   target_type="checkin", target_id=checkin_id, before={"status": checkin.status},
                   after={"status": decided, "reason": (reason or "")[:400]})
    checkin.status = decided
    session.add(checkin)
    close_flags_of(session, claim=None, checkin=checkin)
    return checkin
