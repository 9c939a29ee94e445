"""Role checks done inside the domain, so a page reached by URL or a stale session cannot bypass them."""
from typing import TypeGuard

from sqlalchemy import and_
from sqlmodel import Session, col

from db.models import User
from points.common.errors import DomainError

RESIDENT, ORGANIZER, ADMIN, AUDITOR = "resident", "organizer", "admin", "auditor"
ROLES = (RESIDENT, ORGANIZER, ADMIN, AUDITOR)
STAFF_READERS = (ADMIN, AUDITOR)

# The SQL form of is_active, for queries that list accounts (feeds, boards) rather than load one.
ACTIVE_USER = and_(col(User.disabled).is_(False), col(User.deleted_at).is_(None))


def is_active(user: User | None) -> TypeGuard[User]:
    """One rule for a usable account: it exists and is neither disabled nor deleted."""
    return user is not None and not user.disabled and user.deleted_at is None


def require_role(session: Session, actor_id: int | None, *roles: str) -> User:
    """Re-read the actor from the database: a role changed or an account disabled takes effect at once."""
    actor = session.get(User, actor_id) if actor_id is not None else None
    if not is_active(actor):
        raise DomainError("not_signed_in")
    if roles and actor.role not in roles:
        raise DomainError("forbidden")
    return actor
