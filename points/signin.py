"""Server-side sign-in sessions behind the HttpOnly cookie.

Signing in inside Streamlit yields a one-time hand-off token; the browser trades it at POST /auth/session
for the cookie. Only SHA-256 digests of tokens are stored, so a copy of the database signs nobody in.
"""
import hashlib
import secrets
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update
from sqlmodel import Session

from db.config import get_settings
from db.models import SignInSession, User
from points.accounts import active_user
from points.clock import utcnow

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


def cookie_for_handoff(session: Session, *, handoff: str, token: str | None = None,
                       now: datetime | None = None) -> str | None:
    """Trade a fresh hand-off token (once) for the signed cookie value, or None."""
    now = now or utcnow()
    row = session.execute(select(SignInSession).where(
        SignInSession.handoff_hash == _digest(handoff or ""))).scalar_one_or_none()
    if not _active(row, now) or row.handoff_expires_at is None or row.handoff_expires_at < now:
        return None
    row.handoff_hash, row.handoff_expires_at = None, None
    session.add(row)
    return _serializer().dumps(row.id)


def handoff_waiting(session: Session, *, handoff: str, now: datetime | None = None) -> bool:
    """True while the browser has not yet traded this hand-off token for its cookie (and still may)."""
    row = session.execute(select(SignInSession).where(
        SignInSession.handoff_hash == _digest(handoff or ""))).scalar_one_or_none()
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
    if not _active(row, now):
        return None
    user = active_user(session, row.user_id)
    if user is None:
        return None
    if touch and now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
        session.add(row)
    return user


def session_id_for_token(token: str) -> str:
    return _digest(token)


def end_session(session: Session, *, session_id: str | None, now: datetime | None = None) -> None:
    if session_id:
        session.execute(update(SignInSession).where(SignInSession.id == session_id,
                                                    SignInSession.ended_at.is_(None))
                        .values(ended_at=now or utcnow()))


def end_all_sessions(session: Session, *, user_id: int, now: datetime | None = None) -> None:
    session.execute(update(SignInSession).where(SignInSession.user_id == user_id,
                                                SignInSession.ended_at.is_(None))
                    .values(ended_at=now or utcnow()))
