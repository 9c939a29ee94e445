"""City data and the demo, loaded through the domain so the same rules apply as for real users.

Each loader is idempotent: running the seed twice changes nothing.
"""
from collections.abc import Callable

from sqlmodel import Session, col, select

from db.engine import read_session, write_session
from db.migrate import upgrade
from db.models import User
from points.accounts.passwords import NewPassword, new_password
from points.accounts.users import create_user, find_user
from points.catalogue.actions import load_catalogue
from points.demo.checkpoints import load_demo_checkpoints
from points.demo.history import load_demo_history
from points.demo.partners import load_demo_partners
from points.places.registry import load_places
from points.rewards.redemptions import load_rewards

DEMO_PASSWORD = "green-egret-demo"  # demo only: documented in the README, never used outside `seed --demo`
DEMO_ACCOUNTS = (
    ("resident", "Demo resident 演示居民", "resident", "思明"),
    ("organizer", "Demo organizer 演示组织者", "organizer", None),
    ("admin", "Demo admin 演示管理员", "admin", None),
)

Loader = Callable[[Session], int]
# The city's own data: (name, loader). Each loader takes the session and returns how many rows it added.
CITY_LOADERS: list[tuple[str, Loader]] = [("catalogue", load_catalogue), ("rewards", load_rewards),
                                          ("places", load_places)]
# Demo-only content that needs the demo accounts (events, partners with a linked card, sample history).
DEMO_LOADERS: list[tuple[str, Loader]] = [("checkpoints", load_demo_checkpoints),
                                          ("demo_partners", load_demo_partners),
                                          ("demo_history", load_demo_history)]


def hash_demo_passwords() -> dict[str, NewPassword]:
    """The demo accounts still missing, each with its password already hashed: argon2 (~0.2 s an account)
    runs before the seed's write opens, never inside it (on SQLite that write holds every credit)."""
    with read_session() as session:
        missing = [(name, display) for name, display, *_ in DEMO_ACCOUNTS if find_user(session, username=name) is None]
    return {name: new_password(DEMO_PASSWORD, username=name, display_name=display) for name, display in missing}


def seed_demo_accounts(session: Session, *, hashed: dict[str, NewPassword]) -> int:
    """Create the demo accounts hashed beforehand; one made meanwhile by someone else is left as it is."""
    added = 0
    for username, display_name, role, district in DEMO_ACCOUNTS:
        if username in hashed and find_user(session, username=username) is None:
            create_user(session, username=username, password=hashed[username], display_name=display_name,
                        role=role, district=district, leaderboard_opt_in=role == "resident",
                        nickname="白鹭 Egret" if role == "resident" else None)
            added += 1
    return added


def seed(*, demo: bool) -> dict[str, int]:
    """Load the city's data, and with `demo` the demo accounts and events; report what was added."""
    report: dict[str, int] = {}
    hashed = hash_demo_passwords() if demo else {}
    with write_session() as session:
        for name, loader in CITY_LOADERS:
            report[name] = loader(session)
        if demo:
            report["demo_accounts"] = seed_demo_accounts(session, hashed=hashed)
            for name, loader in DEMO_LOADERS:
                report[name] = loader(session)
    return report


def first_start() -> None:
    """At server start: migrate; an empty database gets the city's data (never the demo accounts)."""
    upgrade()
    with read_session() as session:
        empty = session.exec(select(col(User.id)).limit(1)).first() is None
    if empty:
        seed(demo=False)
