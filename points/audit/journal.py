"""The audit log: every admin and organizer action, appended in the same transaction as the action."""
from sqlmodel import Session

from db.models import AuditLog
from points.common.clock import utcnow


def record(session: Session, *, actor_id: int | None, action: str, target_type: str = "",
           target_id: str | int = "", before: dict | None = None, after: dict | None = None) -> AuditLog:
    entry = AuditLog(actor_id=actor_id, action=action, target_type=target_type, target_id=str(target_id),
                     before=before, after=after, created_at=utcnow())
    session.add(entry)
    return entry
