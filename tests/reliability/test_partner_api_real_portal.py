"""docs/partners.md works as written: its Python and curl examples, run verbatim against a real portal
(`streamlit run app.py`, seeded with the demo as `make demo` seeds it, its own SQLite file) with the secret
from `manage.py rotate-partner-key demo-metro`, credit the demo resident; and a chunked body over 1 MB is
refused by the real server stack. The portal always runs on SQLite, whatever TEST_DATABASE_URL says."""
import http.client
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.partner_api import EVENTS, batch
from tests.support.partners import signed_headers
from tests.support.portal import PORTAL_SECRET, running_portal
from ui.partner_api_schema import MAX_BODY_BYTES

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "partners.md"
pytestmark = pytest.mark.timeout(300)


def example(language: str, containing: str) -> str:
    """The guide's fenced `language` block that contains `containing`."""
    blocks = re.findall(rf"^```{language}\n(.*?)^```$", GUIDE.read_text(encoding="utf-8"), re.S | re.M)
    found = [block for block in blocks if containing in block]
    assert len(found) == 1, f"expected one {language} block with {containing!r} in {GUIDE.name}, got {len(found)}"
    return found[0]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """(portal URL, the environment of its manage.py, its SQLite file, partner id, secret)."""
    data = tmp_path_factory.mktemp("partner-demo")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{data / 'portal.db'}", "GREEN_EGRET_DATA_DIR": str(data),
           "GREEN_EGRET_SECRET": PORTAL_SECRET}

    def manage(*args: str) -> str:
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                              capture_output=True, text=True).stdout

    manage("migrate")
    manage("seed", "--demo")
    printed = dict(line.split("=", 1) for line in manage("rotate-partner-key", "demo-metro").splitlines()
                   if "=" in line)
    with running_portal(data) as base:
        yield base, env, data / "portal.db", printed["partner_id"], printed["secret"]


def partner_credits(database: Path) -> int:
    """How many verified partner claims the demo resident has, read from the portal's own file."""
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT count(*) FROM claim JOIN user ON user.id = claim.user_id "
                                  "WHERE user.username = 'resident' AND claim.source = 'partner'").fetchone()[0]


def written(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        return {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("claim", "ledgerentry", "partnerevent", "partnertally")}


def run_example(command: list[str], demo, code: str) -> str:
    base, env, _, partner_id, secret = demo
    done = subprocess.run([*command, code], env={**env, "PORTAL_URL": base, "PARTNER_ID": partner_id,
                                                 "PARTNER_SECRET": secret},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_python_example_credits_the_demo_resident(demo):
    database = demo[2]
    before = partner_credits(database)
    code = example("python", "urllib.request")
    printed = run_example([sys.executable, "-c"], demo, code)
    assert re.fullmatch(r"py-[0-9a-f-]{36} credited 583\n", printed), printed
    assert partner_credits(database) == before + 1
    assert run_example([sys.executable, "-c"], demo, code).split()[1] == "credited"  # a new id each run


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("openssl")), reason="needs curl and openssl")
def test_the_curl_example_credits_once_and_then_answers_duplicate(demo):
    database = demo[2]
    before = partner_credits(database)
    code = example("sh", "curl ")
    first = run_example(["bash", "-euo", "pipefail", "-c"], demo, code)
    assert re.fullmatch(r'\{"results":\[\{"id":"curl-trip-\d{8}","outcome":"credited","points":583\}\]\}\n',
                        first), first
    second = run_example(["bash", "-euo", "pipefail", "-c"], demo, code)
    assert '"outcome":"duplicate","points":0' in second, second
    assert partner_credits(database) == before + 1


def test_a_chunked_body_over_1_mb_is_refused_by_the_real_server(demo):
    base, _, database, partner_id, secret = demo
    raw, headers = signed_headers(int(partner_id), secret, batch("big"), now=datetime.now(UTC))
    before = written(database)
    chunks = (raw + b" " * (MAX_BODY_BYTES + 1 - len(raw)))
    address = urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request("POST", EVENTS, body=(chunks[i:i + 65536] for i in range(0, len(chunks), 65536)),
                           headers={"Content-Type": "application/json", **headers}, encode_chunked=True)
        response = connection.getresponse()
        assert (response.status, response.read()) == (413, b'{"error":"payload_too_large"}')
    finally:
        connection.close()
    assert written(database) == before
