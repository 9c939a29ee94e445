"""City single sign-on (OpenID Connect) next to local accounts.

Streamlit and Authlib check the ID token (signature, issuer and audience against the provider's metadata, nonce,
expiry) before its claims reach the portal; from those claims only the issuer, the subject and a display name are
used. The portal then opens its own server-side session exactly as a password sign-in does, so idle timeout,
sign-out and "disable user ends all sessions" apply unchanged.

Streamlit keeps the claims in its own cookie for 30 days. Each ID token therefore opens at most one portal
session, and only while it is fresh: its `iat` must be newer than the last one used for this identity and at
most FRESH_FOR old. A stale cookie cannot reopen a session that timed out, was signed out or was ended by an
admin.

No role is ever taken from the claims: a new city account is a resident, a linked account keeps the role an
admin gave it, and a resident may link only a resident account (linking a staff account would hand its sign-in
to whoever learned its password once, beyond any later password change). A staff member signs in with the city
account only after an operator mapped that city account to their portal account (map_account, from
`manage.py link-city-account`), which the audit log records.
"""
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from db.engine import locked, write_session
from db.models import ExternalIdentity, User
from points.accounts import passwords, signin, users
from points.accounts.passwords import NewPassword
from points.accounts.signin import SignedIn
from points.accounts.users import Missed
from points.audit import journal
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.roles import RESIDENT, is_active

FRESH_FOR = timedelta(minutes=10)  # time to choose "new account" or "link" after the provider answered
NAME_CLAIMS = ("name", "nickname", "preferred_username", "given_name")
NAME_LIMIT = 80  # User.display_name
USERNAME_PREFIX = "city-"
NO_TOKEN_YET = datetime(1970, 1, 1, tzinfo=UTC)  # an operator's mapping: any ID token the provider issues is newer


@dataclass(frozen=True)
class CityIdentity:
    """Who the provider vouched for, and when it issued the ID token that says so."""

    issuer: str
    subject: str
    issued_at: datetime
    display_name: str


def identity_from_claims(claims: Mapping) -> CityIdentity | None:
    """The identity in validated ID-token claims (st.user), or None when they lack iss, sub or iat."""
    issuer, subject, issued = claims.get("iss"), claims.get("sub"), claims.get("iat")
    if not (isinstance(issuer, str) and issuer and isinstance(subject, str) and subject):
        return None
    if isinstance(issued, bool) or not isinstance(issued, int | float):
        return None
    name = next((value.strip() for key in NAME_CLAIMS if isinstance(value := claims.get(key), str)
                 and value.strip()), "")
    return CityIdentity(issuer, subject, datetime.fromtimestamp(issued, UTC), name[:NAME_LIMIT])


def is_fresh(identity: CityIdentity, *, now: datetime | None = None) -> bool:
    return (now or utcnow()) - identity.issued_at <= FRESH_FOR


def _refuse_stale(identity: CityIdentity, now: datetime) -> None:
    if not is_fresh(identity, now=now):
        raise DomainError("sso_expired")


def _identity_query(issuer: str, subject: str):
    return select(ExternalIdentity).where(col(ExternalIdentity.issuer) == issuer,
                                          col(ExternalIdentity.subject) == subject)


def find_identity(session: Session, *, issuer: str, subject: str) -> ExternalIdentity | None:
    return session.exec(_identity_query(issuer, subject)).one_or_none()


def _use_token(session: Session, *, row: ExternalIdentity, identity: CityIdentity, now: datetime) -> None:
    """Record this ID token as used, unless it (or a newer one) already was: one token, one portal session.
    The row is locked (FOR UPDATE, or SQLite's BEGIN IMMEDIATE), so two tabs cannot both pass."""
    if identity.issued_at <= row.last_token_issued_at:
        raise DomainError("sso_expired")
    row.last_token_issued_at, row.last_sign_in_at = identity.issued_at, now
    session.add(row)


def _open_session(session: Session, user: User, now: datetime) -> SignedIn:
    assert user.id is not None  # a row read or flushed
    token, handoff = signin.start_session(session, user_id=user.id, now=now)
    return SignedIn(user, token, handoff, Missed(0, None))


def sign_in(*, identity: CityIdentity, now: datetime | None = None) -> SignedIn | None:
    """Open a portal session for a city account already known here, or None for one seen the first time
    (the resident then chooses a new account or links an existing one)."""
    now = now or utcnow()
    _refuse_stale(identity, now)
    with write_session() as session:
        row = session.exec(locked(session, _identity_query(identity.issuer, identity.subject))).one_or_none()
        if row is None:
            return None
        user = session.get(User, row.user_id)
        if not is_active(user):
            raise DomainError("sso_refused")
        _use_token(session, row=row, identity=identity, now=now)
        return _open_session(session, user, now)


