"""Catalogue management: a new factor is a new ActionType version with a cited source."""
from datetime import datetime

from sqlmodel import Session, col, select

from db.models import ActionType
from points.catalogue import actions
from points.common.errors import DomainError
from points.common.roles import ADMIN, STAFF_READERS, require_role

MAX_SOURCE = 400


def list_actions(session: Session, *, actor_id: int) -> list[ActionType]:
    require_role(session, actor_id, *STAFF_READERS)
    return actions.list_current(session)


def action_versions(session: Session, *, actor_id: int, code: str) -> list[ActionType]:
    require_role(session, actor_id, *STAFF_READERS)
    return list(session.exec(select(ActionType).where(col(ActionType.code) == code)
                             .order_by(col(ActionType.version).desc())))


def edit_factor(session: Session, *, actor_id: int, code: str, source: str, now: datetime | None = None,
                **changes) -> ActionType:
    """A factor change must cite its source; it becomes version n+1 and version n stays for old entries."""
    require_role(session, actor_id, ADMIN)
    source = (source or "").strip()
    if not source or len(source) > MAX_SOURCE:
        raise DomainError("admin_source_required")
    return actions.revise_action(session, actor_id=actor_id, code=code, now=now, source=source, **changes)
