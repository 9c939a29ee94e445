"""Every response of the running portal carries the security headers: Streamlit's page, its static files,
/_stcore/*, the portal's own routes and static mounts, even a 404. HSTS only when the deployment says HTTPS."""
import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.responses import PlainTextResponse, StreamingResponse

from tests.support.portal import fetch, running_portal
from ui.security_headers import SecurityHeaders

EXPECTED = {
    "content-security-policy": "frame-ancestors 'self'",
    "x-frame-options": "SAMEORIGIN",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
}
HSTS = "strict-transport-security"
PATHS = ["/", "/map", "/healthz", "/_stcore/health", "/_stcore/host-config", "/vendor/leaflet/leaflet.js",
         "/component/streamlit_folium.st_folium/index.html", "/no-such-page.txt"]


@pytest.fixture(scope="module")
def secure_portal(tmp_path_factory):
    with running_portal(tmp_path_factory.mktemp("headers"), GREEN_EGRET_COOKIE_SECURE="1") as base:
        yield base


def security_headers(headers: dict) -> dict:
    return {name: headers.get(name) for name in EXPECTED}


def streamlit_static_file(base: str) -> str:
    """One of the JavaScript files Streamlit's page loads from its own static route."""
    _, _, page = fetch(f"{base}/")
    return "/" + re.search(rb'src="\./(static/js/[^"]+\.js)"', page).group(1).decode()


def test_every_kind_of_response_carries_the_headers(secure_portal):
    for path in [*PATHS, streamlit_static_file(secure_portal)]:
        status, headers, _ = fetch(secure_portal + path)
        assert security_headers(headers) == EXPECTED, (path, status, headers)
        assert headers.get(HSTS) == "max-age=31536000", path


def call(app, scope: dict) -> list[dict]:
    """The ASGI messages `app` sends for one request, through the middleware."""
    messages: list[dict] = []

    requests = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive():  # the request once, then a client that stays connected
        return requests.pop() if requests else await asyncio.Event().wait()

    async def send(message):
        messages.append(message)

    run(SecurityHeaders(app)(scope, receive, send))
    return messages


def run(coroutine) -> None:
    """On a thread of its own: Playwright's sync API may hold this thread's event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def http_scope(path: str = "/") -> dict:
    return {"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b""}


def test_no_hsts_unless_the_deployment_is_https(monkeypatch):
    monkeypatch.delenv("GREEN_EGRET_COOKIE_SECURE", raising=False)
    start = call(PlainTextResponse("ok"), http_scope())[0]
    names = {name.decode() for name, _ in start["headers"]}
    assert set(EXPECTED) <= names and HSTS not in names


def test_streaming_responses_stay_streamed():
    """Each chunk leaves as it comes (the ledger CSV export), nothing is buffered by the middleware."""
    chunks = call(StreamingResponse(iter([b"a,b\n", b"1,2\n"]), media_type="text/csv"), http_scope())
    assert [message.get("body") for message in chunks[1:]] == [b"a,b\n", b"1,2\n", b""]


def test_websockets_pass_untouched():
    seen = []

    async def endpoint(scope, receive, send):
        seen.append(scope["type"])

    run(SecurityHeaders(endpoint)({"type": "websocket", "path": "/_stcore/stream", "headers": []}, None, None))
    assert seen == ["websocket"]
