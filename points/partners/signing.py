"""Request signatures for the partner API: HMAC-SHA256 over "{timestamp}.{raw body}", pure, no database.

The timestamp is in the signed text and must be within MAX_SKEW of now, so a captured request cannot be
replayed later; the comparison is constant-time so a forger learns nothing from response times.
"""
import hashlib
import hmac
from datetime import datetime, timedelta

MAX_SKEW = timedelta(seconds=300)
PREFIX = "sha256="


def sign(secret: str, *, timestamp: str, body: bytes) -> str:
    """The X-Signature header value: "sha256=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>"."""
    message = timestamp.encode("utf-8") + b"." + body
    return PREFIX + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _fresh(timestamp: str, now: datetime) -> bool:
    """Unix seconds written as a plain integer, within MAX_SKEW of now either way."""
    if not timestamp.isascii() or not timestamp.isdigit():
        return False
    return abs(int(timestamp) - now.timestamp()) <= MAX_SKEW.total_seconds()


def signature_ok(secrets: list[str], *, timestamp: str | None, signature: str | None, body: bytes,
                 now: datetime) -> bool:
    """True when the signature matches one of the secrets and the timestamp (unix seconds, an integer) is
    within MAX_SKEW of now; False for anything missing, malformed or stale.

    Every secret is compared (no early exit), so the time taken does not tell which key nearly matched.
    """
    if not timestamp or not signature or not signature.isascii() or not _fresh(timestamp, now):
        return False
    given = signature.encode("ascii")
    matched = False
    for secret in secrets:
        matched |= hmac.compare_digest(sign(secret, timestamp=timestamp, body=body).encode("ascii"), given)
    return matched
