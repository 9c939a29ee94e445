"""Account management for admins: search, change a role, disable or enable, unlock; each step audited.

It sits above both `users` and `signin`: disabling an account ends its sign-in sessions, so the switch lives
here rather than in `users`, which `signin` itself builds on.
"""
from datetime import datetime

from sqlmodel import Session, col, or_, select

from db.models import User
from points.accounts import users
from points.accounts.signin import end_all_sessions
from points.audit import journal
from points.common.clock import utcnow
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
        query = query.where(or_(col(User.username).contains(needle, autoescape=True),
                                col(User.display_name).icontains(needle, autoescape=True)))
    if role:
        query = query.where(col(User.role) == role)
    return list(session.exec(query.order_by(col(User.username)).limit(limit)))


def _target(session: Session, *, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise DomainError("unknown_user")
    return user


def change_role(session: Session, *, actor_id: int, user_id: int, role: str, now: datetime | None = None) -> User:
    require_role(session, actor_id, ADMIN)
    if role not in ROLES:
        raise DomainError("role_invalid")
    user = _target(session, user_id=user_id)
    if user.id == actor_id:
        raise DomainError("admin_cannot_change_own_role")
    journal.record(session, actor_id=actor_id, action="user.role", target_type="user", target_id=user_id,
                   before={"role": user.role}, after={"role": role}, now=now or utcnow())
    user.role = role
    session.add(user)
    return user


def set_disabled(session: Session, *, actor_id: int, user_id: int, disabled: bool,
                 now: datetime | None = None) -> User:
    """Disabling ends every sign-in session of the user at once: whoever holds one is out now."""
    now = now or utcnow()
    require_role(session, actor_id, ADMIN)
    user = _target(session, user_id=user_id)
    if user.id == actor_id:
        raise DomainError("cannot_disable_self")
    journal.record(session, actor_id=actor_id, action="user.disable" if disabled else "user.enable",
                   target_type="user", target_id=user_id, before={"disabled": user.disabled},
                   after={"disabled": disabled}, now=now)
    user.disabled = disabled
    session.add(user)
    if disabled:
        end_all_sessions(session, user_id=user_id, now=now)
    return user


def unlock(session: Session, *, actor_id: int, user_id: int, now: datetime | None = None) -> User:
    """Lift the sign-in backoff on an account, from every client."""
    now = now or utcnow()
    require_role(session, actor_id, ADMIN)
    user = _target(session, user_id=user_id)
    until = users.backed_off_until(session, username=user.username, now=now)
    journal.record(session, actor_id=actor_id, action="user.unlock", target_type="user", target_id=user_id,
                   before={"backed_off_until": until.isoformat() if until else None},
                   after={"backed_off_until": None}, now=now)
    users.lift_backoff(session, username=user.username)
    return user
