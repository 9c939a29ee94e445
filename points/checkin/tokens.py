"""Signed check-in tokens: the QR link proves which checkpoint it was printed (or shown) for.

A token is an HMAC of the server secret over (purpose, checkpoint id, slot), so it cannot be forged, moved to
another checkpoint or reused for another purpose. Printed posters carry a static token (slot "-"); kiosk
screens carry a 30 s slot, and only the current and the previous slot are accepted. Tokens are compared in
constant time and never logged: log `fingerprint(token)` instead.
"""
import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from db.config import get_settings
from points.common.clock import utcnow
from points.common.errors import DomainError

SLOT_SECONDS = 30
POSTER, KIOSK = "poster", "kiosk"
_DOMAIN = b"green-egret/signed-code/v1"
_TOKEN_SHAPE = re.compile(r"(p|k([1-9][0-9]{0,11}))\.([A-Za-z0-9_-]{22})")


class TokenError(DomainError):
    """The only error token parsing raises: its code is `checkin_invalid` or `checkin_expired`."""


@dataclass(frozen=True)
class VerifiedToken:
    purpose: str
    slot: int | None


def sign(purpose: str, *parts: object, secret: str | None = None) -> str:
    """A 128-bit HMAC of the purpose and parts, base64url: 22 characters that fit a small QR code."""
    key = (secret or get_settings().secret).encode()
    message = b"|".join((_DOMAIN, purpose.encode(), *(str(part).encode() for part in parts)))
    digest = hmac.new(key, message, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def same(given: str, expected: str) -> bool:
    """Constant-time comparison, so response time tells nothing about how much of a forgery was right."""
    return hmac.compare_digest(given.encode(), expected.encode())


def slot_at(now: datetime) -> int:
    return int(now.timestamp()) // SLOT_SECONDS


def poster_token(checkpoint_id: int, *, secret: str | None = None) -> str:
    """The static token printed on a poster; the checkpoint's own window limits when it works."""
    return "p." + sign(POSTER, checkpoint_id, "-", secret=secret)


def kiosk_token(checkpoint_id: int, *, now: datetime | None = None, secret: str | None = None) -> str:
    """The token a kiosk screen shows during the current 30 s slot."""
    slot = slot_at(now or utcnow())
    return f"k{slot}." + sign(KIOSK, checkpoint_id, slot, secret=secret)


def verify(checkpoint_id: int, token: object, *, now: datetime | None = None,
           secret: str | None = None) -> VerifiedToken:
    """Accept a genuine token for this checkpoint, or raise TokenError; never anything else."""
    match = _TOKEN_SHAPE.fullmatch(token) if isinstance(token, str) else None
    if match is None or not isinstance(checkpoint_id, int):
        raise TokenError("checkin_invalid")
    head, slot_text, given = match.groups()
    purpose, slot = (POSTER, None) if head == "p" else (KIOSK, int(slot_text))
    if not same(given, sign(purpose, checkpoint_id, "-" if slot is None else slot, secret=secret)):
        raise TokenError("checkin_invalid")
    if slot is not None:
        current = slot_at(now or utcnow())
        if slot > current:
            raise TokenError("checkin_invalid")
        if slot < current - 1:
            raise TokenError("checkin_expired")
    return VerifiedToken(purpose, slot)


def parse_checkpoint_id(value: object) -> int:
    """The `c` query parameter as a checkpoint id, or TokenError."""
    text = str(value or "")
    if not re.fullmatch(r"[1-9][0-9]{0,11}", text):
        raise TokenError("checkin_invalid")
    return int(text)


def checkin_link(checkpoint_id: int, token: str) -> str:
    """The URL a phone camera opens: {BASE_URL}/checkin?c=ID&t=TOKEN (DESIGN contract)."""
    return f"{get_settings().base_url}/checkin?{urlencode({'c': checkpoint_id, 't': token})}"


def fingerprint(token: str) -> str:
    """What logs may say about a token: a short digest that cannot be turned back into it."""
    return hashlib.sha256(str(token).encode()).hexdigest()[:12]
