"""verify-ledger in several processes.

Recomputing a chain hash is Python work under one interpreter lock, so one process checks a fixed number of
entries a second however fast the database reads. Users' chains are independent: the user ids are cut into
ranges holding about the same number of entries and each range is checked by a process of its own, in its own
snapshot (a user's entries and balance are always read together, so a range sees one consistent user). The
first and last ranges are open-ended, so entries of a user without a balance row are still read by someone.

A worker is `python -m points.ledger.verify_parallel AFTER UPTO` with this process's environment (the database
and the secret), answering one JSON report: a new interpreter, not a multiprocessing child, so it neither copies
a half-way state of this process's threads (a fork) nor re-runs whatever this process's main script is (spawn).
"""
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict
from itertools import pairwise
from pathlib import Path

from sqlmodel import col, select

from db.engine import read_session
from db.models import Balance
from points.ledger.verify import BadEntry, VerifyReport, verify_ledger

ROOT = Path(__file__).resolve().parents[2]
Range = tuple[int | None, int | None]  # (after, upto): after < user id <= upto, None for an open end
# Starting a worker (a new interpreter importing the domain) costs about a second: a process for fewer entries
# than it checks in a few seconds would slow a small city's check down.
ENTRIES_PER_WORKER = 250_000
OPEN = "-"  # an open end on a worker's command line


class WorkerFailed(RuntimeError):
    """A worker exited without a report (the database went away, the process was killed)."""


def user_ranges(heads: Sequence[tuple[int, int]], parts: int) -> list[Range]:
    """About `parts` contiguous ranges of user ids, each holding about the same number of entries; `heads` are
    (user id, last seq) in user order, a balance's last seq being its user's entry count."""
    share = max(1, sum(seq for _, seq in heads) // max(1, parts))
    cuts: list[int] = []
    filled = 0
    for user_id, seq in heads:
        filled += seq
        if filled >= share * (len(cuts) + 1) and len(cuts) < parts - 1:
            cuts.append(user_id)
    bounds: list[int | None] = [None, *cuts, None]
    return list(pairwise(bounds))


def merge(reports: list[VerifyReport]) -> VerifyReport:
    """The ranges' reports in user order as one: the first bad entry of the first range that has one."""
    users = entries = 0
    for report in reports:
        users, entries = users + report.users, entries + report.entries
        if not report.ok:
            return VerifyReport(ok=False, users=users, entries=entries, first_bad=report.first_bad)
    return VerifyReport(ok=True, users=users, entries=entries)


def _start(bounds: Range) -> subprocess.Popen:
    arguments = [OPEN if bound is None else str(bound) for bound in bounds]
    return subprocess.Popen([sys.executable, "-m", __name__, *arguments], cwd=ROOT, env=os.environ.copy(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _report_of(worker: subprocess.Popen) -> VerifyReport:
    out, err = worker.communicate()
    if worker.returncode != 0:
        reason = (err.strip().splitlines() or [f"exit code {worker.returncode}"])[-1]
        raise WorkerFailed(f"a verify-ledger worker failed: {reason}")
    found = json.loads(out)
    bad = found.pop("first_bad")
    return VerifyReport(**found, first_bad=BadEntry(**bad) if bad else None)


def verify_ledger_parallel(workers: int | None = None) -> VerifyReport:
    """The whole ledger checked by `workers` processes (by default one per ENTRIES_PER_WORKER entries, at most
    one per core; one is verify_ledger in this process)."""
    with read_session() as session:
        heads = session.exec(select(col(Balance.user_id), col(Balance.last_seq))
                             .order_by(col(Balance.user_id))).all()
        if workers is None:
            workers = min(os.cpu_count() or 1, 1 + sum(seq for _, seq in heads) // ENTRIES_PER_WORKER)
        if workers <= 1:
            return verify_ledger(session)
    started = [_start(bounds) for bounds in user_ranges(heads, workers)]
    try:
        return merge([_report_of(worker) for worker in started])
    finally:
        for worker in started:
            if worker.poll() is None:
                worker.kill()
                worker.wait()


def _worker(arguments: list[str]) -> None:
    after, upto = (None if argument == OPEN else int(argument) for argument in arguments)
    with read_session() as session:
        report = verify_ledger(session, after=after, upto=upto)
    print(json.dumps(asdict(report)))


if __name__ == "__main__":
    _worker(sys.argv[1:])
