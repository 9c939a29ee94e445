"""python -m bench ledger [-n N] [--rounds R]: the domain's write paths against plain sqlite3 doing the same rows.

The same work on both sides: two copies of one migrated database (the same tables, indexes, keys and the
ledger's append-only triggers), the same residents and catalogue, the same PRAGMAs (WAL, synchronous=FULL), one
transaction per credit, the same statements (the plain side runs the domain's own compiled SQL, see
DriverStatement.sql) and the same HMAC chain hash. What differs is only what the domain adds: SQLAlchemy's
session and transaction, its ORM reads and the Python rules around them.

A warm-up round first (not counted); then the sides take turns in rounds, each round in a rotated order, so a
slow spell of the disk lands on every side alike. Each side's credits/s are min/median/max over the rounds; a
ratio is the median of the per-round ratios, each taken within one round.
"""
import argparse
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

SECRET = "bench-secret"
USERS = 8
ACTION = "metro"
QUANTITY = 0.5
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy's SQLite DateTime stores a datetime
Side = Callable[[range], float]  # credits the given indices, returns the seconds taken


def _sql(statement) -> str:
    from sqlalchemy.dialects import sqlite

    return statement.sql(sqlite.dialect())[0]


def _plain_connection(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        connection.execute(f"PRAGMA {pragma}")
    return connection


class PlainStatements:
    """The domain's statements as text (SQLite's dialect)."""

    def __init__(self) -> None:
        from points.catalogue.actions import CURRENT_ACTION
        from points.claims.channels import DAY_CLAIMS
        from points.claims.lifecycle import ACTIVE_ACCOUNT, CLAIM_ID_BY_KEY, INSERT_CLAIM
        from points.ledger.chain import ADD_TO_BALANCE, INSERT_NEW_KEY, NEXT_ROWID, READ_TOTALS

        self.user, self.action = _sql(ACTIVE_ACCOUNT), _sql(CURRENT_ACTION)
        self.totals, self.next_id = _sql(READ_TOTALS), _sql(NEXT_ROWID)
        from sqlalchemy.dialects import sqlite

        self.entry, self.entry_names = INSERT_NEW_KEY.sql(sqlite.dialect())
        self.balance = _sql(ADD_TO_BALANCE)
        self.claim_by_key, self.day, self.claim = _sql(CLAIM_ID_BY_KEY), _sql(DAY_CLAIMS), _sql(INSERT_CLAIM)


def _post_plain(connection: sqlite3.Connection, sql: PlainStatements, *, user_id: int, points: int, co2e_g: int,
                key: str, request: dict, now: datetime, claim_id: int | None = None,
                action_type_id: int | None = None, quantity: float | None = None) -> None:
    """points.ledger.chain.post's statements and hash, inside the caller's transaction."""
    from points.ledger.chain import chain_hash, request_digest

    _points, seq, head = connection.execute(sql.totals, (user_id,)).fetchone()
    entry_id = connection.execute(sql.next_id).fetchone()[0]
    values = {"id": entry_id, "user_id": user_id, "seq": seq + 1, "kind": "earn", "points": points,
              "co2e_g": co2e_g, "action_code": ACTION, "action_type_id": action_type_id, "quantity": quantity,
              "claim_id": claim_id, "redemption_id": None, "checkin_id": None, "original_entry_id": None,
              "reason": None, "created_by": None, "created_at": now, "idempotency_key": key,
              "request_digest": request_digest(request), "prev_hash": head}
    values["hash"] = chain_hash(head, values, SECRET)
    stored = {**values, "created_at": now.strftime(TIME_FORMAT)}
    connection.execute(sql.entry, tuple(stored[name] for name in sql.entry_names)).fetchone()
    connection.execute(sql.balance, (points, co2e_g, seq + 1, values["hash"], stored["created_at"], user_id))


def plain_post(path: Path, users: list[int]) -> Side:
    connection, sql = _plain_connection(path), PlainStatements()

    def credit(indices: range) -> float:
        started = time.perf_counter()
        for i in indices:
            connection.execute("BEGIN IMMEDIATE")
            _post_plain(connection, sql, user_id=users[i % USERS], points=23, co2e_g=23, key=f"bench:{uuid.uuid4()}",
                        request={"points": 23}, now=datetime.now(UTC))
            connection.execute("COMMIT")
        return time.perf_counter() - started
    return credit


def plain_claim(path: Path, users: list[int]) -> Side:
    """submit_claim's statements for a self-reported trip credited at once: role, lock, key, catalogue, the
    day's claims for the caps, the claim row, then the ledger entry and balance."""
    from points.catalogue.carbon import credit_for
    from points.claims.channels import room_left, share_for
    from points.common.clock import local_day

    connection, sql = _plain_connection(path), PlainStatements()
    connection.row_factory = sqlite3.Row
    now = datetime.now(UTC)

    def credit(indices: range) -> float:
        from db.models import ActionType
        from points.claims.channels import DayUse

        started = time.perf_counter()
        for i in indices:
            user_id, when, key = users[i % USERS], _when(now, i), f"claim:{uuid.uuid4()}"
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(sql.user, (user_id,)).fetchone()  # the account is active
            connection.execute(sql.totals, (user_id,)).fetchone()
            connection.execute(sql.claim_by_key, (key,)).fetchone()
            action = ActionType.model_construct(**dict(connection.execute(sql.action, (ACTION,)).fetchone()))
            day = local_day(when).isoformat()
            used = sum(row[4] for row in connection.execute(sql.day, (user_id, ACTION, day)).fetchall())
            room = room_left(action, DayUse(used, used, False, ()), source="self")
            credited = min(QUANTITY, room) if room is not None else QUANTITY
            worth = credit_for(action, credited, points_per_unit=None, share=share_for(action, source="self"))
            claim_id = connection.execute(sql.claim, (
                user_id, action.id, ACTION, QUANTITY, when.strftime(TIME_FORMAT), day, "auto", None, None, None,
                None, None, worth.co2e_g, worth.points, None, None, None, key, now.strftime(TIME_FORMAT), "self",
                None)).fetchone()[0]
            request = {"claim_id": claim_id, "action_type_id": action.id, "quantity": credited,
                       "points": worth.points, "co2e_g": worth.co2e_g}
            _post_plain(connection, sql, user_id=user_id, points=worth.points, co2e_g=worth.co2e_g, key=key,
                        request=request, now=now, claim_id=claim_id, action_type_id=action.id, quantity=credited)
            connection.execute("COMMIT")
        return time.perf_counter() - started
    return credit


def _when(now: datetime, i: int) -> datetime:
    """Spread over the 8 loggable days, so the caps leave room on both sides alike."""
    return now - timedelta(days=(i // USERS) % 8)


def domain_post(users: list[int]) -> Side:
    """points.ledger.chain.post alone (lock, idempotency, hash chain, balance), each in its own write_session()."""
    from db.engine import write_session
    from points.ledger.chain import post

    def credit(indices: range) -> float:
        started = time.perf_counter()
        for i in indices:
            with write_session() as session:
                post(session, user_id=users[i % USERS], kind="earn", points=23, co2e_g=23,
                     idempotency_key=f"bench:{uuid.uuid4()}", request={"points": 23}, action_code=ACTION)
        return time.perf_counter() - started
    return credit


def domain_claim(users: list[int]) -> Side:
    """A whole resident claim through points.claims.lifecycle.submit_claim, each in its own write_session()."""
    from db.engine import write_session
    from points.claims.lifecycle import submit_claim

    now = datetime.now(UTC)

    def credit(indices: range) -> float:
        started = time.perf_counter()
        for i in indices:
            with write_session() as session:
                submit_claim(session, user_id=users[i % USERS], action_code=ACTION, quantity=QUANTITY,
                             occurred_at=_when(now, i), idempotency_key=f"claim:{uuid.uuid4()}", now=now)
        return time.perf_counter() - started
    return credit


def seeded_copies(folder: Path) -> tuple[Path, list[int]]:
    """Migrate and seed the domain's database, then copy it whole for the plain side: one schema, one start."""
    from db.engine import get_engine, write_session
    from db.migrate import upgrade
    from points.accounts.passwords import new_password
    from points.accounts.users import create_user
    from points.catalogue.actions import load_catalogue

    upgrade()
    password = new_password("bench-password-9")  # hashed once, before the write: argon2 never holds the lock
    with write_session() as session:
        load_catalogue(session)
        users = [create_user(session, username=f"bench{u}", password=password).id for u in range(USERS)]
    get_engine().dispose()
    shutil.copyfile(folder / "domain.db", folder / "plain.db")
    return folder / "plain.db", users


def run_rounds(sides: dict[str, Side], *, n: int, rounds: int) -> dict[str, list[float]]:
    """Credits/s of each side in each round; a warm-up round first, the order rotated every round."""
    per_round = max(1, n // rounds)
    names = list(sides)
    for name in names:  # warm-up: caches, compiled statements, the files' first pages
        sides[name](range(n, n + per_round // 5 + 1))
    rates: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            rates[name].append(per_round / sides[name](range(r * per_round, (r + 1) * per_round)))
    return rates


def _spread(values: list[float]) -> str:
    return f"{min(values):8.1f} {statistics.median(values):8.1f} {max(values):8.1f}"


def report(rates: dict[str, list[float]], pairs: list[tuple[str, str, str]]) -> None:
    print(f"{'side':34} {'min':>8} {'median':>8} {'max':>8}  credits/s")
    for name, values in rates.items():
        print(f"{name:34} {_spread(values)}")
    for domain, plain, goal in pairs:
        ratios = [d / p for d, p in zip(rates[domain], rates[plain], strict=True)]
        print(f"{domain} / {plain}: median {statistics.median(ratios):.1%} (rounds {min(ratios):.1%} to "
              f"{max(ratios):.1%}; goal {goal})")


def chains_valid(path: Path) -> bool:
    """verify-ledger on a side's file: the plain side did the domain's work only if its chains verify too."""
    from sqlmodel import Session

    from db.engine import engine_for
    from points.ledger.verify import verify_ledger

    with Session(engine_for(f"sqlite:///{path}")) as session:
        found = verify_ledger(session)
    print(f"verify-ledger {path.name}: {'ok' if found.ok else found.first_bad}, {found.entries} entries")
    return found.ok


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench ledger")
    parser.add_argument("-n", type=int, default=2000, help="credits per side (default 2000)")
    parser.add_argument("--rounds", type=int, default=10, help="rounds the sides take turns in (default 10)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="green-egret-bench-"))
    os.environ.update({"DATABASE_URL": f"sqlite:///{folder / 'domain.db'}", "GREEN_EGRET_DATA_DIR": str(folder),
                       "GREEN_EGRET_SECRET": SECRET})
    plain_db, users = seeded_copies(folder)
    sides = {"claim: submit_claim": domain_claim(users), "claim: plain sqlite3": plain_claim(plain_db, users),
             "post: ledger.chain.post": domain_post(users), "post: plain sqlite3": plain_post(plain_db, users)}
    rates = run_rounds(sides, n=args.n, rounds=args.rounds)
    print(f"{args.n} credits a side in {args.rounds} rounds, SQLite WAL synchronous=FULL, {USERS} residents")
    report(rates, [("claim: submit_claim", "claim: plain sqlite3", ">= 50%"),
                   ("post: ledger.chain.post", "post: plain sqlite3", ">= 50%")])
    valid = all([chains_valid(folder / "domain.db"), chains_valid(plain_db)])
    shutil.rmtree(folder, ignore_errors=True)
    return 0 if valid else 1
