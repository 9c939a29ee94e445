"""Reading the append-only audit log: who did what, when, with the values before and after."""
from sqlalchemy import select
from sqlmodel import Session, col

from db.models import AuditLog, User
from points.common.roles import STAFF_READERS, require_role

PAGE_SIZE = 50


def browse_audit(session: Session, *, actor_id: int, action: str = "", username: str = "",
                 before_id: int | None = None, limit: int = PAGE_SIZE) -> tuple[list[tuple[AuditLog, str]], int | None]:
    """Newest first, keyset-paged; `action` matches a prefix such as "user." or "claim.approved"."""
    require_role(session, actor_id, *STAFF_READERS)
    query = select(AuditLog, col(User.username)).outerjoin(User, col(User.id) == col(AuditLog.actor_id))
    if action.strip():
        query = query.where(col(AuditLog.action).startswith(action.strip(), autoescape=True))
    if username.strip():
        query = query.where(col(User.username) == username.strip().lower())
    if before_id is not None:
        query = query.where(col(AuditLog.id) < before_id)
    rows = [(row, name or "") for row, name in
            session.execute(query.order_by(col(AuditLog.id).desc()).limit(limit + 1)).all()]
    cursor = rows[limit - 1][0].id if len(rows) > limit else None
    return rows[:limit], cursor
