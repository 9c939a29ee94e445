"""`python -m bench sessions` speaks Streamlit's own protocol to a real portal process: on a tiny load (2 sessions,
2 reruns each) every page run finishes and is counted, signed in as the demo resident; with a cookie that signs
nobody in the same client serves no session, so a counted run is a signed-in page run. The portal runs on its
own SQLite file, whatever TEST_DATABASE_URL says."""
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.first_paint import seed
from bench.sessions import load_step, page_paths
from tests.support.portal import running_portal


@pytest.mark.timeout(240)
def test_the_load_client_counts_signed_in_page_runs_against_a_real_portal(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "GREEN_EGRET_DATA_DIR", "GREEN_EGRET_SECRET"):  # seed() points the process at
        monkeypatch.setenv(name, os.environ.get(name, ""))  # the portal's files: put them back afterwards
    cookie, _ = seed(tmp_path)
    # A worker thread: the browser tests' sync Playwright leaves an event loop running on this one.
    with running_portal(tmp_path, start_timeout=180) as base, ThreadPoolExecutor(max_workers=1) as pool:
        served = pool.submit(load_step, base, cookie, sessions=2, pages=page_paths("home,log"), reruns=2,
                             think=0).result()
        stranger = pool.submit(load_step, base, "not-a-session", sessions=1, pages=page_paths("log"), reruns=1,
                               think=0).result()
    assert served.failures == []
    assert (served.sessions, served.served, len(served.times)) == (2, 2, 4)
    assert all(0 < seconds < 60 for seconds in served.times)
    assert (stranger.served, stranger.failures) == (0, ["not signed in: the menu is a visitor's"])
