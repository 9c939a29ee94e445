"""The portal warms up at start-up: before it answers its first request, what the pages import is imported and
the translations are loaded, so a cold QR scan does not pay for them (issue 14). Each start is a fresh process:
this one has long imported everything."""
import json
import os
import subprocess
import sys

from tests.support.portal import ROOT

# Runs the app's lifespan (as `streamlit run` does) and reports, before any page was run, what the process holds.
START_AND_REPORT = """
import json, sys
from starlette.testclient import TestClient
import app
from ui.i18n import catalogue
with TestClient(app.app) as client:
    assert client.get("/healthz").status_code == 200
    print(json.dumps({"imported": [name for name in sys.argv[1:] if name in sys.modules],
                      "languages": catalogue.cache_info().currsize}))
"""
HEAVY = ["pandas", "altair", "folium", "qrcode", "zxingcpp", "fpdf", "ui.qr", "ui.checkin_outcome"]
LEFT_TO_A_RUN = ["streamlit_folium", "ui.map"]  # a component registers its frontend only inside a script run


def started(database: str, tmp_path, **settings: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database, "GREEN_EGRET_DATA_DIR": str(tmp_path), **settings}
    done = subprocess.run([sys.executable, "-c", START_AND_REPORT, *HEAVY, *LEFT_TO_A_RUN], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_pages_imports_and_translations_are_ready_before_the_first_request(database, tmp_path):
    assert started(database, tmp_path) == {"imported": HEAVY, "languages": 2}  # the component's modules: not yet


def test_without_warm_up_the_first_visitor_would_pay_for_them(database, tmp_path):
    """The control: the frame alone does not import all of it (whatever it imports today), so the test above fails
    without the warm-up."""
    cold = started(database, tmp_path, GREEN_EGRET_WARMUP="0")
    assert cold["imported"] != HEAVY and cold["languages"] == 0
