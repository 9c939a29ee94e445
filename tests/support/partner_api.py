"""Requests to the partner API through the portal's real st.App (its routes and middleware), signed the way a
partner signs them (tests.support.partners.signed_headers).

starlette's TestClient drives the st.App object of app.py in this process: without `with`, Streamlit starts its
runtime on the first request and skips app.py's lifespan, which only migrates, and each test's database is
migrated already. A second `with TestClient(app)` in one process fails (Streamlit's runtime starts only once),
so every test makes a plain client. Rate-limit buckets live in process memory and partner ids restart in every
test's database: `fresh_limits` empties them so one test's used-up minute does not refuse the next test.
"""
import json
from datetime import UTC, datetime, timedelta

import pytest
from starlette.testclient import TestClient

from app import app as portal_app
from tests.support.ledger import load
from tests.support.partners import link_resident, make_partner, signed_headers
from ui.partner_api_guard import LIMITER

API = "/api/v1"
LINKS = f"{API}/partner/links"
EVENTS = f"{API}/partner/events"


def client() -> TestClient:
    return TestClient(portal_app)


@pytest.fixture
def fresh_limits():
    LIMITER.clear()
    yield
    LIMITER.clear()


def freeze_server_clock(monkeypatch, at: datetime) -> None:
    """The API reads the time once a request (ui.partner_api.utcnow): pin it to test the 300 s edge exactly."""
    monkeypatch.setattr("ui.partner_api.utcnow", lambda: at)


def recent(**back) -> datetime:
    """A moment the API accepts an event for: it checks against the real clock (at most 7 days old)."""
    return datetime.now(UTC) - timedelta(**(back or {"hours": 1}))


def event(event_id: str, *, subject: str = "card-123", action: str = "metro", quantity: float = 10,
          occurred_at: datetime | None = None) -> dict:
    return {"id": event_id, "subject": subject, "action": action, "quantity": quantity,
            "occurred_at": (occurred_at or recent()).isoformat()}


def batch(*ids: str, **fields) -> dict:
    return {"events": [event(event_id, **fields) for event_id in ids]}


def post(http: TestClient, path: str, body: bytes | dict, *, partner_id: int, secret: str,
         now: datetime | None = None, headers: dict | None = None):
    """POST `body` signed at `now` (default: the real clock), with extra or overriding `headers`."""
    raw, signed = signed_headers(partner_id, secret, body, now=now or datetime.now(UTC))
    return http.post(path, content=raw, headers={"Content-Type": "application/json", **signed, **(headers or {})})


def linked_metro(make_user, *, subject: str = "card-123", rate_limit_per_minute: int = 120):
    """(resident, partner id, secret): a metro partner with one resident linked as `subject`."""
    load()
    resident = make_user("ann")
    issued = make_partner(rate_limit_per_minute=rate_limit_per_minute)
    assert link_resident(resident.id, issued.partner.id, subject) == "linked"
    return resident, issued.partner.id, issued.secret


def results(response) -> list[tuple[str, str, int]]:
    assert response.status_code == 200, response.text
    return [(item["id"], item["outcome"], item["points"]) for item in response.json()["results"]]


def compact(body: dict) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()
