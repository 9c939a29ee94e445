"""python -m bench claims-pg --database-url URL [--writers 16] [--rounds 6] [--seconds 5]

Many residents claiming at once on PostgreSQL: `writers` threads each submit whole resident claims through
points.claims.lifecycle.submit_claim, against the same number of threads running the same transaction in raw
psycopg (the domain's own compiled statements, FOR UPDATE lock, sequence and HMAC chain hash, one connection per
thread). The sides take turns in timed rounds (warm-up first); reported: claims/s min/median/max over the
rounds, the median of the per-round ratios, and each side's latency percentiles over all its claims.
Targets (issue 15): the domain at >= 50 % of raw psycopg, p99 under 100 ms. URL must be an empty database.
"""
import argparse
import os
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from bench.ledger import ACTION, QUANTITY, SECRET, _spread, _when

Claim = Callable[[int, int], None]  # (user id, index) -> one claim, committed


def postgres_sql(statement) -> str:
    """A prebuilt statement's (db.driver_statement) PostgreSQL text, for the raw psycopg side."""
    from sqlalchemy.dialects import postgresql

    return statement.sql(postgresql.dialect())[0]


def credit_sql() -> dict[str, str]:
    """The SQL of a verified or self-reported credit, by step: the domain's own prebuilt statements."""
    from points.catalogue.actions import CURRENT_ACTION
    from points.claims.channels import DAY_CLAIMS
    from points.claims.lifecycle import ACTIVE_ACCOUNT, CLAIM_ID_BY_KEY, INSERT_CLAIM
    from points.ledger.chain import ADD_TO_BALANCE, INSERT_NEW_KEY, LOCK_FOR_APPEND, NEXT_SERIAL, READ_TOTALS_FOR_UPDATE

    return {name: postgres_sql(statement) for name, statement in (
        ("user", ACTIVE_ACCOUNT), ("totals", READ_TOTALS_FOR_UPDATE), ("key", CLAIM_ID_BY_KEY),
        ("action", CURRENT_ACTION), ("day", DAY_CLAIMS), ("claim", INSERT_CLAIM), ("lock", LOCK_FOR_APPEND),
        ("serial", NEXT_SERIAL), ("entry", INSERT_NEW_KEY), ("balance", ADD_TO_BALANCE))}


def connect(url: str):
    """A psycopg connection of its own for one raw-side thread."""
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))


def raw_credit(cursor, sql: dict[str, str], *, user_id: int, when: datetime, now: datetime, key: str,
               source: str, action_code: str, quantity: float, checkpoint_id: int | None = None,
               status_reason: str | None = None) -> int:
    """A credit's transaction in raw psycopg from the account check on (the caller's transaction, a dict_row
    cursor), statement by statement as the domain runs it: catalogue row, the day's use and cap, the claim,
    the ledger entry with its chain hash, the balance. Returns the claim's id."""
    from db.models import ActionType
    from points.catalogue.carbon import credit_for
    from points.claims.channels import DayUse, room_left, share_for
    from points.common.clock import local_day
    from points.ledger.chain import chain_hash, request_digest

    cursor.execute(sql["user"], {"user": user_id})
    cursor.execute(sql["totals"], {"user": user_id})
    cursor.execute(sql["key"], {"key": key})
    action = ActionType.model_construct(**cursor.execute(sql["action"], {"code": action_code}).fetchone())
    day = local_day(when).isoformat()
    used = sum(row["coalesce_1"] for row in cursor.execute(
        sql["day"], {"user": user_id, "action": action_code, "day": day}).fetchall())
    room = room_left(action, DayUse(used, used, False, ()), source=source)
    credited = min(quantity, room) if room is not None else quantity
    worth = credit_for(action, credited, points_per_unit=None, share=share_for(action, source=source))
    claim_id = cursor.execute(sql["claim"], {
        "user_id": user_id, "action_type_id": action.id, "action_code": action_code, "quantity": quantity,
        "occurred_at": when, "local_day": day, "status": "auto", "status_reason": status_reason, "note": None,
        "photo": None, "photo_type": None, "checkpoint_id": checkpoint_id, "co2e_g": worth.co2e_g,
        "points": worth.points, "reviewer_id": None, "review_reason": None, "reviewed_at": None,
        "idempotency_key": key, "created_at": now, "source": source, "partner_id": None}).fetchone()["id"]
    totals = cursor.execute(sql["totals"], {"user": user_id}).fetchone()
    cursor.execute(sql["lock"])
    entry_id = cursor.execute(sql["serial"]).fetchone()["nextval"]
    request = {"claim_id": claim_id, "action_type_id": action.id, "quantity": credited,
               "points": worth.points, "co2e_g": worth.co2e_g}
    values = {"id": entry_id, "user_id": user_id, "seq": totals["last_seq"] + 1, "kind": "earn",
              "points": worth.points, "co2e_g": worth.co2e_g, "action_code": action_code,
              "action_type_id": action.id, "quantity": credited, "claim_id": claim_id,
              "redemption_id": None, "checkin_id": None, "original_entry_id": None, "reason": None,
              "created_by": None, "created_at": now, "idempotency_key": key,
              "request_digest": request_digest(request), "prev_hash": totals["head_hash"]}
    values["hash"] = chain_hash(totals["head_hash"], values, SECRET)
    cursor.execute(sql["entry"], values)
    cursor.execute(sql["balance"], {"add_points": worth.points, "add_co2e": worth.co2e_g, "seq": values["seq"],
                                    "head": values["hash"], "at": now, "user": user_id})
    return claim_id


