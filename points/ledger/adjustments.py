"""Manual adjustments: the one way staff change a balance by hand, as an audited `adjust` entry."""
from datetime import datetime

from sqlmodel import Session

from points.audit import journal
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.roles import ADMIN, require_role
from points.ledger.browser import user_id_of
from points.ledger.chain import Posted, lock_balance, post

MAX_REASON = 400


def adjust(session: Session, *, actor_id: int, username: str, points: int, reason: str, request_id: str,
           now: datetime | None = None) -> Posted:
    """A manual correction: admin only, a reason is mandatory, written as an `adjust` entry and audited."""
    require_role(session, actor_id, ADMIN)
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise DomainError("admin_reason_required")
    if not isinstance(points, int) or points == 0:
        raise DomainError("admin_adjust_zero")
    user_id = user_id_of(session, username=username)
    if user_id is None:
        raise DomainError("unknown_user")
    now = now or utcnow()
    before = lock_balance(session, user_id=user_id).points
    posted = post(session, user_id=user_id, kind="adjust", points=points, idempotency_key=f"adjust:{request_id}",
                  now=now, reason=reason, created_by=actor_id,
                  request={"kind": "adjust", "user_id": user_id, "points": points, "reason": reason})
    if posted.created:
        journal.record(session, actor_id=actor_id, action="ledger.adjust", now=now, target_type="user",
                       target_id=user_id, before={"points": before},
                       after={"points": before + points, "entry_id": posted.entry.id, "reason": reason})
    return posted
