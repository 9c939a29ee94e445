"""`python -m bench partner` runs end to end on a small load and prints both sides: signed batches through a
real portal process and the same credits written straight through the domain. It always runs on its own
SQLite file, whatever TEST_DATABASE_URL says."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RATE = r"min +\d+ +median +\d+ +max +\d+ events/s"


@pytest.mark.timeout(180)
def test_the_partner_benchmark_prints_both_sides_and_credits_every_event():
    command = [sys.executable, "-m", "bench", "partner", "--rounds", "1", "--batches", "1", "--events", "50",
               "--residents", "20"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=150)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "http through a real portal process" in done.stdout
    assert re.search(rf"^http +{RATE}", done.stdout, re.M), done.stdout
    assert re.search(rf"^direct +{RATE}", done.stdout, re.M), done.stdout
    assert "every event credited" in done.stdout
