"""/healthz says the process lives without touching the database; /readyz checks the database and migrations,
off the event loop that serves every session of the process."""
import asyncio
import threading

import httpx
from starlette.applications import Starlette

from db.migrate import head_revision
from tests.support.own_loop import run_in_own_loop
from ui import http_routes


def _get(path: str) -> httpx.Response:
    """One request through Starlette's real routing (sync routes go to its thread pool)."""
    async def call():
        transport = httpx.ASGITransport(app=Starlette(routes=http_routes.ROUTES))
        async with httpx.AsyncClient(transport=transport, base_url="http://portal") as client:
            return await client.get(path)
    return run_in_own_loop(call())


def test_readyz_answers_ok_with_the_revision():
    response = _get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "revision": head_revision(), "head": head_revision()}


def test_readyz_says_503_when_the_database_is_unreachable(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    response = _get("/readyz")
    assert response.status_code == 503 and response.json()["status"] == "error"


def test_healthz_answers_without_the_database(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    response = _get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_a_slow_database_check_does_not_stall_the_event_loop(monkeypatch):
    """While /readyz is held on the database, the same loop answers /healthz; only then is the database let go."""
    released = threading.Event()
    monkeypatch.setattr(http_routes, "current_revision", lambda: released.wait(5) and head_revision())

    async def both():
        transport = httpx.ASGITransport(app=Starlette(routes=http_routes.ROUTES))
        async with httpx.AsyncClient(transport=transport, base_url="http://portal") as client:
            held = asyncio.create_task(client.get("/readyz"))
            await asyncio.sleep(0.05)  # the readiness check is now waiting on the database
            live = await client.get("/healthz")
            still_waiting = not held.done()
            released.set()
            return live.status_code, still_waiting, (await held).status_code
    assert run_in_own_loop(both()) == (200, True, 200)
