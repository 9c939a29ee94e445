"""bench scale's page timing: the small city and the big one timed side by side, interleaved in rounds.

Each side is a worker process of its own (`python -m bench.scale_pages`, DATABASE_URL pointing at its database)
that renders the page it is asked for through app.py with AppTest and answers its server time. The parent asks
both sides for the same page in turn, the first side alternating by round, so drift on the machine (another job,
a warm cache) falls on both sides alike instead of on whichever size was timed later.
"""
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def page_cases() -> list[tuple[str, str, str]]:
    """(page key, script, role) for every page of every role's menu, as the demo accounts see them."""
    from ui.nav import PAGES, SIGNED_OUT

    roles = (SIGNED_OUT, "resident", "organizer", "admin")
    return [(spec.key, spec.path, role) for role in roles for spec in PAGES if role in spec.roles and not spec.hidden]


def _demo_ids() -> dict[str, int]:
    from sqlmodel import select

    from db.engine import read_session
    from db.models import User

    with read_session() as session:
        return {user.username: user.id for user in session.exec(select(User).where(
            User.username.in_(("resident", "organizer", "admin"))))}


def time_page(path: str, user_id: int | None) -> float:
    """Server time in ms of one run of the page at `path` (after the run that opens the portal)."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.session_state["lang"] = "zh"
    if user_id is not None:
        app.session_state["user_id"] = user_id
    app.run()
    app.switch_page(path)
    began = time.perf_counter()
    app.run()
    return (time.perf_counter() - began) * 1000


def serve() -> None:
    """The worker: one JSON request (path, role) a line in, one time in ms a line out."""
    ids = _demo_ids()
    for line in sys.stdin:
        asked = json.loads(line)
        print(json.dumps(time_page(asked["path"], ids.get(asked["role"]))), flush=True)


class Side:
    """A worker process timing pages against one database."""

    def __init__(self, database_url: str) -> None:
        env = {**os.environ, "DATABASE_URL": database_url}
        self.process = subprocess.Popen([sys.executable, "-m", "bench.scale_pages"], cwd=ROOT, env=env, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def time(self, path: str, role: str) -> float:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps({"path": path, "role": role}) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError("a page-timing worker died; run `python -m bench.scale_pages` by hand to see why")
        return json.loads(answer)

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=60)


@dataclass(frozen=True)
class Timing:
    small: list[float]
    large: list[float]

    @property
    def ratio(self) -> float:
        return statistics.median(self.large) / statistics.median(self.small)


def interleaved(small_url: str, large_url: str, *, rounds: int, pages: list[str] | None = None
                ) -> dict[tuple[str, str], Timing]:
    """Every page (or those keyed in `pages`) and role timed `rounds` times on each side after one warm-up run
    each, sides alternating."""
    sides = (Side(small_url), Side(large_url))
    found: dict[tuple[str, str], Timing] = {}
    try:
        for key, path, role in page_cases():
            if pages and key not in pages:
                continue
            samples: tuple[list[float], list[float]] = ([], [])
            for side in sides:
                side.time(path, role)  # warm-up: imports, caches, the database's own pages
            for round_ in range(rounds):
                order = (0, 1) if round_ % 2 == 0 else (1, 0)
                for index in order:
                    samples[index].append(sides[index].time(path, role))
            found[(key, role)] = Timing(*samples)
    finally:
        for side in sides:
            side.close()
    return found


if __name__ == "__main__":
    serve()
