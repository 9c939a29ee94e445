"""python -m bench ledger [-n N]: credits through the domain API against the same writes in plain sqlite3.

Both run on SQLite files in one temporary folder with WAL and synchronous=FULL, one transaction per credit.
The sides take turns in rounds, so a slow spell of the disk does not land on one side only.
The domain numbers include everything a resident's claim costs: role check, balance lock, idempotency lookup,
catalogue version, cap query, claim row, hash-chained entry and balance update.
"""
import argparse
import hashlib
import hmac
import os
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

SECRET = "bench-secret"
USERS = 8
PLAIN_SCHEMA = """
CREATE TABLE balance (user_id INTEGER PRIMARY KEY, points INTEGER NOT NULL, last_seq INTEGER NOT NULL,
                      head_hash TEXT NOT NULL);
CREATE TABLE entry (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, seq INTEGER NOT NULL, points INTEGER NOT NULL,
                    idempotency_key TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, prev_hash TEXT NOT NULL,
                    hash TEXT NOT NULL, UNIQUE (user_id, seq));
"""


def plain_sqlite(path: Path) -> Callable[[range], float]:
    """Credits in plain sqlite3: BEGIN IMMEDIATE, read balance, next id, HMAC, insert entry, update balance, COMMIT.

    Like points.ledger.post, the id is taken (max + 1, safe under the write lock) before hashing, as it is hashed.
    """
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.executescript(PLAIN_SCHEMA)
    connection.executemany("INSERT INTO balance VALUES (?, 0, 0, ?)", [(u, "0" * 64) for u in range(USERS)])

    def credit(indices: range) -> float:
        started = time.perf_counter()
        for i in indices:
            user_id = i % USERS
            connection.execute("BEGIN IMMEDIATE")
            points, seq, head = connection.execute(
                "SELECT points, last_seq, head_hash FROM balance WHERE user_id = ?", (user_id,)).fetchone()
            entry_id, = connection.execute("SELECT coalesce(max(id), 0) + 1 FROM entry").fetchone()
            created_at = datetime.now(UTC).isoformat()
            key = f"claim:{uuid.uuid4()}"
            digest = hmac.new(SECRET.encode(), f"{head}{entry_id}{user_id}{seq + 1}23{key}{created_at}".encode(),
                              hashlib.sha256).hexdigest()
            connection.execute("INSERT INTO entry (id, user_id, seq, points, idempotency_key, created_at, prev_hash, "
                               "hash) VALUES (?, ?, ?, 23, ?, ?, ?, ?)",
                               (entry_id, user_id, seq + 1, key, created_at, head, digest))
            connection.execute("UPDATE balance SET points = ?, last_seq = ?, head_hash = ? WHERE user_id = ?",
                               (points + 23, seq + 1, digest, user_id))
            connection.execute("COMMIT")
        return time.perf_counter() - started
    return credit


def bench_users(prefix: str) -> list[int]:
    from db.engine import write_session
    from points.accounts.passwords import new_password
    from points.accounts.users import create_user

    secret = new_password("bench-password-9")  # hashed once, before the write: argon2 never holds the lock
    with write_session() as session:
        return [create_user(session, username=f"{prefix}{u}", password=secret).id for u in range(USERS)]


def domain_claims() -> Callable[[range], float]:
    """Credits through points.claims.submit_claim, each in its own write_session()."""
    from db.engine import write_session
    from points.catalogue.actions import load_catalogue
    from points.claims.lifecycle import submit_claim

    with write_session() as session:
        load_catalogue(session)
    users = bench_users("bench")
    now = datetime.now(UTC)

    def credit(indices: range) -> float:
        started = time.perf_counter()
        for i in indices:
            when = now - timedelta(days=(i // USERS) % 8)  # spread over the 8 loggable days to stay under caps
            with write_session() as session:
                submit_claim(session, user_id=users[i % USERS], action_code="metro", quantity=0.5,
                             occurred_at=when, idempotency_key=f"claim:{uuid.uuid4()}", now=now)
        return time.perf_counter() - started
    return credit


def ledger_post() -> Callable[[range], float]:
    """Credits through points.ledger.post alone (lock, idempotency, hash chain, balance)."""
    from db.engine import write_session
    from points.ledger.chain import post

    users = bench_users("post")

    def credit(indices: range) -> float:
        started = time.perf_counter()
        for i in indices:
            with write_session() as session:
                post(session, user_id=users[i % USERS], kind="earn", points=23, co2e_g=23,
                     idempotency_key=f"bench:{uuid.uuid4()}", request={"points": 23}, action_code="metro",
                     quantity=0.5)
        return time.perf_counter() - started
    return credit


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench ledger")
    parser.add_argument("-n", type=int, default=1000, help="credits per side (default 1000)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="the sides take turns in this many rounds, so a slow spell of the disk hits all alike")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="green-egret-bench-"))
    os.environ.update({"DATABASE_URL": f"sqlite:///{folder / 'domain.db'}", "GREEN_EGRET_DATA_DIR": str(folder),
                       "GREEN_EGRET_SECRET": SECRET})
    from db.migrate import upgrade

    upgrade()
    sides = {"plain": plain_sqlite(folder / "plain.db"), "post": ledger_post(), "claim": domain_claims()}
    seconds = dict.fromkeys(sides, 0.0)
    round_ratios = []
    bounds = [args.n * r // args.rounds for r in range(args.rounds + 1)]
    for start, stop in zip(bounds, bounds[1:], strict=False):
        taken = {name: credit(range(start, stop)) for name, credit in sides.items()}
        round_ratios.append(taken["plain"] / taken["post"])
        for name, elapsed in taken.items():
            seconds[name] += elapsed
    plain, posts, claims = (args.n / seconds[name] for name in sides)
    print(f"plain sqlite3       : {plain:8.1f} credits/s")
    print(f"points.ledger.chain.post  : {posts:8.1f} credits/s  ratio {posts / plain:6.1%}  (goal >= 35%; rounds "
          f"{min(round_ratios):.1%} to {max(round_ratios):.1%})")
    print(f"claims.submit_claim : {claims:8.1f} credits/s  ratio {claims / plain:6.1%}  (a whole resident claim)")
    return 0
