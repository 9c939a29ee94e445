"""/healthz reports database reachability and the migration revision."""
import asyncio
import json

from db.migrate import head_revision
from ui.http_routes import healthz


def test_healthz_answers_ok_with_the_revision():
    response = asyncio.run(healthz(None))
    assert response.status_code == 200
    assert json.loads(response.body) == {"status": "ok", "database": "ok", "revision": head_revision(),
                                         "head": head_revision()}


def test_healthz_says_503_when_the_database_is_unreachable(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    response = asyncio.run(healthz(None))
    assert response.status_code == 503
    assert json.loads(response.body)["status"] == "error"
