"""Residents' links to partner accounts, by consent, per scene.

A resident (on the account page) or a service desk operator (manage.py link-code, in person) issues a one-time
8-character code valid 10 minutes; issuing it records the consent. The partner sends the code with its own
subject (card number, account id) to link. Only the code's HMAC with the server secret is stored, so the
database alone cannot redeem a code. Unlinking stops credit at once; links and codes are never deleted, so the
consent history stays for the resident and for "download my data".
"""
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from db.config import get_settings
from db.engine import locked
from db.models import Partner, PartnerLink, PartnerLinkCode
from points.audit import journal
from points.common.clock import utcnow
from points.common.errors import DomainError
from points.common.roles import ADMIN, require_role
from points.partners.registry import get_partner

CONSENT_VERSION = "2026-12"
CODE_LIFETIME = timedelta(minutes=10)
CODE_LENGTH = 8
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud at a desk and typed by hand
METHODS = ("portal", "desk")
LINK_OUTCOMES = ("linked", "invalid_code", "expired_code", "already_linked")
MAX_SUBJECT = 128
MAX_OPERATOR = 64


@dataclass(frozen=True)
class LinkView:
    """One link as the resident sees it; withdrawn_at is None while it credits."""

    partner_id: int
    partner_name: str
    partner_kind: str
    actions: list[str]
    subject: str
    consent_version: str
    method: str
    consent_given_at: datetime
    withdrawn_at: datetime | None


def normalise_code(code: str) -> str:
    """What a person types: any case, spaces or a dash in the middle ("abcd-2345") are the same code."""
    return "".join(code.split()).replace("-", "").upper()


