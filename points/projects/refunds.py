"""Cancelling a project gives every gift back, once, in a short transaction per gift.

Why not one transaction for all: on SQLite a write transaction is the city-wide lock (BEGIN IMMEDIATE), and a
project with thousands of gifts would stall every credit meanwhile. The status changes first, so no gift arrives
after the list of gifts is read; each refund then locks its giver's Balance and the gift, writes a `give` entry
of the gift's points, naming the gift's entry, keyed by the gift, and tells the giver in the inbox. Running the
cancel again (after a crash half-way, or a second click) refunds only what is still unrefunded, and a refund (or
its message) can never be written twice.

The admin page cancels as the signed-in admin; `manage.py cancel-project` as an admin it names or, without one,
as the operator at the shell (no actor, like the other operator commands), and always with a reason, which the
audit log keeps.
"""
from datetime import datetime

from sqlmodel import Session, col, select

from db.engine import locked, read_session, write_session
from db.models import ProjectGift
from points.audit.journal import record
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.roles import ADMIN, require_role
from points.inbox.messages import notify
from points.ledger.chain import lock_balance, post
from points.projects.gifts import GIVE
from points.projects.registry import CANCELLED, CLOSED, lock_project

MAX_REASON = 400


def _reason(reason: str | None) -> str | None:
    """None when none was asked for (the admin page); a reason given must say something."""
    if reason is None:
        return None
    reason = reason.strip()
    if not reason:
        raise DomainError("reason_required")
    if len(reason) > MAX_REASON:
        raise DomainError("reason_too_long", max=MAX_REASON)
    return reason


def mark_cancelled(session: Session, *, actor_id: int | None, project_id: int, reason: str | None = None,
                   now: datetime | None = None) -> bool:
    """Cancel a project not yet closed; True if this call cancelled it, False if it was already cancelled.
    actor_id None is the operator at the shell; anyone else must be an admin."""
    now = now or utcnow()
    if actor_id is not None:
        require_role(session, actor_id, ADMIN)
    reason = _reason(reason)
    project = lock_project(session, project_id=project_id)
    if project.status == CANCELLED:
        return False
    if project.status == CLOSED:
        raise DomainError("project_status_change")
    record(session, actor_id=actor_id, action="project_cancelled", target_type="project", target_id=project_id,
           before={"status": project.status, "raised_points": project.raised_points},
           after={"status": CANCELLED, **({"reason": reason} if reason else {})}, now=now)
    project.status, project.updated_at = CANCELLED, now
    session.add(project)
    return True


def refund_gift(session: Session, *, gift_id: int, actor_id: int | None, now: datetime | None = None) -> bool:
    """Give one gift of a cancelled project back; False when it was already given back."""
    now = now or utcnow()
    gift = session.get(ProjectGift, gift_id)
    if gift is None:
        raise DomainError("project_unknown")
    lock_balance(session, user_id=gift.user_id)
    gift = session.exec(locked(session, select(ProjectGift).where(col(ProjectGift.id) == gift_id))
                        .execution_options(populate_existing=True)).one()
    if gift.refund_entry_id is not None:
        return False
    project = lock_project(session, project_id=gift.project_id)
    if project.status != CANCELLED:
        raise DomainError("project_status_change")
    posted = post(session, user_id=gift.user_id, kind=GIVE, points=gift.points, now=now,
                  idempotency_key=f"refund:{gift.idempotency_key}", request={"gift_id": gift.id},
                  original_entry_id=gift.entry_id, reason=f"project {project.id} cancelled", created_by=actor_id)
    gift.refund_entry_id, gift.refunded_at = posted.entry.id, now
    project.raised_points -= gift.points
    project.updated_at = now
    session.add_all([gift, project])
    notify(session, user_id=gift.user_id, topic="gift_refunded", key=f"refund:{gift.id}", now=now,
           params={"points": gift.points, "title_zh": project.title_zh, "title_en": project.title_en})
    return True


def unrefunded(session: Session, *, project_id: int) -> list[int]:
    rows = session.exec(select(col(ProjectGift.id)).where(col(ProjectGift.project_id) == project_id,
                                                          col(ProjectGift.refund_entry_id).is_(None))
                        .order_by(col(ProjectGift.id))).all()
    return [gift_id for gift_id in rows if gift_id is not None]


def cancel_and_refund(*, actor_id: int | None, project_id: int, reason: str | None = None,
                      now: datetime | None = None) -> int:
    """Cancel the project (if not yet) and refund every gift not yet refunded; the number of refunds written.

    Opens its own transactions, like the expiry run: one for the status, then one per gift."""
    now = now or utcnow()
    with write_session() as session:
        mark_cancelled(session, actor_id=actor_id, project_id=project_id, reason=reason, now=now)
    with read_session() as session:
        pending = unrefunded(session, project_id=project_id)
    written = 0
    for gift_id in pending:
        with write_session() as session:
            written += refund_gift(session, gift_id=gift_id, actor_id=actor_id, now=now)
    return written
