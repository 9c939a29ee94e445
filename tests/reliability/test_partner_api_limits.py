"""Partner API limits: a body over 1 MB is refused by its Content-Length and, without one, after reading no
more than the limit; a partner over its requests per minute gets 429 with Retry-After; neither writes
anything, and no refusal ever waits for (or takes) the SQLite write lock."""
import sqlite3
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import make_url
from starlette.applications import Starlette

from points.partners import signing
from tests.conftest import on_postgres
from tests.support.lock_probe import calls_under_lock
from tests.support.own_loop import run_in_own_loop
from tests.support.partner_api import EVENTS, batch, client, compact, fresh_limits, linked_metro, post, results
from tests.support.partners import every_row, make_partner, signed_headers
from ui.partner_api import PARTNER_ROUTES
from ui.partner_api_guard import RateLimiter
from ui.partner_api_schema import MAX_BODY_BYTES, EventsRequest

pytestmark = pytest.mark.usefixtures(fresh_limits.__name__)
CHUNK = 64 * 1024


def padded(body: dict, size: int) -> bytes:
    """The batch as JSON followed by spaces up to `size` bytes: still valid JSON, so only the size can refuse it."""
    raw = compact(body)
    return raw + b" " * (size - len(raw))


def test_a_body_over_1_mb_is_refused_by_its_length_and_writes_nothing(make_user):
    _, partner_id, secret = linked_metro(make_user)
    before = every_row()
    response = post(client(), EVENTS, padded(batch("trip"), MAX_BODY_BYTES + 1), partner_id=partner_id,
                    secret=secret)
    assert response.status_code == 413 and response.json() == {"error": "payload_too_large"}
    assert every_row() == before


def test_a_body_of_exactly_1_mb_is_taken(make_user):
    _, partner_id, secret = linked_metro(make_user)
    response = post(client(), EVENTS, padded(batch("trip"), MAX_BODY_BYTES), partner_id=partner_id, secret=secret)
    assert results(response) == [("trip", "credited", 467)]


def test_a_malformed_content_length_is_a_400_naming_it(make_user):
    _, partner_id, secret = linked_metro(make_user)
    before = every_row()
    response = post(client(), EVENTS, batch("trip"), partner_id=partner_id, secret=secret,
                    headers={"Content-Length": "1e3"})
    assert response.status_code == 400 and response.json()["detail"][0]["field"] == "Content-Length"
    assert every_row() == before


def send_chunked(partner_id: int, secret: str, size: int, *, length: int | None = None) -> tuple[int, int]:
    """POST `size` bytes of a signed body in chunks, with the Content-Length `length` or none, straight into the
    partner routes (no test client: it would read the whole body first). (status, bytes the server asked for)."""
    raw, headers = signed_headers(partner_id, secret, padded(batch("trip"), size), now=datetime.now(UTC))
    if length is not None:
        headers["Content-Length"] = str(length)
    pulled, sent = 0, []

    async def receive():
        nonlocal pulled
        chunk = raw[pulled:pulled + CHUNK]
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": pulled < len(raw)}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": EVENTS, "raw_path": EVENTS.encode(), "root_path": "", "query_string": b"",
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
             "headers": [(b"content-type", b"application/json"),
                         *((name.lower().encode(), value.encode()) for name, value in headers.items())]}
    run_in_own_loop(Starlette(routes=[PARTNER_ROUTES])(scope, receive, send))
    return sent[0]["status"], pulled


def test_a_body_without_a_length_is_refused_once_it_passes_1_mb_and_read_no_further(make_user):
    _, partner_id, secret = linked_metro(make_user)
    before = every_row()
    status, pulled = send_chunked(partner_id, secret, 4 * MAX_BODY_BYTES)
    assert status == 413 and pulled <= MAX_BODY_BYTES + CHUNK
    assert every_row() == before
    assert send_chunked(partner_id, secret, MAX_BODY_BYTES) == (200, MAX_BODY_BYTES)


