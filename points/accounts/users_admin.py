"""Account management for admins: search, change a role, disable or enable, unlock; each step audited."""
from sqlalchemy import or_, select
from sqlmodel import Session

from db.models import User
from points.accounts import users
from points.audit import journal
from points.common.errors import DomainError
from points.common.roles import ADMIN, ROLES, STAFF_READERS, require_role

SEARCH_LIMIT = 50


def search_users(session: Session, *, actor_id: int, text: str = "", role: str = "",
                 limit: int = SEARCH_LIMIT) -> list[User]:
    """Users whose username or display name contains `text`, optionally of one role, by username.

    `text` is literal (% and _ match themselves). Usernames are stored lower-case, so the lowered needle is
    matched as is; display names keep their case and are matched case-insensitively."""
    require_role(session, actor_id, *STAFF_READERS)
    query = select(User)
    needle = text.strip().lower()
    if needle:
        query = query.where(or_(User.username.contains(needle, autoescape=True),
                                User.display_name.icontains(needle, autoescape=True)))
    if role:
        query = query.where(User.role == role)
    return list(session.execute(query.order_by(User.username).limit(limit)).scalars())


def _target(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise DomainError("unknown_user")
    return user


def change_role(session: Session, *, actor_id: int, user_id: int, role: str) -> User:
    require_role(session, actor_id, ADMIN)
    if role not in ROLES:
        raise DomainError("role_invalid")
    user = _target(session, user_id)
    if user.id == actor_id:
        raise DomainError("admin_cannot_change_own_role")
    journal.record(session, actor_id=actor_id, action="user.role", target_type="user", target_id=user.id,
                 before={"role": user.role}, after={"role": role})
    user.role = role
    session.add(user)
    return user


def set_disabled(session: Session, *, actor_id: int, user_id: int, disabled: bool) -> User:
    """Disabling ends the user's sessions (points.accounts.set_disabled audits and does it)."""
    return users.set_disabled(session, actor_id=actor_id, user_id=user_id, disabled=disabled)


def unlock(session: Session, *, actor_id: int, user_id: int) -> User:
    """Lift the sign-in backoff on an account, from every client."""
    require_role(session, actor_id, ADMIN)
    user = _target(session, user_id)
    until = users.backed_off_until(session, username=user.username)
    journal.record(session, actor_id=actor_id, action="user.unlock", target_type="user", target_id=user.id,
                 before={"backed_off_until": until.isoformat() if until else None},
                 after={"backed_off_until": None})
    users.lift_backoff(session, username=user.username)
    return user
