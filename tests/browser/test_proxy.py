"""Two portal replicas behind nginx on one PostgreSQL (deploy/): a browser keeps its replica for uploads, survives
that replica stopping still signed in, and sixteen simultaneous scans of one code across both credit once."""
import io
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from deploy.replicas import NGINX, deployment, free_ports
from tests.browser.conftest import TRAFFIC_PROBE, scaled, sign_in, wait_idle

ROOT = Path(__file__).resolve().parents[2]
SERVER_URL = os.environ.get("TEST_PROXY_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
DATABASE = "green_egret_proxy_test"
REPLICA_HEADER = "x-green-egret-replica"
SCANNERS = 16


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _fresh_database() -> str:
    """An empty database of its own on the local PostgreSQL, shared by both replicas."""
    try:
        server = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {DATABASE}"))
        server.dispose()
    except Exception as error:  # no PostgreSQL on this machine
        _missing(f"PostgreSQL at {SERVER_URL} is not reachable: {type(error).__name__}")
    return SERVER_URL.rsplit("/", 1)[0] + f"/{DATABASE}"


@pytest.fixture
def proxy(tmp_path, monkeypatch):
    """A fresh deployment per test: one of them stops a replica."""
    if not Path(NGINX).exists():
        _missing("nginx is missing (apt-get install -y nginx)")
    url = _fresh_database()
    monkeypatch.setenv("DATABASE_URL", url)
    subprocess.run([sys.executable, "manage.py", "seed", "--demo"], cwd=ROOT, check=True, capture_output=True)
    listen, *ports = free_ports(3)
    (tmp_path / "nginx").mkdir()
    with deployment(ports=ports, listen=listen, run_dir=tmp_path / "nginx") as running:
        running.database_url = url
        yield running


def _replica_of(response) -> str:
    return response.headers[REPLICA_HEADER]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "seagreen").save(out, format="PNG")
    return out.getvalue()


def _attach_photo(page, path: Path) -> None:
    page.locator('input[type="file"]').set_input_files(str(path))
    expect(page.get_by_role("button", name=f"Remove {path.name}")).to_be_visible()
    # An upload the replica accepted is listed with its size; a refused one shows an error in its place.
    expect(page.get_by_text(re.compile(rf"{re.escape(path.name)}\s*[\d.]+\s*B"))).to_be_visible()
    wait_idle(page)


def test_a_replica_stops_and_the_page_reconnects_to_the_other_still_signed_in(proxy, new_page, tmp_path):
    photo = tmp_path / "litter.png"
    photo.write_bytes(_png())
    page = new_page()
    sign_in(page, proxy.base, "resident")
    served_by = _replica_of(page.goto(f"{proxy.base}/log?lang=en"))
    wait_idle(page)
    _attach_photo(page, photo)  # the upload is a plain HTTP PUT: it must reach the process holding the session

    proxy.stop_replica(int(served_by.rsplit(":", 1)[1]))
    # No reload: Streamlit's client reconnects its WebSocket; nginx sends it to the other replica, which opens a
    # new session and finds the sign-in behind the cookie.
    expect(page.get_by_text("Signed in as")).to_be_visible(timeout=scaled(60_000))
    wait_idle(page)
    after = page.request.get(f"{proxy.base}/healthz")
    assert after.ok and after.headers[REPLICA_HEADER] != served_by
    _attach_photo(page, photo)  # an upload on the new replica passes its XSRF check: the cookie secret is shared


def _route_keys(base: str, count: int) -> dict[str, str]:
    """Affinity cookie values sending a browser to each replica: nginx answers which replica served it."""
    keys: dict[str, str] = {}
    for index in range(200):
        request = urllib.request.Request(f"{base}/healthz", headers={"Cookie": f"ge_replica=key{index}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            keys.setdefault(response.headers[REPLICA_HEADER], f"key{index}")
        if len(keys) == count:
            return keys
    raise AssertionError(f"affinity sent 200 keys to only {sorted(keys)}")


def test_sixteen_scans_at_once_across_both_replicas_credit_once(proxy, chromium):
    engine = create_engine(proxy.database_url)
    with engine.connect() as connection:
        checkpoint_id = connection.execute(text("SELECT id FROM checkpoint WHERE kind = 'trailhead'")).scalar_one()
    from points.checkin.tokens import poster_token

    link = f"{proxy.base}/checkin?c={checkpoint_id}&t={poster_token(checkpoint_id)}"
    keys = list(_route_keys(proxy.base, len(proxy.replicas)).values())

    signed_in = chromium.new_context()
    signed_in.add_init_script(TRAFFIC_PROBE)
    sign_in(signed_in.new_page(), proxy.base, "resident")
    session_cookie = [cookie for cookie in signed_in.cookies() if cookie["name"] == "ge_session"]
    pages = []
    for index in range(SCANNERS):
        context = chromium.new_context()
        context.add_init_script(TRAFFIC_PROBE)
        context.add_cookies(session_cookie + [{**session_cookie[0], "name": "ge_replica",
                                               "value": keys[index % len(keys)]}])
        pages.append(context.new_page())
    for page in pages:
        page.goto(f"{link}&lang=en", wait_until="commit")  # all sixteen in flight before any is awaited
    outcomes = []
    for page in pages:
        page.get_by_text("points credited").or_(page.get_by_text("already checked in")).first.wait_for(
            timeout=scaled(120_000))
        outcomes.append("credited" if page.get_by_text("points credited").count() else "already")
    with engine.connect() as connection:
        entries = connection.execute(text(
            "SELECT count(*) FROM ledgerentry e JOIN claim c ON c.id = e.claim_id "
            "WHERE c.checkpoint_id = :checkpoint AND e.kind = 'earn'"), {"checkpoint": checkpoint_id}).scalar_one()
    engine.dispose()
    for page in pages:
        page.context.close()
    signed_in.close()
    assert (entries, outcomes.count("credited"), outcomes.count("already")) == (1, 1, SCANNERS - 1)
