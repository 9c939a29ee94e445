"""The certificate's QR link: {BASE_URL}/verify?c={id}.{signature}.

The link holds no personal data, only the certificate's number and a 128-bit HMAC of the server secret over that
number and every field the certificate states (points.checkin.tokens.sign, with a purpose of its own). A forged
number, an altered one, or a row edited in the database all fail the comparison, made in constant time.
"""
import re
from urllib.parse import urlencode

from db.config import get_settings
from db.models import Certificate
from points.checkin.tokens import same, sign
from points.common.errors import DomainError

PURPOSE = "certificate"
_CODE_SHAPE = re.compile(r"([1-9][0-9]{0,11})\.([A-Za-z0-9_-]{22})")


def _signature(certificate: Certificate, *, secret: str | None = None) -> str:
    hours = "" if certificate.hours is None else f"{certificate.hours:.2f}"
    return sign(PURPOSE, certificate.id, certificate.kind, certificate.user_id, certificate.year, hours,
                certificate.events, certificate.points, certificate.co2e_g, certificate.gift_id,
                int(certificate.issued_at.timestamp()), secret=secret)


def certificate_code(certificate: Certificate, *, secret: str | None = None) -> str:
    return f"{certificate.id}.{_signature(certificate, secret=secret)}"


def verification_link(certificate: Certificate, *, secret: str | None = None) -> str:
    return f"{get_settings().base_url}/verify?{urlencode({'c': certificate_code(certificate, secret=secret)})}"


def parse_code(code: object) -> tuple[int, str]:
    """(certificate id, signature) from the `c` parameter, or certificate_invalid."""
    match = _CODE_SHAPE.fullmatch(code.strip()) if isinstance(code, str) else None
    if match is None:
        raise DomainError("certificate_invalid")
    return int(match.group(1)), match.group(2)


def check_signature(certificate: Certificate, signature: str, *, secret: str | None = None) -> None:
    if not same(signature, _signature(certificate, secret=secret)):
        raise DomainError("certificate_invalid")
