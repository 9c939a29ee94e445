"""The real portal (`streamlit run app.py`) on a free port with its own SQLite file, for tests that must see
what a browser gets back: every response passes Streamlit's whole ASGI stack, middleware included."""
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


@contextmanager
def running_portal(data: Path, *, start_timeout: float = START_TIMEOUT_SECONDS, **settings: str):
    """Yield the base URL of a portal on `data`'s SQLite file, started with `settings` (environment names)."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {name: value for name, value in os.environ.items() if name not in PORTAL_SETTINGS}
    env.update(DATABASE_URL=f"sqlite:///{data / 'portal.db'}", GREEN_EGRET_DATA_DIR=str(data),
               GREEN_EGRET_SECRET=PORTAL_SECRET, GREEN_EGRET_BASE_URL=base, **settings)
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1"]
    with serving(command, ready_url=f"{base}/healthz", log_path=data / "server.log", name="portal",
                 start_timeout=start_timeout, cwd=ROOT, env=env):
        yield base


def fetch_or_none(url: str) -> int | None:
    """The status of a GET, or None while nothing listens yet."""
    try:
        return fetch(url)[0]
    except OSError:
        return None
