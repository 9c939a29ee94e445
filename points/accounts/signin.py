"""Server-side sign-in sessions behind the HttpOnly cookie.

Signing in inside Streamlit yields a one-time hand-off token; the browser trades it at POST /auth/session
for the cookie. Only SHA-256 digests of tokens are stored, so a copy of the database signs nobody in.

`sign_in`, `register` and `change_password` own their transactions: argon2 (~0.2 s) runs between them with
none open, because on SQLite a write transaction stalls every credit in the city (DESIGN traps).
"""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import update
from sqlmodel import Session, col, select

from db.config import get_settings
from db.engine import read_session, write_session
from db.models import SignInSession, User
from points.accounts import passwords, users
from points.accounts.users import Missed, active_user
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.roles import require_role

IDLE_TIMEOUT = timedelta(hours=12)
ABSOLUTE_LIFETIME = timedelta(days=14)
HANDOFF_LIFETIME = timedelta(minutes=2)
COOKIE_NAME = "ge_session"
TOUCH_EVERY = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(get_settings().secret, salt="green-egret.signin-cookie")


def start_session(session: Session, *, user_id: int, now: datetime | None = None) -> tuple[str, str]:
    """Return (session token, hand-off token); both are secrets known only to this sign-in."""
    now = now or utcnow()
    token, handoff = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(SignInSession(id=_digest(token), user_id=user_id, created_at=now, last_seen_at=now,
                              expires_at=now + ABSOLUTE_LIFETIME, handoff_hash=_digest(handoff),
                              handoff_expires_at=now + HANDOFF_LIFETIME))
    return token, handoff


def _active(row: SignInSession | None, now: datetime) -> bool:
    return (row is not None and row.ended_at is None and row.expires_at > now
            and now - row.last_seen_at < IDLE_TIMEOUT)


def _by_handoff(session: Session, *, handoff: str) -> SignInSession | None:
    return session.exec(select(SignInSession).where(
        col(SignInSession.handoff_hash) == _digest(handoff or ""))).one_or_none()


def cookie_for_handoff(session: Session, *, handoff: str, now: datetime | None = None) -> str | None:
    """Trade a fresh hand-off token (once) for the signed cookie value, or None."""
    now = now or utcnow()
    row = _by_handoff(session, handoff=handoff)
    if row is None or not _active(row, now) or row.handoff_expires_at is None or row.handoff_expires_at < now:
        return None
    row.handoff_hash, row.handoff_expires_at = None, None
    session.add(row)
    return _serializer().dumps(row.id)


def handoff_waiting(session: Session, *, handoff: str, now: datetime | None = None) -> bool:
    """True while the browser has not yet traded this hand-off token for its cookie (and still may)."""
    row = _by_handoff(session, handoff=handoff)
    return row is not None and row.handoff_expires_at is not None and row.handoff_expires_at >= (now or utcnow())


def session_id_from_cookie(cookie_value: str | None) -> str | None:
    if not cookie_value:
        return None
    try:
        value = _serializer().loads(cookie_value)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def user_for_session(session: Session, *, session_id: str | None, now: datetime | None = None,
                     touch: bool = True) -> User | None:
    """The signed-in user behind a session id, if the session and the account are both still good."""
    if not session_id:
        return None
    now = now or utcnow()
    row = session.get(SignInSession, session_id)
    if row is None or not _active(row, now):
        return None
    user = active_user(session, user_id=row.user_id)
    if user is None:
        return None
    if touch and now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
        session.add(row)
    return user


def session_id_for_token(token: str) -> str:
    """A session's id is its token's digest: the browser's token finds the row, the row cannot rebuild it."""
    return _digest(token)


def end_session(session: Session, *, session_id: str | None, now: datetime | None = None) -> None:
    if session_id:
        session.execute(update(SignInSession).where(col(SignInSession.id) == session_id,
                                                    col(SignInSession.ended_at).is_(None))
                        .values(ended_at=now or utcnow()))


def end_all_sessions(session: Session, *, user_id: int, now: datetime | None = None,
                     keep: str | None = None) -> None:
    """End the user's sessions, but for `keep` (the browser that asked, e.g. to change the password)."""
    query = update(SignInSession).where(col(SignInSession.user_id) == user_id, col(SignInSession.ended_at).is_(None))
    if keep:
        query = query.where(col(SignInSession.id) != keep)
    session.execute(query.values(ended_at=now or utcnow()))


@dataclass(frozen=True)
class SignedIn:
    """A new server-side session: its token, the browser's hand-off, and what the owner should be told."""

    user: User
    token: str
    handoff: str
    missed: Missed


def sign_in(*, username: str, password: str, client: str, now: datetime | None = None) -> SignedIn:
    """Read, verify with no transaction open, then record the outcome and open the session in one short
    write. A refusal is raised after the failure is committed."""
    now = now or utcnow()
    with read_session() as session:
        attempt = users.begin_signin(session, username=username, client=client, now=now)
    verified = attempt.verify(password)
    with write_session() as session:
        outcome = users.finish_signin(session, attempt=attempt, verified=verified, now=now)
        if outcome is not None:
            user, missed = outcome
            assert user.id is not None  # a row read from the database
            token, handoff = start_session(session, user_id=user.id, now=now)
    if outcome is None:
        raise DomainError("signin_failed")
    return SignedIn(user, token, handoff, missed)


def register(*, client: str, password: str, now: datetime | None = None, **fields) -> SignedIn:
    """Sign up and sign in at once: the throttle is read first, so a refused client costs no hashing."""
    now = now or utcnow()
    with read_session() as session:
        users.refuse_frequent_registration(session, client=client, now=now)
    secret = passwords.new_password(password, username=users.normalise_username(fields.get("username", "")),
                                    display_name=fields.get("display_name", ""))
    with write_session() as session:
        user = users.register(session, client=client, now=now, password=secret, **fields)
        assert user.id is not None  # register flushed the new row
        token, handoff = start_session(session, user_id=user.id, now=now)
    return SignedIn(user, token, handoff, Missed(0, None))


def change_password(*, user_id: int, old_password: str, new_password: str, keep_session_id: str | None,
                    now: datetime | None = None) -> None:
    """Replace the password and end every other session of the user: whoever knew the old one is out,
    the browser that changed it (`keep_session_id`) stays signed in."""
    with read_session() as session:
        user = require_role(session, user_id)
    if not passwords.verify_password(user.password_hash, old_password):
        raise DomainError("password_wrong")
    secret = passwords.new_password(new_password, username=user.username, display_name=user.display_name)
    with write_session() as session:
        users.replace_password(session, user_id=user_id, verified_hash=user.password_hash, password=secret)
        end_all_sessions(session, user_id=user_id, now=now, keep=keep_session_id)
