"""python -m bench scale [--residents 100000] [--entries 1000000] [--big] [--runs 5] [--database-url URL]

Does any page cost more as the ledger grows? Seeds the demo city plus `residents` residents, grows the ledger
to `--small` entries, keeps a copy of that database, then grows it to `--entries` (10 million with --big), each
a valid hash chain per resident (`verify-ledger` passes), folding the rollups at each size. Then every page of
the menu, as each role that sees it, is timed on both databases side by side (bench/scale_pages.py: a worker
process per size, one warm-up run each, then `--runs` rounds alternating which size goes first): server time of
one AppTest run of the page, app.py, navigation and all. Prints one row a page and role with each size's
min / median / max and the ratio of the medians; the target (issue 15) is at most 1.3. Bulk rows go in by
executemany on SQLite and COPY on PostgreSQL, where the copy is a database named after the given one plus
"_small".
"""
import argparse
import os
import random
import time
from datetime import UTC, datetime, timedelta

from bench.dashboard import DISTRICTS, in_scratch_folder
from bench.ledger import SECRET, _spread
from bench.scale_pages import interleaved

BATCH = 20_000
TARGET_RATIO = 1.3
ACTIONS = ("metro", "bus", "bike", "walk", "paper", "plastic", "glass", "metal")


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench scale")
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000, help="ledger entries at the first size")
    parser.add_argument("--entries", type=int, default=1_000_000, help="ledger entries at the second size")
    parser.add_argument("--big", action="store_true", help="10 million entries at the second size")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    parser.add_argument("--retime", nargs=2, metavar=("SMALL_URL", "LARGE_URL"),
                        help="only time the pages on two databases an earlier run grew (its copy and its own)")
    parser.add_argument("--pages", help="only these page keys, comma-separated")
    return parser.parse_args(argv)


def _bulk(connection, table, rows: list[dict]) -> None:
    """COPY on PostgreSQL (the fastest way in), executemany elsewhere."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(table.insert(), rows)
        return
    names = list(rows[0])
    cursor = connection.connection.driver_connection.cursor()
    quoted = connection.dialect.identifier_preparer.format_table(table)  # "user" is a reserved word there
    with cursor.copy(f"COPY {quoted} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[name] for name in names])


class City:
    """The synthetic residents and each one's chain head, so the ledger can grow in steps."""

    def __init__(self, residents: int) -> None:
        self.rng = random.Random(15)
        self.first_user = 0
        self.count = residents
        self.heads: dict[int, list] = {}  # user id -> [points, co2e_g, last seq, head hash]
        self.next_id = 1
        self.start = datetime.now(UTC) - timedelta(days=365)

    def add_residents(self) -> None:
        from db.engine import get_engine
        from db.models import Balance, User
        from points.ledger.chain import GENESIS_HASH

        with get_engine().begin() as connection:
            self.first_user = connection.exec_driver_sql("SELECT coalesce(max(id), 0) + 1 FROM user"
                                                         if connection.dialect.name == "sqlite" else
                                                         'SELECT coalesce(max(id), 0) + 1 FROM "user"').scalar_one()
            self.next_id = connection.exec_driver_sql("SELECT coalesce(max(id), 0) + 1 FROM ledgerentry").scalar_one()
            users = [dict(id=self.first_user + i, username=f"scale{i}", display_name=f"Scale {i}", password_hash="x",
                          role="resident", district=DISTRICTS[i % len(DISTRICTS)], failed_signins=0, disabled=False,
                          leaderboard_opt_in=i % 3 == 0, elder_mode=False, created_at=self.start)
                     for i in range(self.count)]
            for begin in range(0, len(users), BATCH):
                _bulk(connection, User.__table__, users[begin:begin + BATCH])
            _bulk(connection, Balance.__table__, [
                dict(user_id=user["id"], points=0, co2e_g=0, last_seq=0, head_hash=GENESIS_HASH,
                     updated_at=self.start) for user in users])
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("SELECT setval(pg_get_serial_sequence('\"user\"', 'id'), "
                                           "(SELECT max(id) FROM \"user\"))")
        for user in users:
            self.heads[user["id"]] = [0, 0, 0, GENESIS_HASH]

    def grow(self, entries: int) -> None:
        """Append earn entries for random residents until the ledger holds `entries`, hash-chained."""
        from db.engine import get_engine
        from db.models import LedgerEntry
        from points.ledger.chain import chain_hash

        with get_engine().begin() as connection:
            have = connection.exec_driver_sql("SELECT count(*) FROM ledgerentry").scalar_one()
            batch: list[dict] = []
            for i in range(have, entries):
                user_id = self.first_user + self.rng.randrange(self.count)
                head = self.heads[user_id]
                points = self.rng.randint(10, 3000)
                values = dict(id=self.next_id, user_id=user_id, seq=head[2] + 1, kind="earn", points=points,
                              co2e_g=points, action_code=self.rng.choice(ACTIONS), action_type_id=None,
                              quantity=1.0, claim_id=None, redemption_id=None, checkin_id=None,
                              original_entry_id=None, reason=None, created_by=None,
                              created_at=self.start + timedelta(seconds=i * 30 % (365 * 86400)),
                              idempotency_key=f"scale:{self.next_id}", request_digest="scale")
                values["prev_hash"] = head[3]
                values["hash"] = chain_hash(head[3], values, SECRET)
                head[0], head[1], head[2], head[3] = head[0] + points, head[1] + points, head[2] + 1, values["hash"]
                self.next_id += 1
                batch.append(values)
                if len(batch) == BATCH:
                    _bulk(connection, LedgerEntry.__table__, batch)
                    batch = []
            _bulk(connection, LedgerEntry.__table__, batch)
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("SELECT setval(pg_get_serial_sequence('ledgerentry', 'id'), "
                                           "(SELECT max(id) FROM ledgerentry))")
            connection.exec_driver_sql("CREATE TEMP TABLE scale_heads (user_id INTEGER PRIMARY KEY, points INTEGER, "
                                       "co2e_g INTEGER, last_seq INTEGER, head_hash TEXT)")
            connection.exec_driver_sql("INSERT INTO scale_heads VALUES (?, ?, ?, ?, ?)" if connection.dialect.name
                                       == "sqlite" else "INSERT INTO scale_heads VALUES (%s, %s, %s, %s, %s)",
                                       [(user, *head) for user, head in self.heads.items() if head[2]])
            connection.exec_driver_sql(
                "UPDATE balance SET points = h.points, co2e_g = h.co2e_g, last_seq = h.last_seq, "
                "head_hash = h.head_hash FROM scale_heads h WHERE balance.user_id = h.user_id")
            connection.exec_driver_sql("DROP TABLE scale_heads")


