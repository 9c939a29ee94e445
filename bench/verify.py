"""python -m bench verify [--residents 100000] [--entries 1000000] [--workers N] [--rounds 3] [--database-url URL]

verify-ledger's rate in one process against `--workers` processes (default: what `manage.py verify-ledger`
picks on this machine, one per core for a ledger this size), the two interleaved in rounds, min / median / max
entries a second. Without --database-url it grows a new SQLite city as `bench scale` does; with one it checks the
ledger already there when it holds one (a database `bench scale` grew: its chains are hashed with the bench
secret, which this sets too). Goal (issue 15): at least 50,000 entries a second.
"""
import argparse
import os
import statistics
import time

from bench.dashboard import in_scratch_folder
from bench.ledger import SECRET, _spread
from bench.scale import City

TARGET = 50_000


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench verify")
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1_000_000, help="ledger entries to grow to when empty")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    return parser.parse_args(argv)


def main(argv) -> int:
    os.environ["GREEN_EGRET_SECRET"] = SECRET
    return in_scratch_folder(parse(argv), run)


def run(args) -> int:
    from db.engine import read_session
    from db.migrate import upgrade
    from points.ledger.verify_parallel import verify_ledger_parallel

    upgrade()
    with read_session() as session:
        empty = session.connection().exec_driver_sql("SELECT count(*) FROM balance").scalar_one() == 0
    if empty:
        city = City(args.residents)
        city.add_residents()
        city.grow(args.entries)
    sides = {"1 process": 1, f"{args.workers} processes": args.workers}
    rates: dict[str, list[float]] = {name: [] for name in sides}
    entries = 0
    for _ in range(args.rounds):
        for name, workers in sides.items():
            began = time.perf_counter()
            report = verify_ledger_parallel(workers)
            rates[name].append(report.entries / (time.perf_counter() - began))
            if not report.ok:
                print(f"verify-ledger failed: {report.first_bad}")
                return 1
            entries = report.entries
    print(f"verify-ledger on {entries:,} entries, {args.rounds} rounds")
    print(f"{'side':34} {'min':>8} {'median':>8} {'max':>8}  entries/s")
    for name, values in rates.items():
        print(f"{name:34} {_spread(values)}")
    best = statistics.median(rates[f"{args.workers} processes"])
    print(f"{args.workers} processes: median {best:,.0f} entries/s (target >= {TARGET:,})")
    return 0
