"""python -m bench partner [--rounds N] [--batches N] [--events N] [--residents N] [--server process|testclient]

Signed batches of partner events posted through the real HTTP route, against the same credits written straight
through the domain, in one run on one SQLite file (WAL, synchronous=FULL). Target: >= 2,000 events/s on SQLite.

- http: each batch is signed as a partner signs it and POSTed to /api/v1/partner/events of a real portal
  (`streamlit run app.py` in its own process; a new connection per batch, as uvicorn closes idle ones after
  5 s), or with --server testclient through Starlette's TestClient on the same st.App in this process. The
  figure is what a partner sees, request to response: signature, body, pydantic, duplicate and link lookups,
  the claims and ledger entries, the partner-event rows and the daily tally.
- direct: the same claims and ledger entries through points.claims.record_verified, one transaction per batch
  with the residents' balances locked in id order, as ingest_events does: what the rows cost without the API.

The sides take turns in every round (which side goes first alternates), so a slow spell of the disk hits both;
each side has its own residents (1000 by default: a batch names each once, a resident gets a few trips a day,
as a metro's would; a resident's credit costs more the more claims that day already holds, since the cap is
summed from them), so neither uses up the other's daily caps. Every event must come back
credited: anything else is counted and printed, and the exit status is 1, since a benchmark of refusals would
measure the wrong thing.
"""
import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-secret"
PATH = "/api/v1/partner/events"
QUANTITY = 0.5  # km of metro: 23 points, so 120 events a resident and day fit under the 60 km cap
EVENTS_PER_RESIDENT_DAY = 100  # the most the residents are given, safely under those 120
DAYS = 6  # events spread over the last six days, inside the seven the API accepts
START_TIMEOUT_SECONDS = 60


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench partner")
    parser.add_argument("--rounds", type=int, default=5, help="rounds in which the sides take turns (default 5)")
    parser.add_argument("--batches", type=int, default=4, help="batches per side and round (default 4)")
    parser.add_argument("--events", type=int, default=1000, help="events per batch (default 1000, the API's most)")
    parser.add_argument("--residents", type=int, default=1000,
                        help="linked residents per side (default 1000: one event each per batch, as a metro's "
                        "batch would be; raised when needed to stay under the daily caps)")
    parser.add_argument("--warmup", type=int, default=1, help="uncounted batches per side first, so the first "
                        "statement compilations and imports are not timed (default 1)")
    parser.add_argument("--server", choices=("process", "testclient"), default="process",
                        help="a real portal process (default) or Starlette's TestClient in this process")
    return parser.parse_args(argv)


def configure(folder: Path) -> dict[str, str]:
    """The environment of this process and of the portal it starts: the same database and secret."""
    settings = {"DATABASE_URL": f"sqlite:///{folder / 'bench.db'}", "GREEN_EGRET_DATA_DIR": str(folder),
                "GREEN_EGRET_SECRET": SECRET}
    os.environ.update(settings)
    return settings


def residents(prefix: str, count: int) -> list[int]:
    from db.engine import write_session
    from points.accounts.passwords import new_password
    from points.accounts.users import create_user

    password = new_password("bench-password-9")  # hashed once, before the write
    with write_session() as session:
        return [create_user(session, username=f"{prefix}{i}", password=password).id for i in range(count)]


def prepare(residents_per_side: int) -> tuple[int, str, list[str], list[int]]:
    """(partner id, its secret, the http side's subjects, the direct side's residents)."""
    from db.engine import write_session
    from db.migrate import upgrade
    from points.catalogue.actions import load_catalogue
    from points.partners.links import issue_link_code, link_by_code
    from points.partners.registry import MAX_RATE_LIMIT, create_partner

    upgrade()
    with write_session() as session:
        load_catalogue(session)
    linked, direct = residents("http", residents_per_side), residents("direct", residents_per_side)
    subjects = [f"card-{i}" for i in range(residents_per_side)]
    with write_session() as session:
        issued = create_partner(session, actor_id=None, name="bench-metro", kind="transit", actions=["metro"],
                                rate_limit_per_minute=MAX_RATE_LIMIT)
        assert issued.partner.id is not None
        for user_id, subject in zip(linked, subjects, strict=True):
            code = issue_link_code(session, user_id=user_id, partner_id=issued.partner.id)
            assert link_by_code(session, partner_id=issued.partner.id, code=code, subject=subject) == "linked"
    return issued.partner.id, issued.secret, subjects, direct


