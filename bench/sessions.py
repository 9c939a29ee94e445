"""python -m bench sessions [--steps 5,10,20,40,80] [--reruns 10] [--think 1.0] [--pages home,log]
                           [--replicas N --database-url URL]

How many residents one portal process serves at a page time they do not notice (issue 15: p95 <= 1 s). A load
client speaking Streamlit's own protocol, as the browser does, without a browser: a WebSocket to
/_stcore/stream (subprotocol "streamlit"; the Origin and the sign-in cookie in the handshake), BackMsg protobufs
up (rerun_script with the query string and the page's url path, which is what the frontend sends on load and on
every rerun), ForwardMsg protobufs down until script_finished. A page time is from the rerun sent to its
script_finished, every element of the page having arrived before it.

One portal (`streamlit run app.py`, the seeded demo, as bench/first_paint.py starts it), every session signed in
as the demo resident (a ge_session cookie from the domain's own sign-in). Each step opens N sessions at once;
each reruns the pages in turn `--reruns` times, pausing `--think` seconds between runs (a resident reading); the
sessions open spread over one think time. With --replicas N the sessions go through nginx to N replicas on one
database (deploy/, as a city runs it); each session lands on the replica nginx picks for its WebSocket.
Printed per step: sessions served (every run finished, signed in, no exception on the page), page runs, page
time p50 / p95 / p99; then the largest N whose p95 stayed within --target. Steps stop after the first that
misses it.
"""
import argparse
import asyncio
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.claims_pg import percentile

HOME = ""  # the default page's url path: the frontend sends an empty page name for it
SIGNED_IN_MARK = "account"  # a page the menu shows every signed-in role and no visitor (ui.nav; others hidden)


@dataclass
class Session:
    """What one simulated resident saw: a page time per finished run, and what went wrong."""

    times: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    sessions: int
    served: int
    times: list[float]  # every page run, a session's first (its opening) included
    first: list[float]  # each session's first run alone: a new session runs app.py from nothing
    failures: list[str]

    def line(self) -> str:
        if not self.times:
            return f"{self.sessions:5} sessions: none served ({self.failures[:1]})"
        p50, p95, p99 = (percentile(self.times, share) for share in (0.5, 0.95, 0.99))
        return (f"{self.sessions:5} sessions: {self.served:5} served, {len(self.times):6} page runs, "
                f"p50 / p95 / p99 {p50:6.3f} / {p95:6.3f} / {p99:6.3f} s (first runs p95 "
                f"{percentile(self.first, 0.95):6.3f} s), {len(self.failures)} failures")


def rerun(page: str, query: str) -> bytes:
    """The BackMsg the frontend sends to run a page: its url path and the query string, no widget state."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    message = BackMsg()
    message.rerun_script.query_string = query
    message.rerun_script.page_name = page
    message.rerun_script.context_info.timezone = "Asia/Shanghai"
    message.rerun_script.context_info.locale = "zh-CN"
    return message.SerializeToString()


def _navigation_problem(navigation, page: str) -> str | None:
    """The menu the page run built: signed in, and the page asked for is the one running, or what is wrong."""
    paths = {entry.page_script_hash: entry for entry in navigation.app_pages}
    running = paths.get(navigation.page_script_hash)
    if SIGNED_IN_MARK not in {entry.url_pathname for entry in navigation.app_pages if not entry.is_hidden}:
        return "not signed in: the menu is a visitor's"
    if running is None or not (running.is_default if page == HOME else running.url_pathname == page):
        return f"asked for {page!r}, ran {running.url_pathname if running else None!r}"
    return None


async def run_page(socket, page: str, query: str) -> tuple[float, str | None]:
    """Rerun one page and read ForwardMsgs until its script finishes: (seconds, what went wrong or None)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    started = time.perf_counter()
    await socket.send(rerun(page, query))
    problem: str | None = "no navigation sent"
    while True:
        message = ForwardMsg()
        message.ParseFromString(await socket.recv())
        kind = message.WhichOneof("type")
        if kind == "navigation":
            problem = _navigation_problem(message.navigation, page)
        elif kind == "page_not_found":
            problem = f"page not found: {page!r}"
        elif kind == "delta" and message.delta.new_element.WhichOneof("type") == "exception":
            problem = f"exception on {page!r}: {message.delta.new_element.exception.message}"
        elif kind == "script_finished":
            if message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                continue  # the page asked for a rerun (st.rerun): the page time runs on to the next finish
            return time.perf_counter() - started, problem