def test_a_content_length_over_1_mb_is_refused_before_a_byte_is_read(make_user):
    _, partner_id, secret = linked_metro(make_user)
    before = every_row()
    assert send_chunked(partner_id, secret, 1000, length=MAX_BODY_BYTES + 1) == (413, 0)
    assert every_row() == before


def test_over_the_rate_limit_is_429_with_retry_after_and_writes_nothing(make_user):
    _, partner_id, secret = linked_metro(make_user, rate_limit_per_minute=2)
    http = client()
    for attempt in range(5):  # unsigned requests in the partner's name do not use up its minute
        assert post(http, EVENTS, batch(f"forged-{attempt}"), partner_id=partner_id,
                    secret="wrong").status_code == 401
    assert results(post(http, EVENTS, batch("a"), partner_id=partner_id, secret=secret))[0][1] == "credited"
    assert results(post(http, EVENTS, batch("b"), partner_id=partner_id, secret=secret))[0][1] == "credited"
    before = every_row()
    response = post(http, EVENTS, batch("c"), partner_id=partner_id, secret=secret)
    assert response.status_code == 429 and response.json() == {"error": "rate_limited"}
    assert 1 <= int(response.headers["retry-after"]) <= 30  # two a minute: a token back every 30 s
    assert every_row() == before  # the daily tally too: a refused request is not counted anywhere

    other = make_partner("bus-co", rate_limit_per_minute=2)  # the limit is per partner
    assert results(post(http, EVENTS, batch("c"), partner_id=other.partner.id, secret=other.secret)) == [
        ("c", "unknown_subject", 0)]


def test_the_bucket_refills_at_the_partners_rate():
    clock = [1000.0]
    limiter = RateLimiter(clock=lambda: clock[0])
    assert [limiter.wait_seconds(7, per_minute=2) for _ in range(3)] == [0.0, 0.0, 30.0]
    clock[0] += 29
    assert limiter.wait_seconds(7, per_minute=2) == pytest.approx(1.0)
    clock[0] += 1
    assert limiter.wait_seconds(7, per_minute=2) == 0.0
    assert limiter.wait_seconds(8, per_minute=2) == 0.0  # another partner has its own bucket
    clock[0] += 3600  # an idle hour banks no more than one minute's worth
    assert [limiter.wait_seconds(7, per_minute=2) for _ in range(3)] == [0.0, 0.0, 30.0]


sqlite_only = pytest.mark.skipif(on_postgres(), reason="the probe asks SQLite's file lock; PostgreSQL has row "
                                 "locks")


@sqlite_only
def test_the_signature_and_the_json_are_checked_with_the_write_lock_free(make_user, monkeypatch, database):
    resident, partner_id, secret = linked_metro(make_user)
    seen = {"signature": calls_under_lock(monkeypatch, database, signing, "signature_ok"),
            "json": calls_under_lock(monkeypatch, database, EventsRequest, "model_validate_json")}
    assert results(post(client(), EVENTS, batch("trip"), partner_id=partner_id, secret=secret))[0][1] == "credited"
    assert seen == {"signature": [False], "json": [False]}


@sqlite_only
def test_a_refused_request_never_waits_for_the_write_lock(make_user, database):
    """Another writer holds SQLite's lock: a request that wanted it would wait out the busy timeout and fail
    with 500; every refusal answers with its own status instead."""
    _, partner_id, secret = linked_metro(make_user, rate_limit_per_minute=2)
    http = client()
    assert post(http, EVENTS, batch("a"), partner_id=partner_id, secret=secret).status_code == 200
    holder = sqlite3.connect(make_url(database).database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        statuses = [post(http, EVENTS, batch("b"), partner_id=partner_id, secret="wrong").status_code,
                    post(http, EVENTS, b'{"events": [', partner_id=partner_id, secret=secret).status_code,
                    post(http, EVENTS, padded(batch("c"), MAX_BODY_BYTES + 1), partner_id=partner_id,
                         secret=secret).status_code,
                    post(http, EVENTS, batch("d"), partner_id=partner_id, secret=secret).status_code]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert statuses == [401, 400, 413, 429]
