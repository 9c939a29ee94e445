"""Accounts: registration, sign-in with lock-out, password changes and the admin's account switches."""
import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from db.models import User
from points import audit
from points.clock import utcnow
from points.errors import DomainError
from points.ledger import open_balance
from points.passwords import check_new_password, hash_password, spend_verification_time, verify_password
from points.roles import ADMIN, ROLES, is_active, require_role

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,31}$")
MAX_FAILED_SIGNINS = 5
LOCK_WINDOW = timedelta(minutes=15)
LANGUAGES = ("zh", "en")


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def find_user(session: Session, username: str) -> User | None:
    name = normalise_username(username)
    return session.execute(select(User).where(User.username == name)).scalar_one_or_none()


def create_user(session: Session, *, username: str, password: str, display_name: str = "",
                role: str = "resident", language: str | None = None, district: str | None = None,
                leaderboard_opt_in: bool = False, nickname: str | None = None) -> User:
    """Validate and insert a user with an empty balance; the caller's transaction commits both."""
    name = normalise_username(username)
    if not USERNAME_PATTERN.match(name):
        raise DomainError("username_invalid")
    display = (display_name or name).strip()
    if not 1 <= len(display) <= 80:
        raise DomainError("display_name_invalid")
    if role not in ROLES:
        raise DomainError("role_invalid")
    if language is not None and language not in LANGUAGES:
        raise DomainError("language_invalid")
    check_new_password(password, username=name)
    if find_user(session, name) is not None:
        raise DomainError("username_taken")
    user = User(username=name, display_name=display, password_hash=hash_password(password), role=role,
                language=language, district=district, leaderboard_opt_in=leaderboard_opt_in,
                nickname=(nickname or None), created_at=utcnow())
    session.add(user)
    session.flush()
    open_balance(session, user.id)
    session.flush()
    return user


def register(session: Session, **fields) -> User:
    """Self-service sign-up: always a resident, whatever the form sent."""
    fields.pop("role", None)
    return create_user(session, role="resident", **fields)


def active_user(session: Session, user_id: int) -> User | None:
    """The account behind an id remembered elsewhere (a session, a browser), if it may still be used."""
    user = session.get(User, user_id)
    return user if is_active(user) else None


def is_locked(user: User, now: datetime) -> bool:
    """Locked out after failed passwords; a lock whose time has passed no longer counts, though it stays set."""
    return user.locked_until is not None and user.locked_until > now


def _note_failure(user: User, now: datetime) -> None:
    if user.first_failed_at is None or now - user.first_failed_at > LOCK_WINDOW:
        user.first_failed_at, user.failed_signins = now, 0
    user.failed_signins += 1
    if user.failed_signins >= MAX_FAILED_SIGNINS:
        user.locked_until = now + LOCK_WINDOW
        user.failed_signins, user.first_failed_at = 0, None


def authenticate(session: Session, *, username: str, password: str, now: datetime | None = None) -> User | None:
    """The user, or None for any refusal (unknown, wrong password, locked, disabled): callers show one
    message for all. Returns rather than raises so the caller commits the recorded failure."""
    now = now or utcnow()
    user = find_user(session, username)
    if not is_active(user) or is_locked(user, now):
        spend_verification_time(password)
        return None
    if not verify_password(user.password_hash, password):
        _note_failure(user, now)
        session.add(user)
        return None
    user.failed_signins, user.first_failed_at, user.locked_until = 0, None, None
    session.add(user)
    return user


def change_password(session: Session, *, user_id: int, old_password: str, new_password: str) -> None:
    user = require_role(session, user_id)
    if not verify_password(user.password_hash, old_password):
        raise DomainError("password_wrong")
    check_new_password(new_password, username=user.username)
    user.password_hash = hash_password(new_password)
    session.add(user)


def update_profile(session: Session, *, user_id: int, display_name: str | None = None,
                   language: str | None = None, district: str | None = None) -> User:
    user = require_role(session, user_id)
    if display_name is not None:
        if not 1 <= len(display_name.strip()) <= 80:
            raise DomainError("display_name_invalid")
        user.display_name = display_name.strip()
    if language is not None:
        if language not in LANGUAGES:
            raise DomainError("language_invalid")
        user.language = language
    if district is not None:
        user.district = district or None
    session.add(user)
    return user


def set_disabled(session: Session, *, actor_id: int, user_id: int, disabled: bool) -> User:
    """Disabling ends every sign-in session of the user at once."""
    from points.signin import end_all_sessions

    require_role(session, actor_id, ADMIN)
    user = session.get(User, user_id)
    if user is None:
        raise DomainError("unknown_user")
    if user.id == actor_id:
        raise DomainError("cannot_disable_self")
    audit.record(session, actor_id=actor_id, action="user.disable" if disabled else "user.enable",
                 target_type="user", target_id=user.id, before={"disabled": user.disabled},
                 after={"disabled": disabled})
    user.disabled = disabled
    session.add(user)
    if disabled:
        end_all_sessions(session, user_id=user.id)
    return user
