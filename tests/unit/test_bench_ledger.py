"""`python -m bench ledger` and `python -m bench scale` run end to end on a small load: the plain side of the
ledger bench did the domain's work (its hash chains verify as the domain's do), and the scale bench grows
valid chains and times every page at both sizes."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(180)
def test_the_ledger_bench_prints_both_sides_and_both_chains_verify():
    command = [sys.executable, "-m", "bench", "ledger", "-n", "40", "--rounds", "2"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=150)
    assert done.returncode == 0, done.stdout + done.stderr
    for side in ("claim: submit_claim", "claim: plain sqlite3", "post: ledger.chain.post", "post: plain sqlite3"):
        assert re.search(rf"^{re.escape(side)} +[\d.]+ +[\d.]+ +[\d.]+$", done.stdout, re.M), done.stdout
    assert re.search(r"verify-ledger domain\.db: ok, \d+ entries", done.stdout)
    assert re.search(r"verify-ledger plain\.db: ok, \d+ entries", done.stdout)


@pytest.mark.timeout(400)
def test_the_scale_bench_times_every_page_at_both_sizes():
    command = [sys.executable, "-m", "bench", "scale", "--residents", "50", "--small", "50", "--entries", "150",
               "--runs", "1"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=380)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "verify-ledger: ok, 150 entries" in done.stdout
    assert re.search(r"^dashboard +admin +[\d.]+ +[\d.]+ +[\d.]+", done.stdout, re.M), done.stdout
