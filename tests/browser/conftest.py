"""A real portal (streamlit run, seeded demo, its own database) driven by Playwright in Debian's Chromium.

The portal's database is a SQLite file of its own, or with TEST_DATABASE_URL set a PostgreSQL database of its own
on that server; there only the tests marked `both_databases` run (the others are SQLite-only: they prepare or read
the SQLite file themselves, or are not worth a second portal start in CI)."""
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import on_postgres
from tests.support.portal import PORTAL_SECRET, portal_database, running_portal

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
DEMO_PASSWORD = "green-egret-demo"
PHONE = {"width": 390, "height": 844}
# A slow machine (or CI under load) multiplies every wait by this factor instead of editing timeouts.
WAIT_SCALE = float(os.environ.get("GREEN_EGRET_TEST_WAIT_SCALE", "1"))
QUIET_MS = 150  # the WebSocket has been silent this long after the last answer: the run's output is drawn

# Watches the page's input and WebSocket traffic, so "idle" means: the server answered everything the page sent,
# the script is not running, the portal's frame (ui/frame.js: styles, nav list, texts) is applied, and neither an
# answer nor the user's last input (a click whose message the page may not have sent yet) is more recent than a
# moment. No fixed sleep: a quiet page returns at once.
TRAFFIC_PROBE = """
(() => {
  window.__geSent = 0; window.__geLastSent = 0; window.__geLastReceived = 0; window.__geLastInput = 0;
  for (const type of ["pointerdown", "click", "keydown", "input", "change"]) {
    window.addEventListener(type, () => { window.__geLastInput = performance.now(); }, true);
  }
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    window.__geSent += 1; window.__geLastSent = performance.now();
    if (!this.__geObserved) {
      this.__geObserved = true;
      this.addEventListener("message", () => { window.__geLastReceived = performance.now(); });
    }
    return send.call(this, data);
  };
})();
"""
IDLE = """(quiet) => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app && app.dataset.testConnectionState === "CONNECTED"
    && app.dataset.testScriptState === "notRunning"
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"]')
    && window.__geFrame?.applied
    && window.__geLastReceived >= window.__geLastSent
    && performance.now() - Math.max(window.__geLastReceived, window.__geLastInput) > quiet;
}"""


def scaled(milliseconds: float) -> float:
    return milliseconds * WAIT_SCALE


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, skip every browser test that has not opted in with @pytest.mark.both_databases."""
    if not on_postgres():
        return
    here = Path(__file__).parent
    sqlite_only = pytest.mark.skip(reason="browser test on SQLite only; to opt in, mark it both_databases and reach "
                                   "the portal's database through portal_database_url")
    for item in items:
        if item.path.is_relative_to(here) and item.get_closest_marker("both_databases") is None:
            item.add_marker(sqlite_only)


def _require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def portal_data(tmp_path_factory):
    """The shared portal's folder; `portal_database_url(portal_data)` is its database, for tests that set up what
    the demo lacks."""
    return tmp_path_factory.mktemp("portal")


@contextmanager
def seeded_portal(data: Path) -> Iterator[str]:
    """A portal on `portal_database_url(data)`, new and seeded (migrated first) with the demo accounts and events;
    yields its base URL."""
    _require_chromium()
    with portal_database(data) as database_url:
        env = {**os.environ, "DATABASE_URL": database_url, "GREEN_EGRET_DATA_DIR": str(data),
               "GREEN_EGRET_SECRET": PORTAL_SECRET}
        subprocess.run([sys.executable, "manage.py", "seed", "--demo"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        with running_portal(data, start_timeout=60 * WAIT_SCALE, database_url=database_url) as base:
            yield base


@pytest.fixture(scope="session")
def portal(portal_data):
    """Base URL of the session's shared portal seeded with the demo. Tests that add events or people others would
    see (the journeys) start their own with `seeded_portal`, so the demo's counts stay what the other tests read."""
    with seeded_portal(portal_data) as base:
        yield base


@pytest.fixture(scope="session")
def chromium():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium):
    """new_page(phone=False, user_agent=None) -> a Playwright page in a fresh browser context (no cookies)."""
    contexts = []

    def make(*, phone: bool = False, user_agent: str | None = None):
        context = chromium.new_context(viewport=PHONE if phone else {"width": 1280, "height": 900},
                                       is_mobile=phone, has_touch=phone,
                                       **({"user_agent": user_agent} if user_agent else {}))
        context.set_default_timeout(scaled(20_000))
        context.add_init_script(TRAFFIC_PROBE)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def wait_idle(page) -> None:
    """Wait until Streamlit has answered the last action and finished the run it started."""
    page.wait_for_function(IDLE, arg=scaled(QUIET_MS), timeout=scaled(30_000), polling=50)


def wait_for_sign_in_cookie(page) -> None:
    """The HttpOnly sign-in cookie arrives through a fetch right after sign-in; a refresh before it lands would
    open a signed-out session."""
    deadline = time.monotonic() + scaled(10_000) / 1000
    while time.monotonic() < deadline:
        if any(c["name"] == "ge_session" and c["httpOnly"] for c in page.context.cookies()):
            return
        time.sleep(0.05)  # polling the browser's cookie jar, which has no event to wait on
    raise AssertionError("no HttpOnly ge_session cookie was set")


def sign_in(page, base: str, username: str, password: str = DEMO_PASSWORD, path: str = "signin") -> None:
    page.goto(f"{base}/{path}?lang=en")
    wait_idle(page)
    page.get_by_role("textbox", name="Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for()
    wait_idle(page)
    wait_for_sign_in_cookie(page)