def events(batch: int, size: int, whose: list, now: datetime) -> list[tuple[str, object, datetime]]:
    """(id, resident or subject, when) for one batch: residents and days in turn, ids unique in the run."""
    return [(f"b{batch}-e{i}", whose[(batch * size + i) % len(whose)],
             now - timedelta(hours=1, days=(batch * size + i) // len(whose) % DAYS)) for i in range(size)]


@contextmanager
def portal_process(settings: dict[str, str]):
    """A real portal on a free port, on the bench's database; yields (poster of signed bodies, the portal's CPU
    seconds so far)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = open(Path(settings["GREEN_EGRET_DATA_DIR"]) / "portal.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                               "--server.address", "127.0.0.1"], cwd=ROOT, env={**os.environ, **settings},
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not _answers(f"http://127.0.0.1:{port}/healthz"):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the portal did not start; see {log.name}")
            time.sleep(0.2)

        def post(body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            try:
                connection.request("POST", PATH, body=body, headers=headers)
                response = connection.getresponse()
                return response.status, response.read()
            finally:
                connection.close()

        yield post, lambda: _cpu_seconds(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def _cpu_seconds(pid: int) -> float | None:
    """User and system CPU time of a process from /proc (Linux), every thread included; None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def test_client():
    """Starlette's TestClient on app.py's st.App: the same routes and middleware, no socket, no second process."""
    from starlette.testclient import TestClient

    from app import app

    client = TestClient(app)

    def post(body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        response = client.post(PATH, content=body, headers=headers)
        return response.status_code, response.content

    yield post, time.process_time  # the server runs in this process: its CPU time is this process's


def http_side(post: Callable, cpu: Callable, *, partner_id: int, secret: str, subjects: list[str],
              size: int) -> Callable:
    """One signed batch per call: (seconds from request to response, the server's CPU seconds, outcomes)."""
    from points.partners.signing import sign

    def run(batch: int) -> tuple[float, list[str]]:
        body = json.dumps({"events": [
            {"id": event_id, "subject": subject, "action": "metro", "quantity": QUANTITY,
             "occurred_at": when.isoformat()} for event_id, subject, when in events(batch, size, subjects,
                                                                                   datetime.now(UTC))]}).encode()
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", "X-Partner-Id": str(partner_id), "X-Timestamp": timestamp,
                   "X-Signature": sign(secret, timestamp=timestamp, body=body)}
        cpu_before, started = cpu(), time.perf_counter()
        status, answer = post(body, headers)
        taken, cpu_after = time.perf_counter() - started, cpu()
        if status != 200:
            raise RuntimeError(f"HTTP {status}: {answer[:300]!r}")
        used = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
        return taken, used, [result["outcome"] for result in json.loads(answer)["results"]]

    return run


def direct_side(*, partner_id: int, users: list[int], size: int) -> Callable:
    """The same credits through record_verified, one transaction per batch: (seconds, CPU seconds, outcomes)."""
    from db.engine import write_session
    from points.claims.lifecycle import record_verified
    from points.ledger.chain import lock_balance

    def run(batch: int) -> tuple[float, list[str]]:
        now = datetime.now(UTC)
        rows = events(batch, size, users, now)
        cpu_before, started = time.process_time(), time.perf_counter()
        with write_session() as session:
            for user_id in sorted({user_id for _, user_id, _ in rows}):
                lock_balance(session, user_id=user_id)
            results = [record_verified(session, user_id=user_id, action_code="metro", quantity=QUANTITY,
                                       occurred_at=when, idempotency_key=f"direct:{event_id}", source="partner",
                                       partner_id=partner_id, now=now) for event_id, user_id, when in rows]
        taken, used = time.perf_counter() - started, time.process_time() - cpu_before
        return taken, used, ["credited" if result.credited_quantity > 0 else "over_cap" for result in results]

    return run


def describe(name: str, rates: list[float], cpu_rates: list[float]) -> str:
    """Wall-clock events/s, and events per CPU-second of the process doing the work: the second holds still
    when other programs share the cores, the first does not."""
    line = (f"{name:<8} min {min(rates):8.0f}  median {statistics.median(rates):8.0f}  max {max(rates):8.0f} "
            "events/s")
    return line + (f"  (median {statistics.median(cpu_rates):6.0f} events per CPU-second)" if cpu_rates else "")


def measure(sides: dict[str, Callable], args: argparse.Namespace) -> tuple[dict, dict, Counter]:
    """Events per second and per CPU-second of every batch per side, and every outcome seen."""
    rates: dict[str, list[float]] = {name: [] for name in sides}
    cpu_rates: dict[str, list[float]] = {name: [] for name in sides}
    outcomes: Counter[str] = Counter()
    order = list(sides)
    batch = 0
    for name in order:
        for _ in range(args.warmup):
            outcomes.update(f"{name} {outcome}" for outcome in sides[name](batch)[2])
            batch += 1
    for round_number in range(args.rounds):
        for name in order if round_number % 2 == 0 else order[::-1]:
            for _ in range(args.batches):
                taken, used, seen = sides[name](batch)
                batch += 1
                rates[name].append(len(seen) / taken)
                if used:
                    cpu_rates[name].append(len(seen) / used)
                outcomes.update(f"{name} {outcome}" for outcome in seen)
    return rates, cpu_rates, outcomes


def main(argv: list[str]) -> int:
    args = parse(argv)
    folder = Path(tempfile.mkdtemp(prefix="green-egret-bench-partner-"))
    settings = configure(folder)
    total = (args.rounds * args.batches + args.warmup) * args.events
    per_side = max(args.residents, -(-total // (EVENTS_PER_RESIDENT_DAY * DAYS)))
    partner_id, secret, subjects, direct = prepare(per_side)
    with portal_process(settings) if args.server == "process" else test_client() as (post, cpu):
        sides = {"http": http_side(post, cpu, partner_id=partner_id, secret=secret, subjects=subjects,
                                   size=args.events),
                 "direct": direct_side(partner_id=partner_id, users=direct, size=args.events)}
        rates, cpu_rates, outcomes = measure(sides, args)
    where = ("a real portal process (streamlit run app.py, a connection per batch)"
             if args.server == "process" else "Starlette TestClient on app.py's st.App in this process")
    print(f"partner API: {args.rounds} rounds x {args.batches} batches x {args.events} events per side after "
          f"{args.warmup} uncounted, {per_side} residents per side, SQLite {folder / 'bench.db'}")
    print(f"http through {where}")
    print(describe("http", rates["http"], cpu_rates["http"]))
    print(describe("direct", rates["direct"], cpu_rates["direct"]))
    print("direct: record_verified, one transaction per batch, in this process; CPU-seconds of "
          + ("the portal process for http (the client excluded), of this one for direct" if args.server == "process"
             else "this process, which runs client and server for http"))
    ratio = statistics.median(rates["http"]) / statistics.median(rates["direct"])
    print(f"http / direct (medians): {ratio:.0%}; target >= 2000 events/s through HTTP")
    refused = {name: count for name, count in outcomes.items() if not name.endswith(" credited")}
    print("every event credited" if not refused else f"NOT all credited: {dict(sorted(refused.items()))}")
    return 0 if not refused else 1