def refresh_statistics() -> None:
    """VACUUM ANALYZE after a bulk load, as autovacuum does on its own in a city's database. Without statistics
    (this machine's PostgreSQL runs with autovacuum off) the planner takes the freshly copied ledger for empty and
    folds each rollup batch by sorting millions of rows: 1,700 entries a second instead of 10,000; without the
    visibility map a count read down an index (the boards' ranks) visits every row's page as well."""
    from db.engine import get_engine

    with get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if connection.dialect.name == "postgresql":  # SQLite plans without statistics, in the portal too
            connection.exec_driver_sql("VACUUM ANALYZE")


def snapshot(suffix: str) -> str:
    """A copy of the database as it is now, for timing this size beside the next: its URL.

    PostgreSQL copies by CREATE DATABASE ... TEMPLATE (no session may be connected to the source meanwhile);
    SQLite by its online backup API."""
    import sqlite3

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from db.engine import get_engine

    engine = get_engine()
    url = make_url(os.environ["DATABASE_URL"])
    engine.dispose()
    if url.get_backend_name() == "sqlite":
        copy = f"{url.database}.{suffix}"
        with sqlite3.connect(url.database) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        return f"sqlite:///{copy}"
    name = f"{url.database}_{suffix}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"')
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def main(argv) -> int:
    os.environ["GREEN_EGRET_SECRET"] = SECRET  # the chains below are hashed with it
    return in_scratch_folder(parse(argv), run)


def print_timings(urls, sizes: list[str], args) -> float:
    """Both sizes' pages side by side, one row a page and role; returns the worst ratio of medians."""
    timings = interleaved(*urls, rounds=args.runs, pages=args.pages.split(",") if args.pages else None)
    print(f"{'page':16} {'role':12} {sizes[0]:>23} {sizes[1]:>23}  ratio of medians")
    print(f"{'':29} {'min  median     max':>23} {'min  median     max':>23}  (server ms, {args.runs} rounds)")
    worst = 0.0
    for (key, role), timing in timings.items():
        worst = max(worst, timing.ratio)
        flag = "" if timing.ratio <= TARGET_RATIO else f"  over {TARGET_RATIO}x"
        print(f"{key:16} {role:12} {_spread(timing.small)} {_spread(timing.large)}  {timing.ratio:5.2f}{flag}")
    print(f"worst ratio {worst:.2f} (target <= {TARGET_RATIO})")
    return worst


def run(args) -> int:
    if args.retime:
        print_timings(args.retime, ["small", "large"], args)
        return 0
    from sqlmodel import Session

    from db.engine import get_engine
    from db.migrate import upgrade
    from points.demo.seed import seed
    from points.ledger.verify import verify_ledger
    from points.reports.rollups import refresh_rollups

    upgrade()
    seed(demo=True)
    city = City(args.residents)
    city.add_residents()
    sizes = (args.small, 10_000_000 if args.big else args.entries)
    urls = []
    for size in sizes:
        began = time.perf_counter()
        city.grow(size)
        refresh_statistics()
        refresh_rollups()
        refresh_statistics()
        print(f"ledger grown to {size:,} entries for {args.residents:,} residents in "
              f"{time.perf_counter() - began:.1f} s ({get_engine().dialect.name})", flush=True)
        urls.append(snapshot("small") if size == sizes[0] else os.environ["DATABASE_URL"])
    began = time.perf_counter()
    with Session(get_engine()) as session:
        report = verify_ledger(session)
    seconds = time.perf_counter() - began
    print(f"verify-ledger: {'ok' if report.ok else report.first_bad}, {report.entries:,} entries in {seconds:.1f} s "
          f"({report.entries / seconds:,.0f} entries/s; target >= 50,000)", flush=True)
    get_engine().dispose()
    print_timings(urls, [f"{size:,}" for size in sizes], args)
    return 0 if report.ok else 1
