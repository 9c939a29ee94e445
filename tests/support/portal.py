"""The real portal (`streamlit run app.py`) on a free port with its own SQLite file, or a PostgreSQL database of its
own, for tests that must see what a browser gets back: every response passes Streamlit's whole ASGI stack,
middleware included."""
import hashlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import make_url, text

from db.config import normalise_database_url
from db.engine import engine_for

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 60
PORTAL_SECRET = "portal-test-secret"  # whatever seeds the portal's database must sign with the same secret
PORTAL_SETTINGS = ("GREEN_EGRET_COOKIE_SECURE", "GREEN_EGRET_TRUSTED_PROXIES", "GREEN_EGRET_METRICS_TOKEN")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """(status, headers with lower-case names, body) of a GET, error statuses included."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


@contextmanager
def serving(command: list[str], *, ready_url: str, log_path: Path, name: str,
            start_timeout: float = START_TIMEOUT_SECONDS, **popen) -> Iterator[subprocess.Popen]:
    """Start `command` (output to `log_path`), wait until `ready_url` answers 200, stop it afterwards; a process
    that dies or never answers fails with the end of its log."""
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **popen)
    try:
        deadline = time.monotonic() + start_timeout
        while fetch_or_none(ready_url) != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start: {log_path.read_text()[-2000:]}")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)


def _test_postgres_url() -> str | None:
    """TEST_DATABASE_URL as the unit tests read it. Imported here, not at the top: importing tests.conftest sets
    the test environment, and bench/ imports this module outside pytest."""
    from tests.conftest import POSTGRES_URL

    return normalise_database_url(POSTGRES_URL) if POSTGRES_URL else None


def portal_database_url(data: Path) -> str:
    """The database of the portal kept in `data`: its SQLite file, or, when TEST_DATABASE_URL is set, a database of
    its own on that PostgreSQL server, named after the folder and this process (helpers running at once never
    share one)."""
    server = _test_postgres_url()
    if server is None:
        return f"sqlite:///{data / 'portal.db'}"
    name = "ge_portal_" + hashlib.sha1(f"{os.getpid()}:{data}".encode()).hexdigest()[:16]
    return make_url(server).set(database=name).render_as_string(hide_password=False)


@contextmanager
def portal_database(data: Path) -> Iterator[str]:
    """Yield `portal_database_url(data)`, an empty database. On PostgreSQL it is created first and dropped
    afterwards, through TEST_DATABASE_URL's connection in autocommit (CREATE and DROP DATABASE refuse to run inside
    a transaction); FORCE ends whatever connection a test still holds to it."""
    url = portal_database_url(data)
    server = _test_postgres_url()
    if server is None:
        yield url
        return
    name = make_url(url).database

    def on_server(statement: str) -> None:
        with engine_for(server).connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(statement))

    on_server(f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        engine_for(url).dispose()
        on_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def running_portal(data: Path, *, start_timeout: float = START_TIMEOUT_SECONDS, database_url: str | None = None,
                   **settings: str):
    """Yield the base URL of a portal on `database_url` (default: `data`'s SQLite file, whatever TEST_DATABASE_URL
    says, for the callers that prepare that file themselves), started with `settings` (environment names)."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {name: value for name, value in os.environ.items() if name not in PORTAL_SETTINGS}
    env.update(DATABASE_URL=database_url or f"sqlite:///{data / 'portal.db'}", GREEN_EGRET_DATA_DIR=str(data),
               GREEN_EGRET_SECRET=PORTAL_SECRET, GREEN_EGRET_BASE_URL=base, **settings)
    # No file watcher: an edit anywhere in the tree while a test runs would put Streamlit's "File change, Rerun"
    # prompt on every page, and a page showing it never counts as idle (tests/browser/conftest.py, IDLE).
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"]
    with serving(command, ready_url=f"{base}/healthz", log_path=data / "server.log", name="portal",
                 start_timeout=start_timeout, cwd=ROOT, env=env):
        yield base


def fetch_or_none(url: str) -> int | None:
    """The status of a GET, or None while nothing listens yet."""
    try:
        return fetch(url)[0]
    except OSError:
        return None
