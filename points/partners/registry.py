"""Partners and their signing keys.

A key's secret is never stored: PartnerKey keeps a random salt and the secret is HMAC(server secret, salt),
so a copy of the database alone cannot sign requests. The secret is shown once, when the key is made
(create_partner, rotate_key). Rotating keeps the old key valid for an overlap window so a partner can switch
without downtime. Every change is audited; actor_id None is the operator at the command line.
"""
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from db.config import get_settings
from db.models import ActionType, Partner, PartnerKey
from points.audit import journal
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.roles import ADMIN, require_role

PARTNER_KINDS = ("transit", "bike_share", "recycling_machine", "utility", "other")
STATUSES = ("active", "disabled")
DEFAULT_OVERLAP = timedelta(hours=24)
MAX_OVERLAP = timedelta(days=14)  # long enough for any partner's release cycle; a leaked key dies within it
MAX_NAME = 64
MAX_RATE_LIMIT = 100_000


@dataclass(frozen=True)
class IssuedKey:
    """A partner and its new key's secret: the only time the secret is seen."""

    partner: Partner
    secret: str


def derive_secret(salt: str) -> str:
    """The secret of the key with this salt; only a holder of the server secret can compute it."""
    message = b"partner-key:" + salt.encode("ascii")
    return hmac.new(get_settings().secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _check_admin(session: Session, actor_id: int | None) -> None:
    if actor_id is not None:
        require_role(session, actor_id, ADMIN)


def _check_name(session: Session, name: str) -> str:
    name = (name or "").strip()
    if not 1 <= len(name) <= MAX_NAME or not name.isprintable():
        raise DomainError("partner_name_invalid", max=MAX_NAME)
    taken = session.exec(select(col(Partner.id)).where(func.lower(col(Partner.name)) == name.lower())).first()
    if taken is not None:
        raise DomainError("partner_name_taken", name=name)
    return name


def _check_choice(field: str, value: str, choices: tuple[str, ...]) -> str:
    """kind or status: one of its choices, else DomainError("partner_<field>_invalid", <field>=value)."""
    if value not in choices:
        raise DomainError(f"partner_{field}_invalid", **{field: value})
    return value


def _check_actions(session: Session, actions: list[str]) -> list[str]:
    """Distinct current catalogue codes, in the order given; at least one."""
    chosen = list(dict.fromkeys(code.strip() for code in actions if code.strip()))
    if not chosen:
        raise DomainError("partner_actions_empty")
    known = set(session.exec(select(col(ActionType.code)).where(col(ActionType.current).is_(True),
                                                                col(ActionType.code).in_(chosen))))
    unknown = [code for code in chosen if code not in known]
    if unknown:
        raise DomainError("partner_action_unknown", actions=", ".join(unknown))
    return chosen


def _check_rate_limit(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_RATE_LIMIT:
        raise DomainError("partner_rate_limit_invalid", max=MAX_RATE_LIMIT)
    return value


def _described(partner: Partner) -> dict:
    return {"name": partner.name, "kind": partner.kind, "actions": list(partner.actions), "status": partner.status,
            "rate_limit_per_minute": partner.rate_limit_per_minute}


def _new_key(session: Session, *, partner_id: int, now: datetime) -> str:
    salt = secrets.token_hex(16)
    session.add(PartnerKey(partner_id=partner_id, salt=salt, created_at=now))
    return derive_secret(salt)


def create_partner(session: Session, *, actor_id: int | None, name: str, kind: str, actions: list[str],
                   rate_limit_per_minute: int = 120, now: datetime | None = None) -> IssuedKey:
    """A new active partner with its first key."""
    now = now or utcnow()
    _check_admin(session, actor_id)
    partner = Partner(name=_check_name(session, name), kind=_check_choice("kind", kind, PARTNER_KINDS),
                      actions=_check_actions(session, actions),
                      rate_limit_per_minute=_check_rate_limit(rate_limit_per_minute), created_at=now, updated_at=now)
    session.add(partner)
    session.flush()
    assert partner.id is not None  # the flush above assigned it
    secret = _new_key(session, partner_id=partner.id, now=now)
    journal.record(session, actor_id=actor_id, action="partner.create", now=now, target_type="partner",
                   target_id=partner.id, after=_described(partner))
    session.flush()
    return IssuedKey(partner=partner, secret=secret)


def _valid_keys(session: Session, *, partner_id: int, now: datetime) -> list[PartnerKey]:
    return list(session.exec(select(PartnerKey).where(
        col(PartnerKey.partner_id) == partner_id,
        or_(col(PartnerKey.valid_until).is_(None), col(PartnerKey.valid_until) > now))
        .order_by(col(PartnerKey.id).desc())))


def rotate_key(session: Session, *, actor_id: int | None, partner_id: int, overlap: timedelta = DEFAULT_OVERLAP,
               now: datetime | None = None) -> IssuedKey:
    """A new key; keys valid now stay valid until now + overlap (never longer than they already were)."""
    now = now or utcnow()
    _check_admin(session, actor_id)
    if not timedelta(0) <= overlap <= MAX_OVERLAP:
        raise DomainError("partner_overlap_invalid", days=MAX_OVERLAP.days)
    partner = get_partner(session, partner_id=partner_id)
    ends = now + overlap
    for key in _valid_keys(session, partner_id=partner_id, now=now):
        key.valid_until = ends if key.valid_until is None else min(key.valid_until, ends)
        session.add(key)
    secret = _new_key(session, partner_id=partner_id, now=now)
    partner.updated_at = now
    session.add(partner)
    journal.record(session, actor_id=actor_id, action="partner.rotate_key", now=now, target_type="partner",
                   target_id=partner_id, after={"old_keys_valid_until": ends.isoformat()})
    session.flush()
    return IssuedKey(partner=partner, secret=secret)


def update_partner(session: Session, *, actor_id: int | None, partner_id: int, actions: list[str] | None = None,
                   status: str | None = None, rate_limit_per_minute: int | None = None,
                   now: datetime | None = None) -> Partner:
    """Change what is given (None leaves a field as it is); the audit entry has the fields before and after."""
    now = now or utcnow()
    _check_admin(session, actor_id)
    partner = get_partner(session, partner_id=partner_id)
    changes: dict = {}
    if actions is not None:
        changes["actions"] = _check_actions(session, actions)
    if status is not None:
        changes["status"] = _check_choice("status", status, STATUSES)
    if rate_limit_per_minute is not None:
        changes["rate_limit_per_minute"] = _check_rate_limit(rate_limit_per_minute)
    changes = {name: value for name, value in changes.items() if getattr(partner, name) != value}
    if not changes:
        return partner
    before = {name: getattr(partner, name) for name in changes}
    for name, value in changes.items():
        setattr(partner, name, value)
    partner.updated_at = now
    session.add(partner)
    journal.record(session, actor_id=actor_id, action="partner.update", now=now, target_type="partner",
                   target_id=partner_id, before=before, after=changes)
    session.flush()
    return partner


def list_partners(session: Session) -> list[Partner]:
    """Every partner, by name."""
    return list(session.exec(select(Partner).order_by(col(Partner.name))))


def key_created(session: Session) -> dict[int, datetime]:
    """Partner id -> when its newest key was made: what admins see of keys (a secret is never shown again)."""
    rows = session.exec(select(col(PartnerKey.partner_id), func.max(col(PartnerKey.created_at)))
                        .group_by(col(PartnerKey.partner_id))).all()
    return dict(rows)


def get_partner(session: Session, *, partner_id: int) -> Partner:
    """DomainError("partner_unknown") when there is none."""
    partner = session.get(Partner, partner_id)
    if partner is None:
        raise DomainError("partner_unknown", partner=partner_id)
    return partner


def partner_by_name(session: Session, *, name: str) -> Partner:
    """DomainError("partner_unknown") when there is none."""
    partner = session.exec(select(Partner).where(col(Partner.name) == name.strip())).first()
    if partner is None:
        raise DomainError("partner_unknown", partner=name)
    return partner


def signing_secrets(session: Session, *, partner_id: int, now: datetime | None = None) -> list[str]:
    """The secrets of every key valid now (two during a rotation's overlap), newest first, for
    signing.signature_ok."""
    keys = _valid_keys(session, partner_id=partner_id, now=now or utcnow())
    return [derive_secret(key.salt) for key in keys]
