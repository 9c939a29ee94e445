"""Streamlit's /_stcore/metrics (sessions, cache sizes, memory) and the portal's /metrics (credits, claims, scans,
refusals, page times) are not public: a 404 like any unknown page, unless the scraper sends the token the
deployment configured in GREEN_EGRET_METRICS_TOKEN."""
import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.responses import PlainTextResponse

from tests.support.portal import fetch, running_portal
from ui.security_headers import SecurityHeaders

TOKEN = "scrape-me-0f3a9c"


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    with running_portal(tmp_path_factory.mktemp("metrics"), GREEN_EGRET_METRICS_TOKEN=TOKEN) as base:
        yield base


def test_metrics_are_a_404_for_visitors(portal):
    for path in ("/_stcore/metrics", "/_stcore/metrics/", "/_stcore/metrics?families=session_events_total",
                 "/metrics", "/metrics/"):
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
            status, _, body = fetch(portal + path, headers)
            assert (status, b"session" in body) == (404, False), (path, headers)


def test_the_configured_scraper_gets_the_metrics(portal):
    status, headers, body = fetch(f"{portal}/_stcore/metrics", {"Authorization": f"Bearer {TOKEN}"})
    assert status == 200 and headers["content-type"].startswith("application/openmetrics-text")
    assert b"# TYPE" in body


def test_the_scraper_gets_the_portals_own_counters(portal):
    status, headers, body = fetch(f"{portal}/metrics", {"Authorization": f"Bearer {TOKEN}"})
    assert status == 200 and headers["content-type"].startswith("text/plain")
    for family in ("green_egret_ledger_entries", "green_egret_claims", "green_egret_checkin_scans",
                   "green_egret_refusals", "green_egret_page_seconds"):
        assert f"# TYPE {family}".encode() in body, family


def test_without_a_configured_token_nobody_gets_them(monkeypatch):
    monkeypatch.delenv("GREEN_EGRET_METRICS_TOKEN", raising=False)
    statuses = []

    async def send(message):
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {"type": "http", "method": "GET", "path": "/_stcore/metrics", "query_string": b"",
             "headers": [(b"authorization", b"Bearer ")]}
    with ThreadPoolExecutor(max_workers=1) as pool:  # Playwright's sync API may hold this thread's loop
        pool.submit(asyncio.run, SecurityHeaders(PlainTextResponse("metrics"))(scope, receive, send)).result()
    assert statuses == [404]
