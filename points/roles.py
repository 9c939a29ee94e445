"""Role checks done inside the domain, so a page reached by URL or a stale session cannot bypass them."""
from sqlmodel import Session

from db.models import User
from points.errors import DomainError

RESIDENT, ORGANIZER, ADMIN, AUDITOR = "resident", "organizer", "admin", "auditor"
ROLES = (RESIDENT, ORGANIZER, ADMIN, AUDITOR)
STAFF_READERS = (ADMIN, AUDITOR)


def require_role(session: Session, actor_id: int | None, *roles: str) -> User:
    """Re-read the actor from the database: a role changed or an account disabled takes effect at once."""
    actor = session.get(User, actor_id) if actor_id is not None else None
    if actor is None or actor.disabled or actor.deleted_at is not None:
        raise DomainError("not_signed_in")
    if roles and actor.role not in roles:
        raise DomainError("forbidden")
    return actor
