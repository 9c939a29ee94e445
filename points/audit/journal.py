"""The audit log: every admin and organizer action, appended in the same transaction as the action.

The time is the caller's `now`, never read here: the action and its audit entry then carry the same instant,
and tests that walk the clock see it in the log too.
"""
from datetime import datetime

from sqlmodel import Session

from db.models import AuditLog


def record(session: Session, *, actor_id: int | None, action: str, now: datetime, target_type: str = "",
           target_id: str | int = "", before: dict | None = None, after: dict | None = None) -> AuditLog:
    entry = AuditLog(actor_id=actor_id, action=action, target_type=target_type, target_id=str(target_id),
                     before=before, after=after, created_at=now)
    session.add(entry)
    return entry
