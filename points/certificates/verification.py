"""What the public verification page shows for a code: the certificate's statement and whether it stands.

A genuine certificate of an erased account is withdrawn without its name; a gift given back (its project was
cancelled) is withdrawn too. Anything else that does not match is refused as certificate_invalid.
"""
from dataclasses import dataclass

from sqlmodel import Session

from db.models import Certificate, Project, ProjectGift, User
from points.certificates.codes import check_signature, parse_code
from points.common.errors import DomainError

VALID, WITHDRAWN_ERASED, WITHDRAWN_REFUNDED = "valid", "withdrawn_erased", "withdrawn_refunded"


@dataclass(frozen=True)
class Verified:
    certificate: Certificate
    standing: str
    name: str | None  # the holder's display name, None once the account is erased
    project: Project | None  # a gift's project


def describe(session: Session, *, certificate: Certificate) -> Verified:
    """The certificate as the page and the PDF show it: its holder's name, a gift's project, and its standing."""
    holder = session.get(User, certificate.user_id)
    gift = session.get(ProjectGift, certificate.gift_id) if certificate.gift_id is not None else None
    project = session.get(Project, gift.project_id) if gift is not None else None
    if holder is None or holder.deleted_at is not None:
        return Verified(certificate, WITHDRAWN_ERASED, None, project)
    standing = WITHDRAWN_REFUNDED if gift is not None and gift.refund_entry_id is not None else VALID
    return Verified(certificate, standing, holder.display_name, project)


def verify_code(session: Session, *, code: object, secret: str | None = None) -> Verified:
    """The certificate a QR link names, if its signature matches what the row states; else certificate_invalid."""
    certificate_id, signature = parse_code(code)
    certificate = session.get(Certificate, certificate_id)
    if certificate is None:
        raise DomainError("certificate_invalid")
    check_signature(certificate, signature, secret=secret)
    return describe(session, certificate=certificate)