def code_digest(code: str) -> str:
    message = b"partner-link-code:" + normalise_code(code).encode("utf-8")
    return hmac.new(get_settings().secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _active_link(session: Session, *, partner_id: int, user_id: int | None = None,
                 subject: str | None = None) -> PartnerLink | None:
    query = select(PartnerLink).where(col(PartnerLink.partner_id) == partner_id,
                                      col(PartnerLink.withdrawn_at).is_(None))
    if user_id is not None:
        query = query.where(col(PartnerLink.user_id) == user_id)
    if subject is not None:
        query = query.where(col(PartnerLink.subject) == subject)
    return session.exec(query).first()


def _check_operator(method: str, operator: str | None) -> str | None:
    if method not in METHODS:
        raise DomainError("partner_link_method_invalid", method=method)
    if method == "portal":
        return None
    operator = (operator or "").strip()
    if not 1 <= len(operator) <= MAX_OPERATOR:
        raise DomainError("partner_operator_required", max=MAX_OPERATOR)
    return operator


def issue_link_code(session: Session, *, user_id: int, partner_id: int, method: str = "portal",
                    operator: str | None = None, now: datetime | None = None) -> str:
    """A fresh code (shown once) recording the resident's consent; method "desk" needs the operator's name.

    Refused while the resident is already linked to this partner (unlink first) or the partner is disabled.
    """
    now = now or utcnow()
    operator = _check_operator(method, operator)
    require_role(session, user_id)
    partner = get_partner(session, partner_id=partner_id)
    if partner.status != "active":
        raise DomainError("partner_disabled", partner=partner.name)
    if _active_link(session, partner_id=partner_id, user_id=user_id) is not None:
        raise DomainError("partner_already_linked", partner=partner.name)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    row = PartnerLinkCode(partner_id=partner_id, user_id=user_id, code_hash=code_digest(code),
                          consent_version=CONSENT_VERSION, method=method, operator=operator, created_at=now,
                          expires_at=now + CODE_LIFETIME)
    session.add(row)
    session.flush()
    if method == "desk":
        journal.record(session, actor_id=None, action="partner.link_code_desk", now=now, target_type="user",
                       target_id=user_id, after={"partner": partner.name, "operator": operator,
                                                 "consent_version": CONSENT_VERSION})
    return code


def _check_subject(subject: str) -> str:
    subject = (subject or "").strip()
    if not 1 <= len(subject) <= MAX_SUBJECT or not subject.isprintable():
        raise DomainError("partner_subject_invalid", max=MAX_SUBJECT)
    return subject


def link_by_code(session: Session, *, partner_id: int, code: str, subject: str,
                 now: datetime | None = None) -> str:
    """The partner redeems a code for its subject: "linked", "invalid_code", "expired_code" or "already_linked".

    A code works once and only for the partner it was issued for. "already_linked" (the subject is linked to
    someone, or the resident to another subject of this partner) leaves the code unused.
    """
    now = now or utcnow()
    subject = _check_subject(subject)
    if len(normalise_code(code)) != CODE_LENGTH:
        return "invalid_code"
    row = session.exec(locked(session, select(PartnerLinkCode).where(
        col(PartnerLinkCode.code_hash) == code_digest(code), col(PartnerLinkCode.partner_id) == partner_id))).first()
    if row is None or row.used_at is not None:
        return "invalid_code"
    if row.expires_at <= now:
        return "expired_code"
    if (_active_link(session, partner_id=partner_id, subject=subject) is not None
            or _active_link(session, partner_id=partner_id, user_id=row.user_id) is not None):
        return "already_linked"
    row.used_at = now
    session.add(row)
    session.add(PartnerLink(partner_id=partner_id, user_id=row.user_id, subject=subject, code_id=row.id,
                            consent_version=row.consent_version, method=row.method, consent_given_at=now))
    session.flush()
    return "linked"


def unlink(session: Session, *, user_id: int, partner_id: int, actor_id: int, now: datetime | None = None) -> None:
    """Withdraw consent: the link stops crediting at once and stays in the history.

    The resident unlinks their own account; an admin may unlink anyone's (audited).
    """
    now = now or utcnow()
    actor = require_role(session, actor_id)
    if actor_id != user_id and actor.role != ADMIN:
        raise DomainError("forbidden")
    link = _active_link(session, partner_id=partner_id, user_id=user_id)
    if link is None:
        raise DomainError("partner_not_linked")
    link.withdrawn_at, link.withdrawn_by = now, actor_id
    session.add(link)
    if actor_id != user_id:
        journal.record(session, actor_id=actor_id, action="partner.unlink", now=now, target_type="user",
                       target_id=user_id, after={"partner_id": partner_id, "subject": link.subject})
    session.flush()


def _with_partner(session: Session, model, user_id: int, order):
    return session.exec(select(model, Partner).join(Partner, col(Partner.id) == col(model.partner_id))
                        .where(col(model.user_id) == user_id).order_by(order)).all()


def links_of(session: Session, *, user_id: int) -> list[LinkView]:
    """Active and withdrawn links, newest first."""
    rows = _with_partner(session, PartnerLink, user_id, col(PartnerLink.id).desc())
    return [LinkView(partner_id=partner.id, partner_name=partner.name, partner_kind=partner.kind,
                     actions=list(partner.actions), subject=link.subject, consent_version=link.consent_version,
                     method=link.method, consent_given_at=link.consent_given_at, withdrawn_at=link.withdrawn_at)
            for link, partner in rows]


def _iso(instant: datetime | None) -> str | None:
    return instant.isoformat() if instant is not None else None


def consent_history(session: Session, *, user_id: int) -> list[dict]:
    """Codes issued (each one a consent given), links made and withdrawals as JSON-ready dicts (ISO times),
    oldest first, for "download my data"."""
    history: list[dict] = []
    for code, partner in _with_partner(session, PartnerLinkCode, user_id, col(PartnerLinkCode.id)):
        history.append({"event": "consent_given", "at": _iso(code.created_at), "partner": partner.name,
                        "consent_version": code.consent_version, "method": code.method, "operator": code.operator,
                        "code_expires_at": _iso(code.expires_at), "code_used_at": _iso(code.used_at)})
    for link, partner in _with_partner(session, PartnerLink, user_id, col(PartnerLink.id)):
        history.append({"event": "linked", "at": _iso(link.consent_given_at), "partner": partner.name,
                        "subject": link.subject, "consent_version": link.consent_version, "method": link.method})
        if link.withdrawn_at is not None:
            history.append({"event": "withdrawn", "at": _iso(link.withdrawn_at), "partner": partner.name,
                            "subject": link.subject, "by": "self" if link.withdrawn_by == user_id else "admin"})
    return sorted(history, key=lambda item: datetime.fromisoformat(item["at"]))


def linkable_partners(session: Session) -> list[Partner]:
    """Active partners a resident may link, by name."""
    return list(session.exec(select(Partner).where(col(Partner.status) == "active").order_by(col(Partner.name))))
