"""python -m bench first-paint [--rounds N] [--warm N] [--modes on,off]

Time to the check-in outcome's first paint on a phone, as a volunteer scanning a poster sees it (issue 14: a cold
scan showed a blank page for 13–19 s). Target: under 3 s cold.

Each round starts a fresh portal (`streamlit run app.py`, the seeded demo copied into a new folder) per mode,
warm-up on or off (GREEN_EGRET_WARMUP; the modes alternate within each round), then opens the trailhead poster's
check-in link in Debian's Chromium as the signed-in demo resident (a fresh browser context: no cache), first as
the portal's very first request (cold), then `--warm` times more (warm). The time is the page's own clock from
navigation start to the moment the outcome panel (`st-key-checkin_outcome_*`) enters the page, drawn in the next
frame. Prints min / median / max per mode.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.support.portal import PORTAL_SECRET, ROOT, running_portal

PANEL = '[class*="st-key-checkin_outcome_"]'
# Records, on the page's clock, when the outcome panel entered the page (the browser paints it in the next frame).
PAINT_PROBE = """
new MutationObserver((changes, observer) => {
  if (document.querySelector(PANEL)) {
    observer.disconnect();
    window.__gePainted = performance.now();
  }
}).observe(document, {childList: true, subtree: true});
""".replace("PANEL", json.dumps(PANEL))


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench first-paint")
    parser.add_argument("--rounds", type=int, default=3, help="fresh portals per mode (one cold scan each)")
    parser.add_argument("--warm", type=int, default=3, help="scans after the cold one, per round")
    parser.add_argument("--modes", default="on,off", help="warm-up on, off, or both")
    return parser.parse_args(argv)


def environment(folder: Path, database_url: str | None = None) -> dict[str, str]:
    """The portal's settings: `folder`'s own SQLite file unless another (empty) database is named."""
    return {**os.environ, "DATABASE_URL": database_url or f"sqlite:///{folder / 'portal.db'}",
            "GREEN_EGRET_DATA_DIR": str(folder), "GREEN_EGRET_SECRET": PORTAL_SECRET}


def seed(folder: Path, database_url: str | None = None) -> tuple[str, int]:
    """The demo, a sign-in session for the demo resident; returns (its cookie value, the trailhead's id)."""
    settings = environment(folder, database_url)
    subprocess.run([sys.executable, "manage.py", "seed", "--demo"], cwd=ROOT, env=settings, check=True,
                   capture_output=True)
    os.environ.update(settings)  # the domain reads its database and secret from the environment
    from sqlmodel import select

    from db.engine import get_engine, write_session
    from db.models import Checkpoint
    from points.accounts import signin
    from points.accounts.users import find_user

    with write_session() as session:
        resident = find_user(session, username="resident")
        assert resident is not None and resident.id is not None, "the demo seed creates the resident"
        _, handoff = signin.start_session(session, user_id=resident.id)
        cookie = signin.cookie_for_handoff(session, handoff=handoff)  # what POST /auth/session would set
        trailhead = session.exec(select(Checkpoint).where(Checkpoint.kind == "trailhead")).one()
    assert cookie is not None and trailhead.id is not None
    get_engine().dispose()  # closing the last connection folds SQLite's WAL into the file each round copies
    return cookie, trailhead.id


def scan_once(browser, base: str, link: str, cookie: str) -> float:
    """Seconds from navigation start to the outcome's first paint, in a context with no cache."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        context.add_cookies([{"name": "ge_session", "value": cookie, "url": base}])
        context.add_init_script(PAINT_PROBE)
        page = context.new_page()
        page.goto(f"{base}{link}")
        page.wait_for_function("window.__gePainted !== undefined", timeout=120_000, polling=20)
        return page.evaluate("window.__gePainted") / 1000
    finally:
        context.close()


def describe(name: str, seconds: list[float]) -> str:
    return (f"{name:<22} n={len(seconds):<3} min {min(seconds):6.2f} s   median {statistics.median(seconds):6.2f} s"
            f"   max {max(seconds):6.2f} s")


def main(argv: list[str]) -> int:
    args = parse(argv)
    from playwright.sync_api import sync_playwright

    from points.checkin.tokens import poster_token

    template = Path(tempfile.mkdtemp(prefix="bench-first-paint-"))
    cookie, trailhead = seed(template)
    link = f"/checkin?c={trailhead}&t={poster_token(trailhead, secret=PORTAL_SECRET)}&lang=zh"
    results: dict[str, list[float]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for round_number in range(args.rounds):  # the modes interleaved, so a change in load hits both alike
            for mode in args.modes.split(","):
                folder = Path(tempfile.mkdtemp(prefix=f"bench-first-paint-{mode}-"))
                shutil.copyfile(template / "portal.db", folder / "portal.db")
                with running_portal(folder, start_timeout=180, GREEN_EGRET_WARMUP="1" if mode == "on" else "0") as base:
                    cold = scan_once(browser, base, link, cookie)
                    warm = [scan_once(browser, base, link, cookie) for _ in range(args.warm)]
                results.setdefault(f"warm-up {mode}, cold", []).append(cold)
                results.setdefault(f"warm-up {mode}, warm", []).extend(warm)
                print(f"round {round_number + 1} warm-up {mode}: cold {cold:.2f} s, warm "
                      + ", ".join(f"{value:.2f}" for value in warm), flush=True)
                shutil.rmtree(folder, ignore_errors=True)
        browser.close()
    shutil.rmtree(template, ignore_errors=True)
    print("time to the check-in outcome's first paint (phone, zh, signed in, fresh browser context):")
    for name, seconds in results.items():
        print(describe(name, seconds))
    return 0
