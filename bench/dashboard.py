"""python -m bench dashboard [--entries N] [--users N] [--database-url URL]

Bulk-inserts a synthetic city (users, a million ledger entries, check-ins), folds the rollups, then times the
dashboard's, the leaderboards' and the ledger browser's queries as server time (median and 95th percentile). Target: the
dashboard under 300 ms. Synthetic entries carry placeholder hashes: this measures reads, not the chain.
"""
import argparse
import os
import random
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

BATCH = 20_000
DISTRICTS = ("思明", "湖里", "集美", "海沧", "同安", "翔安")
ACTIONS = (("metro", "trip"), ("bus", "trip"), ("bike", "trip"), ("paper", "waste"), ("plastic", "waste"),
           ("kitchen", "waste"), ("electricity", "energy"), ("volunteer", "volunteer"))
KIND_WEIGHTS = (("earn", 90), ("redeem", 7), ("reversal", 2), ("adjust", 1))


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench dashboard")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--checkins", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    return parser.parse_args(argv)


def configure(args) -> str:
    """Environment first: settings and the engine are read from it. Returns the scratch folder."""
    folder = tempfile.mkdtemp(prefix="bench-dashboard-")
    os.environ["GREEN_EGRET_DATA_DIR"] = folder
    os.environ.setdefault("GREEN_EGRET_SECRET", "bench-secret")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{folder}/bench.db"
    return folder


def insert_batches(connection, table, rows) -> None:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            connection.execute(table.insert(), batch)
            batch = []
    if batch:
        connection.execute(table.insert(), batch)


def build(args) -> None:
    """Users, catalogue, entries spread over `days` in id order, balances and check-ins, in bulk.

    Expects an empty database: users and checkpoints get ids 1..N in insertion order.
    """
    from db.engine import get_engine
    from db.models import ActionType, Balance, CheckIn, Checkpoint, LedgerEntry, User

    rng = random.Random(6)
    start = datetime.now(UTC) - timedelta(days=args.days)
    kinds = [kind for kind, weight in KIND_WEIGHTS for _ in range(weight)]
    totals = [[0, 0, 0, start] for _ in range(args.users)]  # points, co2e, last seq, last time
    with get_engine().begin() as connection:
        insert_batches(connection, User.__table__, (
            dict(username=f"bench{i}", display_name=f"Bench {i}", password_hash="x", role="resident",
                 district=DISTRICTS[i % len(DISTRICTS)], failed_signins=0, disabled=False,
                 leaderboard_opt_in=i % 3 == 0, nickname=f"N{i}", created_at=start) for i in range(args.users)))
        insert_batches(connection, ActionType.__table__, (
            dict(code=code, version=1, current=True, category=category, name_zh=code, name_en=code, unit="u",
                 factor_g=50.0, factor_kind="reduction", credit_share=1.0, verification="self", source="bench",
                 year="", confidence="", provisional=False, active=True, created_at=start)
            for code, category in ACTIONS))

        def entries():
            for i in range(args.entries):
                user = rng.randrange(args.users)
                kind = rng.choice(kinds)
                points = rng.randint(10, 3000) * (-1 if kind in ("redeem", "reversal") else 1)
                co2e = 0 if kind == "redeem" else points
                created = start + timedelta(seconds=args.days * 86400 * i / args.entries)
                total = totals[user]
                total[0] += points
                total[1] += co2e
                total[2] += 1
                total[3] = created
                yield dict(user_id=user + 1, seq=total[2], kind=kind, points=points, co2e_g=co2e,
                           action_code=None if kind == "redeem" else rng.choice(ACTIONS)[0], created_at=created,
                           idempotency_key=f"bench:{i}", request_digest="bench", prev_hash="0" * 64, hash="0" * 64)

        insert_batches(connection, LedgerEntry.__table__, entries())
        insert_batches(connection, Balance.__table__, (
            dict(user_id=i + 1, points=total[0], co2e_g=total[1], last_seq=total[2], head_hash="0" * 64,
                 updated_at=total[3]) for i, total in enumerate(totals)))
        insert_batches(connection, Checkpoint.__table__, (
            dict(kind="station", title_zh=f"站点{i}", title_en=f"Station {i}", starts_at=start,
                 ends_at=start + timedelta(days=args.days), action_code="paper", rotating=False, status="open",
                 description_zh="", description_en="", created_at=start) for i in range(200)))
        insert_batches(connection, CheckIn.__table__, (
            dict(checkpoint_id=rng.randrange(200) + 1, user_id=i % args.users + 1, period=f"p{i}",
                 checked_in_at=start, status="credited") for i in range(args.checkins)))