async def one_session(base: str, cookie: str, *, pages: list[str], reruns: int, think: float, query: str,
                      delay: float) -> Session:
    """A resident's browser tab: connect after `delay`, then run the pages in turn, pausing between runs."""
    from websockets.asyncio.client import connect

    seen = Session()
    await asyncio.sleep(delay)
    try:
        async with connect(base.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
                           origin=base, additional_headers={"Cookie": f"ge_session={cookie}"},
                           max_size=None, open_timeout=60) as socket:
            for index in range(reruns):
                seconds, problem = await run_page(socket, pages[index % len(pages)], query)
                seen.times.append(seconds)
                if problem:
                    seen.failures.append(problem)
                if think:
                    await asyncio.sleep(think)
    except Exception as error:  # a refused or dropped connection is a session not served, reported as such
        seen.failures.append(f"{type(error).__name__}: {error}")
    return seen


def load_step(base: str, cookie: str, *, sessions: int, pages: list[str], reruns: int, think: float,
              query: str = "") -> Step:
    """N sessions at once against the portal at `base`, their openings spread evenly over one think time (residents
    do not arrive in the same millisecond; without think time they do)."""

    async def together() -> list[Session]:
        return list(await asyncio.gather(*(one_session(base, cookie, pages=pages, reruns=reruns, think=think,
                                                       query=query, delay=index * think / sessions)
                                           for index in range(sessions))))
    seen = asyncio.run(together())
    served = sum(1 for session in seen if len(session.times) == reruns and not session.failures)
    return Step(sessions, served, [t for session in seen for t in session.times],
                [session.times[0] for session in seen if session.times],
                [failure for session in seen for failure in session.failures])


def largest_within(steps: list[Step], target: float) -> int | None:
    """The most sessions served whole at p95 page time within the target, or None."""
    good = [step.sessions for step in steps
            if step.times and step.served == step.sessions and percentile(step.times, 0.95) <= target]
    return max(good, default=None)


def page_paths(names: str) -> list[str]:
    return [HOME if name == "home" else name for name in names.split(",")]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench sessions")
    parser.add_argument("--steps", default="5,10,20,40,80,160", help="concurrent sessions at each step")
    parser.add_argument("--reruns", type=int, default=10, help="page runs per session")
    parser.add_argument("--think", type=float, default=1.0, help="seconds between a session's runs")
    parser.add_argument("--pages", default="home,log", help="url paths run in turn (home: the default page)")
    parser.add_argument("--target", type=float, default=1.0, help="p95 page time to stay within, seconds")
    parser.add_argument("--replicas", type=int, default=0,
                        help="run N replicas behind nginx (deploy/) instead of one portal process")
    parser.add_argument("--database-url", help="an empty database for the portal (default: a new SQLite file)")
    args = parser.parse_args(argv)
    if args.database_url and not args.replicas:
        parser.error("--database-url is for --replicas (one process runs on its own SQLite file)")
    from bench.first_paint import seed

    folder = Path(tempfile.mkdtemp(prefix="bench-sessions-"))
    cookie, _ = seed(folder, args.database_url)
    steps: list[Step] = []
    with _serving(folder, args.replicas) as base:
        load_step(base, cookie, sessions=max(1, args.replicas), pages=page_paths(args.pages), reruns=2,
                  think=0)  # warm-up: every replica has run app.py once
        for sessions in (int(n) for n in args.steps.split(",")):
            steps.append(load_step(base, cookie, sessions=sessions, pages=page_paths(args.pages),
                                   reruns=args.reruns, think=args.think))
            print(steps[-1].line(), flush=True)
            if steps[-1].failures:
                print("   first failure:", steps[-1].failures[0])
            if largest_within(steps[-1:], args.target) is None:
                break
    shutil.rmtree(folder, ignore_errors=True)
    best = largest_within(steps, args.target)
    served_by = f"{args.replicas} replicas behind nginx" if args.replicas else "one portal process"
    print(f"pages {args.pages}, {args.reruns} runs a session, {args.think:g} s between runs, {served_by}: "
          + (f"largest N at p95 <= {args.target:g} s: {best}" if best else f"no step kept p95 <= {args.target:g} s"))
    return 0


@contextmanager
def _serving(folder: Path, replicas: int) -> Iterator[str]:
    """The base URL the sessions open: one portal process, or nginx in front of `replicas` of them. Each WebSocket
    arrives without the affinity cookie, so nginx gives every session a replica of its own choosing."""
    if not replicas:
        from tests.support.portal import running_portal

        with running_portal(folder, start_timeout=180) as base:
            yield base
        return
    from deploy.replicas import deployment, free_ports

    listen, *ports = free_ports(replicas + 1)
    (folder / "nginx").mkdir()
    with deployment(ports=ports, listen=listen, run_dir=folder / "nginx") as running:
        yield running.base
