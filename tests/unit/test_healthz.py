"""/healthz reports database reachability and the migration revision."""
import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

from db.migrate import head_revision
from ui.http_routes import healthz


def _call_healthz():
    """Run the route in a thread of its own: Playwright's sync API may hold this thread's event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, healthz(None)).result()


def test_healthz_answers_ok_with_the_revision():
    response = _call_healthz()
    assert response.status_code == 200
    assert json.loads(response.body) == {"status": "ok", "database": "ok", "revision": head_revision(),
                                         "head": head_revision()}


def test_healthz_says_503_when_the_database_is_unreachable(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    response = _call_healthz()
    assert response.status_code == 503
    assert json.loads(response.body)["status"] == "error"