def _link(session: Session, *, user_id: int, issuer: str, subject: str, token_issued_at: datetime,
          now: datetime) -> ExternalIdentity:
    """Insert the link; a city account already linked, or a user already linked for this issuer, is refused."""
    if find_identity(session, issuer=issuer, subject=subject) is not None:
        raise DomainError("sso_expired")  # another tab used this sign-in first
    taken = select(ExternalIdentity).where(col(ExternalIdentity.user_id) == user_id,
                                           col(ExternalIdentity.issuer) == issuer)
    if session.exec(taken).first() is not None:
        raise DomainError("sso_already_linked")
    row = ExternalIdentity(user_id=user_id, issuer=issuer, subject=subject, created_at=now, last_sign_in_at=now,
                           last_token_issued_at=token_issued_at)
    session.add(row)
    try:
        session.flush()
    except IntegrityError as error:  # PostgreSQL: a concurrent link of the same pair won the race
        raise DomainError("sso_expired") from error
    return row


def _link_signed_in(session: Session, *, user_id: int, identity: CityIdentity, now: datetime) -> None:
    _link(session, user_id=user_id, issuer=identity.issuer, subject=identity.subject,
          token_issued_at=identity.issued_at, now=now)


def _unusable_password() -> NewPassword:
    """An argon2 hash of a secret nobody keeps: password sign-in fails for it in the usual time, until the
    resident sets a password of their own."""
    return NewPassword(passwords.hash_password(secrets.token_urlsafe(32)))


def create_resident(*, identity: CityIdentity, language: str | None = None,
                    now: datetime | None = None) -> SignedIn:
    """A new resident for a city account seen the first time, signed in. Hashing runs before the write.

    No registration throttle: every such account is backed by a distinct identity the city vouched for."""
    now = now or utcnow()
    _refuse_stale(identity, now)
    password = _unusable_password()
    username = USERNAME_PREFIX + secrets.token_hex(5)
    with write_session() as session:
        user = users.create_user(session, username=username, password=password, role=RESIDENT,
                                 display_name=identity.display_name or username, language=language)
        assert user.id is not None  # create_user flushed the new row
        _link_signed_in(session, user_id=user.id, identity=identity, now=now)
        return _open_session(session, user, now)


def link_account(*, identity: CityIdentity, username: str, password: str, client: str,
                 now: datetime | None = None) -> SignedIn:
    """Link a city account to an existing resident account whose password the visitor proves once.

    The password goes through the ordinary sign-in (its throttle, argon2 outside any write, failures counted);
    if the link is then refused, the session that sign-in opened is ended at once."""
    now = now or utcnow()
    _refuse_stale(identity, now)
    signed = signin.sign_in(username=username, password=password, client=client, now=now)
    try:
        if signed.user.role != RESIDENT:
            raise DomainError("sso_link_staff")
        with write_session() as session:
            assert signed.user.id is not None  # a row read from the database
            _link_signed_in(session, user_id=signed.user.id, identity=identity, now=now)
    except DomainError:
        with write_session() as session:
            signin.end_session(session, session_id=signin.session_id_for_token(signed.token), now=now)
        raise
    return signed


def map_account(session: Session, *, username: str, issuer: str, subject: str, operator: str,
                now: datetime | None = None) -> ExternalIdentity:
    """An operator's mapping: this city account signs in as this portal account, whatever role an admin gave it.
    The only way a role above resident reaches a city sign-in; recorded in the audit log with who ran it."""
    now = now or utcnow()
    issuer, subject = issuer.strip(), subject.strip()
    if not (issuer and subject):
        raise DomainError("sso_mapping_incomplete")
    user = users.find_user(session, username=username)
    if user is None or user.id is None:
        raise DomainError("unknown_user")
    if find_identity(session, issuer=issuer, subject=subject) is not None:
        raise DomainError("sso_identity_taken")
    row = _link(session, user_id=user.id, issuer=issuer, subject=subject, token_issued_at=NO_TOKEN_YET, now=now)
    journal.record(session, actor_id=None, action="user.city_account", target_type="user", target_id=user.id,
                   after={"issuer": issuer, "subject": subject, "role": user.role, "operator": operator}, now=now)
    return row
