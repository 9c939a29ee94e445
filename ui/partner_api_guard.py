"""What a partner request must get past before its JSON is even parsed: the size limit, the signature and the
partner's rate limit. Each refusal is a Refusal carrying its HTTP status; nothing here writes to the database.

The order matters. Headers are checked before the body is read, the body is read (at most MAX_BODY_BYTES)
before the signature can be checked, and the rate limit counts only requests that were signed: otherwise
anybody who knows a partner's number could use up its minute by sending junk in its name.
"""
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from db.engine import read_session
from points.common.errors import DomainError
from points.partners import registry, signing
from ui.partner_api_schema import MAX_BODY_BYTES

MAX_PARTNER_ID_DIGITS = 12  # beyond any real id, and short of overflowing a BIGINT on PostgreSQL


class Refusal(Exception):
    """A request refused with `status` and a JSON body {"error": code} (and "detail" when given); `headers` go
    out with it (Retry-After)."""

    def __init__(self, status: int, code: str, headers: dict[str, str] | None = None,
                 detail: list[dict] | None = None) -> None:
        super().__init__(code)
        self.status, self.code, self.headers, self.detail = status, code, headers or {}, detail

    def body(self) -> dict:
        return {"error": self.code} if self.detail is None else {"error": self.code, "detail": self.detail}


UNAUTHORIZED = 401, "unauthorized"  # one reason for every signature failure: a prober learns nothing


@dataclass(frozen=True)
class SignedBy:
    partner_id: int
    rate_limit_per_minute: int


def partner_id_from(request: Request) -> int:
    """The X-Partner-Id header, refused unless the three signature headers are all there."""
    headers = request.headers
    partner = headers.get("x-partner-id", "")
    if not (partner.isascii() and partner.isdigit() and len(partner) <= MAX_PARTNER_ID_DIGITS
            and headers.get("x-timestamp") and headers.get("x-signature")):
        raise Refusal(*UNAUTHORIZED)
    return int(partner)


async def read_body(request: Request, *, limit: int = MAX_BODY_BYTES) -> bytes:
    """The raw body, refused with 413 as soon as it is known to exceed `limit`: from Content-Length before
    reading anything, and by counting while reading, so a chunked body without a length is never read past it."""
    length = request.headers.get("content-length")
    if length is not None and not (length.isascii() and length.isdigit()):
        raise Refusal(400, "invalid_request", detail=[{"field": "Content-Length", "msg": "not a whole number",
                                                       "type": "header"}])
    if length is not None and int(length) > limit:
        raise Refusal(413, "payload_too_large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refusal(413, "payload_too_large")
        chunks.append(chunk)
    return b"".join(chunks)


def _partner_and_secrets(partner_id: int, now: datetime) -> tuple[SignedBy, list[str]] | None:
    """The partner's limit and every secret valid now, read without a write lock; None for an unknown or
    disabled partner."""
    with read_session() as session:
        try:
            partner = registry.get_partner(session, partner_id=partner_id)
        except DomainError:
            return None
        if partner.status != "active":
            return None
        secrets = registry.signing_secrets(session, partner_id=partner_id, now=now)
        return SignedBy(partner_id, partner.rate_limit_per_minute), secrets


async def verify(request: Request, *, partner_id: int, body: bytes, now: datetime) -> SignedBy:
    """The partner that signed `body`, or Refusal 401 whatever the reason."""
    found = await run_in_threadpool(_partner_and_secrets, partner_id, now)
    if found is None:
        raise Refusal(*UNAUTHORIZED)
    signed_by, secrets = found
    if not signing.signature_ok(secrets, timestamp=request.headers.get("x-timestamp"),
                                signature=request.headers.get("x-signature"), body=body, now=now):
        raise Refusal(*UNAUTHORIZED)
    return signed_by


class RateLimiter:
    """A token bucket per partner in this process's memory: `per_minute` requests a minute on average, bursts
    up to `per_minute`. Each portal process counts on its own, so behind N processes a partner may send up to
    N times its limit; the database stays the only shared state, as with Streamlit's sessions."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[int, tuple[float, float]] = {}  # partner -> (tokens left, when counted)

    def wait_seconds(self, partner_id: int, *, per_minute: int) -> float:
        """0.0 and one token taken when the request may go ahead; otherwise the seconds until a token is back."""
        with self._lock:
            now = self._clock()
            tokens, then = self._buckets.get(partner_id, (float(per_minute), now))
            tokens = min(float(per_minute), tokens + (now - then) * per_minute / 60)
            if tokens >= 1:
                self._buckets[partner_id] = (tokens - 1, now)
                return 0.0
            self._buckets[partner_id] = (tokens, now)
            return (1 - tokens) * 60 / per_minute

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()


LIMITER = RateLimiter()


def take_turn(signed_by: SignedBy) -> None:
    """Refusal 429 with Retry-After (whole seconds, at least 1) when the partner is over its limit."""
    wait = LIMITER.wait_seconds(signed_by.partner_id, per_minute=signed_by.rate_limit_per_minute)
    if wait > 0:
        raise Refusal(429, "rate_limited", {"Retry-After": str(max(1, math.ceil(wait)))})
