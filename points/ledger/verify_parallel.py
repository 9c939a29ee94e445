"""verify-ledger in several processes.

Recomputing a chain hash is Python work under one interpreter lock, so one process checks a fixed number of
entries a second however fast the database reads. Users' chains are independent: the user ids are cut into
ranges holding about the same number of entries and each range is checked by a process of its own, in its own
snapshot (a user's entries and balance are always read together, so a range sees one consistent user). The
first and last ranges are open-ended, so entries of a user without a balance row are still read by someone.
"""
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import pairwise

from sqlmodel import col, select

from db.engine import read_session
from db.models import Balance
from points.ledger.verify import VerifyReport, verify_ledger

Range = tuple[int | None, int | None]  # (after, upto): after < user id <= upto, None for an open end
# Starting a worker (a new interpreter importing the domain) costs about a second: a process for fewer entries
# than it checks in a few seconds would slow a small city's check down.
ENTRIES_PER_WORKER = 250_000


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


def _verify_range(bounds: Range) -> VerifyReport:
    """One worker's range, with the database and secret of the environment it was started in."""
    after, upto = bounds
    with read_session() as session:
        return verify_ledger(session, after=after, upto=upto)


def merge(reports: list[VerifyReport]) -> VerifyReport:
    """The ranges' reports in user order as one: the first bad entry of the first range that has one."""
    users = entries = 0
    for report in reports:
        users, entries = users + report.users, entries + report.entries
        if not report.ok:
            return VerifyReport(ok=False, users=users, entries=entries, first_bad=report.first_bad)
    return VerifyReport(ok=True, users=users, entries=entries)


def verify_ledger_parallel(workers: int | None = None) -> VerifyReport:
    """The whole ledger checked by `workers` processes (by default one per ENTRIES_PER_WORKER entries, at most
    one per core; one is verify_ledger in this process).

    Processes are spawned, not forked: this may run beside threads (a Streamlit server, a pool's connections)
    that a fork would copy half-way."""
    with read_session() as session:
        heads = session.exec(select(col(Balance.user_id), col(Balance.last_seq))
                             .order_by(col(Balance.user_id))).all()
        if workers is None:
            workers = min(os.cpu_count() or 1, 1 + sum(seq for _, seq in heads) // ENTRIES_PER_WORKER)
        if workers <= 1:
            return verify_ledger(session)
    ranges = user_ranges(heads, workers)
    with ProcessPoolExecutor(len(ranges), mp_context=multiprocessing.get_context("spawn")) as pool:
        return merge(list(pool.map(_verify_range, ranges)))
