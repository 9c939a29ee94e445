"""The sign-in cookie carries `Secure` behind a TLS-terminating proxy: by the setting, or by X-Forwarded-Proto
from a proxy the deployment trusts, never because a client claims https itself."""
import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.requests import Request

from db.engine import write_session
from points.accounts import signin
from ui.http_routes import close_session, open_session

HOST = "portal.example"


def _handoff(user) -> str:
    with write_session() as session:
        return signin.start_session(session, user_id=user.id)[1]


async def _post(handler, *, scheme: str, headers: dict, body: bytes) -> list[str]:
    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {"type": "http", "method": "POST", "path": "/auth/session", "scheme": scheme, "query_string": b"",
             "server": (HOST, 80), "headers": [(b"host", HOST.encode())]
             + [(name.lower().encode(), value.encode()) for name, value in headers.items()]}
    response = await handler(Request(scope, receive))
    assert response.status_code == 204
    return response.headers.getlist("set-cookie")


def _call(handler, *, scheme: str = "http", headers: dict | None = None, body: bytes = b"") -> str:
    """The Set-Cookie header the route sends back (run on a thread: Playwright may hold this thread's loop)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        cookies = pool.submit(asyncio.run, _post(handler, scheme=scheme, headers=headers or {}, body=body)).result()
    [cookie] = [value for value in cookies if value.startswith(f"{signin.COOKIE_NAME}=")]
    return cookie


def sign_in_cookie(user, **request) -> str:
    return _call(open_session, body=json.dumps({"handoff": _handoff(user)}).encode(), **request)


def is_secure(cookie: str) -> bool:
    return "secure" in [part.strip().lower() for part in cookie.split(";")]


@pytest.fixture(autouse=True)
def plain_settings(monkeypatch):
    for name in ("GREEN_EGRET_COOKIE_SECURE", "GREEN_EGRET_TRUSTED_PROXIES"):
        monkeypatch.delenv(name, raising=False)


def test_plain_http_without_a_proxy_setting_keeps_the_cookie_usable_on_localhost(make_user):
    assert not is_secure(sign_in_cookie(make_user("lin")))
    assert is_secure(sign_in_cookie(make_user("mei"), scheme="https"))


def test_the_setting_makes_the_cookie_secure_behind_a_tls_proxy(make_user, monkeypatch):
    monkeypatch.setenv("GREEN_EGRET_COOKIE_SECURE", "true")
    assert is_secure(sign_in_cookie(make_user("lin")))


def test_a_trusted_proxy_saying_https_makes_the_cookie_secure(make_user, monkeypatch):
    monkeypatch.setenv("GREEN_EGRET_TRUSTED_PROXIES", "1")
    assert is_secure(sign_in_cookie(make_user("lin"), headers={"X-Forwarded-Proto": "https"}))


def test_forwarded_proto_is_ignored_without_trusted_proxies_or_when_the_client_wrote_it(make_user, monkeypatch):
    assert not is_secure(sign_in_cookie(make_user("lin"), headers={"X-Forwarded-Proto": "https"}))
    monkeypatch.setenv("GREEN_EGRET_TRUSTED_PROXIES", "1")  # the proxy appended "http" after the client's claim
    assert not is_secure(sign_in_cookie(make_user("mei"), headers={"X-Forwarded-Proto": "https, http"}))


def test_signing_out_clears_the_cookie_with_the_same_flag(monkeypatch):
    monkeypatch.setenv("GREEN_EGRET_COOKIE_SECURE", "1")
    cleared = _call(close_session)
    assert 'ge_session=""' in cleared and "max-age=0" in cleared.lower()
    assert is_secure(cleared)
