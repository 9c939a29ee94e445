"""Accounts: registration, sign-in with backoff, password changes and profiles.

Nothing here hashes or verifies a password inside the caller's transaction unless handed a plain str by
a script: the portal verifies between a read (`begin_signin`) and a short write (`finish_signin`), and
hashes into a `NewPassword` before the write that stores it (points.accounts.signin runs those steps).
"""
import math
import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from db.engine import locked
from db.models import User
from points.accounts import passwords, throttle
from points.accounts.passwords import NewPassword
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.roles import ROLES, is_active, require_role
from points.ledger.chain import open_balance

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,31}$")
LANGUAGES = ("zh", "en")
TYPED_USERNAME_LIMIT = 64  # a sign-in form accepts anything; the throttle keys on at most this much


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def find_user(session: Session, *, username: str) -> User | None:
    name = normalise_username(username)
    return session.exec(select(User).where(col(User.username) == name)).one_or_none()


def create_user(session: Session, *, username: str, password: str | NewPassword, display_name: str = "",
                role: str = "resident", language: str | None = None, district: str | None = None,
                community: str | None = None, leaderboard_opt_in: bool = False, nickname: str | None = None) -> User:
    """Validate and insert a user with an empty balance; the caller's transaction commits both.

    Pass a NewPassword built before the transaction; a plain str (tests only) is checked and
    hashed here, inside the caller's write."""
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
    if not isinstance(password, NewPassword):
        password = passwords.new_password(password, username=name, display_name=display)
    if find_user(session, username=name) is not None:
        raise DomainError("username_taken")
    user = User(username=name, display_name=display, password_hash=password.hash, role=role,
                language=language, district=district, community=community, leaderboard_opt_in=leaderboard_opt_in,
                nickname=(nickname or None), created_at=utcnow())
    session.add(user)
    session.flush()
    assert user.id is not None  # the flush above assigned it
    open_balance(session, user_id=user.id)
    session.flush()
    return user


def _registrations(client: str) -> list[throttle.Counter]:
    return [throttle.counter(throttle.REGISTRATION, client=client)]


def refuse_frequent_registration(session: Session, *, client: str, now: datetime) -> None:
    """Refuse a client that has just made its hourly share of accounts: bulk sign-ups farm points."""
    wait = throttle.wait_seconds(session, counters=_registrations(client), now=now)
    if wait:
        raise DomainError("registration_throttled", minutes=math.ceil(wait / 60))


def register(session: Session, *, client: str, now: datetime | None = None, **fields) -> User:
    """Self-service sign-up from a client: always a resident, whatever the form sent."""
    now = now or utcnow()
    refuse_frequent_registration(session, client=client, now=now)
    fields.pop("role", None)
    user = create_user(session, role="resident", **fields)
    throttle.record(session, counters=_registrations(client), now=now)
    return user


def active_user(session: Session, *, user_id: int) -> User | None:
    """The account behind an id remembered elsewhere (a session, a browser), if it may still be used."""
    user = session.get(User, user_id)
    return user if is_active(user) else None


def _pair(username: str, client: str) -> throttle.Counter:
    return throttle.counter(throttle.SIGNIN_PAIR, client=client, account=username)


def _signin_counters(username: str, client: str) -> list[throttle.Counter]:
    return [_pair(username, client), throttle.counter(throttle.SIGNIN_CLIENT, client=client),
            throttle.counter(throttle.SIGNIN_ACCOUNT, account=username)]


@dataclass(frozen=True)
class SignInAttempt:
    """What the read before a sign-in found; `verify` is the slow part and runs with no transaction open."""

    username: str
    client: str
    user_id: int | None
    password_hash: str | None

    def verify(self, password: str) -> bool:
        if self.password_hash is None:  # unknown or disabled: the same time spent as a wrong password
            passwords.spend_verification_time(password)
            return False
        return passwords.verify_password(self.password_hash, password)


@dataclass(frozen=True)
class Missed:
    """Failed sign-ins on an account since its previous good one, told to the owner once signed in."""

    count: int
    last_at: datetime | None


def begin_signin(session: Session, *, username: str, client: str, now: datetime | None = None) -> SignInAttempt:
    """Refuse a backed-off client or account before any hashing ("try again in N s"), else read the hash.

    Unknown usernames are counted like known ones, so the answer does not tell which accounts exist."""
    name = normalise_username(username)[:TYPED_USERNAME_LIMIT]
    wait = throttle.wait_seconds(session, counters=_signin_counters(name, client), now=now or utcnow())
    if wait:
        raise DomainError("signin_throttled", seconds=wait)
    user = find_user(session, username=name)
    if user is None or not is_active(user):
        return SignInAttempt(name, client, None, None)
    return SignInAttempt(name, client, user.id, user.password_hash)


def finish_signin(session: Session, *, attempt: SignInAttempt, verified: bool,
                  now: datetime | None = None) -> tuple[User, Missed] | None:
    """Record the outcome in a short write: the user and what the owner missed, or None (counted).

    A password changed or an account disabled since the read fails: the verified hash must still be stored."""
    now = now or utcnow()
    query = select(User).where(col(User.username) == attempt.username)
    user = session.exec(locked(session, query)).one_or_none()  # concurrent failures all count
    if verified and user is not None and is_active(user) and user.password_hash == attempt.password_hash:
        missed = Missed(user.failed_signins, user.last_failed_at)
        user.failed_signins, user.last_failed_at = 0, None
        session.add(user)
        throttle.clear(session, counters=[_pair(attempt.username, attempt.client)])  # the client's own run stays
        return user, missed
    throttle.record(session, counters=_signin_counters(attempt.username, attempt.client), now=now)
    if user is not None:
        user.failed_signins, user.last_failed_at = user.failed_signins + 1, now
        session.add(user)
    return None


def replace_password(session: Session, *, user_id: int, verified_hash: str, password: NewPassword) -> User:
    """Store a new hash if the old one is still the one the caller verified the current password against."""
    user = require_role(session, user_id)
    if user.password_hash != verified_hash:
        raise DomainError("password_wrong")
    user.password_hash = password.hash
    session.add(user)
    return user


def backed_off_until(session: Session, *, username: str, now: datetime | None = None) -> datetime | None:
    """Until when sign-ins to this account are held back from some client, if they are."""
    return throttle.account_blocked_until(session, account=normalise_username(username), now=now or utcnow())


def lift_backoff(session: Session, *, username: str) -> None:
    """Forget every run of failures that names this account (an admin's unlock)."""
    throttle.clear_account(session, account=normalise_username(username))


def update_profile(session: Session, *, user_id: int, display_name: str | None = None,
                   language: str | None = None, district: str | None = None, community: str | None = None,
                   elder_mode: bool | None = None) -> User:
    """Change what the owner may change about themselves; None leaves a field as it is."""
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
    if community is not None:  # checked against the district by points.accounts.districts
        user.community = community or None
    if elder_mode is not None:
        user.elder_mode = elder_mode
    session.add(user)
    return user