def raw_claimer(url: str) -> Callable[[], Claim]:
    """A factory of per-thread raw psycopg claimers doing submit_claim's transaction statement by statement."""
    import psycopg

    sql = credit_sql()
    now = datetime.now(UTC)

    def make() -> Claim:
        connection = connect(url)

        def claim(user_id: int, i: int) -> None:
            with connection.transaction(), connection.cursor(row_factory=psycopg.rows.dict_row) as cursor:
                raw_credit(cursor, sql, user_id=user_id, when=_when(now, i), now=now, key=f"claim:{uuid.uuid4()}",
                           source="self", action_code=ACTION, quantity=QUANTITY)
        return claim
    return make


def domain_claimer() -> Callable[[], Claim]:
    from db.engine import write_session
    from points.claims.lifecycle import submit_claim

    now = datetime.now(UTC)

    def make() -> Claim:
        def claim(user_id: int, i: int) -> None:
            with write_session() as session:
                submit_claim(session, user_id=user_id, action_code=ACTION, quantity=QUANTITY,
                             occurred_at=_when(now, i), idempotency_key=f"claim:{uuid.uuid4()}", now=now)
        return claim
    return make


def timed_round(claimers: list[Claim], users: list, seconds: float, offset: int) -> tuple[int, list[float]]:
    """Every writer claims for its own resident until time is up; (claims made, latencies in seconds)."""
    latencies: list[list[float]] = [[] for _ in claimers]
    stop = time.perf_counter() + seconds

    def work(writer: int) -> None:
        i = offset
        while time.perf_counter() < stop:
            started = time.perf_counter()
            claimers[writer](users[writer], i)
            latencies[writer].append(time.perf_counter() - started)
            i += len(claimers)
    threads = [threading.Thread(target=work, args=(w,)) for w in range(len(claimers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    flat = [latency for writer in latencies for latency in writer]
    return len(flat), flat


def residents(count: int, prefix: str) -> list[int]:
    from db.engine import write_session
    from points.accounts.passwords import new_password
    from points.accounts.users import create_user

    password = new_password("bench-password-9")
    with write_session() as session:
        return [create_user(session, username=f"{prefix}{u}", password=password).id for u in range(count)]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def interleaved_rounds(claimers: dict[str, list[Claim]], users: dict[str, list], *, rounds: int,
                       seconds: float) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """A warm-up round a side, then the sides take turns (the first side alternating) in timed rounds:
    ({side: operations/s per round}, {side: every latency in seconds})."""
    for side in claimers:  # warm-up: connections, compiled statements, the tables' first pages
        timed_round(claimers[side], users[side], 1.0, offset=10**6)
    rates: dict[str, list[float]] = {side: [] for side in claimers}
    latencies: dict[str, list[float]] = {side: [] for side in claimers}
    sides = list(claimers)
    for r in range(rounds):
        for side in sides[r % 2:] + sides[:r % 2]:
            made, taken = timed_round(claimers[side], users[side], seconds, offset=r * 10**4)
            rates[side].append(made / seconds)
            latencies[side].extend(taken)
    return rates, latencies


def print_sides(rates: dict[str, list[float]], latencies: dict[str, list[float]], *, unit: str) -> None:
    """Each side's rate (min / median / max) and latency percentiles, then domain / psycopg per round."""
    print(f"{'side':10} {'min':>8} {'median':>8} {'max':>8}  {unit:9}  p50 / p95 / p99 ms")
    for side in rates:
        p50, p95, p99 = (1000 * percentile(latencies[side], q) for q in (0.5, 0.95, 0.99))
        print(f"{side:10} {_spread(rates[side])}            {p50:6.1f} / {p95:6.1f} / {p99:6.1f}")
    ratios = [d / p for d, p in zip(rates["domain"], rates["psycopg"], strict=True)]
    print(f"domain / psycopg: median {statistics.median(ratios):.1%} (rounds {min(ratios):.1%} to "
          f"{max(ratios):.1%}; goal >= 50%, p99 < 100 ms)")


def prepared_database(prog: str, argv: list[str]) -> argparse.Namespace:
    """The options every many-writers benchmark takes; the empty database migrated, the catalogue loaded."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--database-url", required=True, help="an empty PostgreSQL database")
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of one side's round")
    args = parser.parse_args(argv)
    os.environ.update({"DATABASE_URL": args.database_url, "GREEN_EGRET_SECRET": SECRET,
                       "GREEN_EGRET_DATA_DIR": tempfile.mkdtemp(prefix="green-egret-bench-")})
    from db.engine import write_session
    from db.migrate import upgrade
    from points.catalogue.actions import load_catalogue

    upgrade()
    with write_session() as session:
        load_catalogue(session)
    return args


def main(argv: list[str]) -> int:
    args = prepared_database("python -m bench claims-pg", argv)
    users = {"domain": residents(args.writers, "domain"), "psycopg": residents(args.writers, "raw")}
    makers = {"domain": domain_claimer(), "psycopg": raw_claimer(args.database_url)}
    claimers = {side: [make() for _ in range(args.writers)] for side, make in makers.items()}
    rates, latencies = interleaved_rounds(claimers, users, rounds=args.rounds, seconds=args.seconds)
    print(f"{args.writers} writers, {args.rounds} rounds of {args.seconds:g} s a side, PostgreSQL")
    print_sides(rates, latencies, unit="claims/s")
    return 0