def timed(label: str, runs: int, call) -> float:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    median = statistics.median(samples)
    p95 = sorted(samples)[max(0, int(len(samples) * 0.95) - 1)]
    print(f"{label:<42} median {median:8.1f} ms   p95 {p95:8.1f} ms")
    return median


def in_scratch_folder(args, run) -> int:
    """run(args) with settings pointing at a new temporary folder (and its SQLite file unless a URL was given),
    removed afterwards. bench scale runs the same way."""
    folder = configure(args)
    try:
        return run(args)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv) -> int:
    return in_scratch_folder(parse(argv), run)


def run(args) -> int:
    from db.engine import get_engine, read_session
    from db.migrate import upgrade
    from points.accounts.passwords import new_password
    from points.accounts.users import create_user
    from points.ledger.browser import LedgerFilter, browse
    from points.reports.dashboard import city_dashboard, open_data_csv
    from points.reports.rollups import refresh_rollups
    from points.score.leaderboard import PERIODS, board

    upgrade()
    began = time.perf_counter()
    build(args)
    print(f"built {args.entries:,} entries, {args.users:,} users, {args.checkins:,} check-ins on "
          f"{get_engine().dialect.name} in {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    folded = refresh_rollups()
    print(f"first refresh folded {folded:,} entries in {time.perf_counter() - began:.1f} s")
    timed("incremental refresh, nothing new", args.runs, refresh_rollups)
    from db.engine import write_session

    secret = new_password("bench-admin-password")  # hashed before the write, as the portal does
    with write_session() as session:
        admin = create_user(session, username="bench-admin", password=secret, role="admin")
    with read_session() as session:
        figures = city_dashboard(session, actor_id=admin.id)
    print(f"dashboard: issued {figures.points.issued:,}, outstanding {figures.points.outstanding:,}, "
          f"active {figures.active_residents:,}")

    def read(call):
        def run():
            with read_session() as session:
                call(session)
        return run

    result = timed("dashboard (all figures)", args.runs, read(lambda s: city_dashboard(s, actor_id=admin.id)))
    timed("open data CSV", args.runs, read(lambda s: open_data_csv(s, actor_id=admin.id)))
    middle = args.entries // 2
    for label, filters, before in (("ledger page 1, no filter", LedgerFilter(), None),
                                   ("ledger deep page (id < middle)", LedgerFilter(), middle),
                                   ("ledger page, kind=adjust", LedgerFilter(kind="adjust"), None),
                                   ("ledger page, one resident", LedgerFilter(username="bench42"), None),
                                   ("ledger page, status=reversed", LedgerFilter(status="reversed"), None)):
        timed(label, args.runs, read(lambda s, f=filters, b=before: browse(s, actor_id=admin.id, filters=f,
                                                                              before_id=b)))
    for period in PERIODS:
        timed(f"leaderboard, {period}", args.runs, read(lambda s, p=period: board(s, period=p, viewer_id=42)))
        timed(f"leaderboard, {period}, one district", args.runs,
              read(lambda s, p=period: board(s, period=p, district=DISTRICTS[0], viewer_id=42)))
    print(f"target: dashboard under 300 ms -> {'met' if result < 300 else 'NOT met'} ({result:.1f} ms median)")
    return 0
