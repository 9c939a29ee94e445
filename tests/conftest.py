"""A fresh, migrated database for every test: SQLite by default, PostgreSQL when TEST_DATABASE_URL is set."""
import os
import shutil
import tempfile
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import text

TEST_SECRET = "test-secret-not-for-production"
_SESSION_DIR = Path(tempfile.mkdtemp(prefix="green-egret-tests-"))
os.environ["GREEN_EGRET_DATA_DIR"] = str(_SESSION_DIR)
os.environ["GREEN_EGRET_SECRET"] = TEST_SECRET
os.environ.pop("DATABASE_URL", None)

from db.config import normalise_database_url  # noqa: E402  (environment first)
from db.engine import engine_for  # noqa: E402
from db.migrate import upgrade  # noqa: E402

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def on_postgres() -> bool:
    return bool(POSTGRES_URL)


@pytest.fixture(scope="session")
def _template() -> str:
    """Migrate once per run: a template SQLite file, or the PostgreSQL schema rebuilt from nothing."""
    if on_postgres():
        url = normalise_database_url(POSTGRES_URL)
        with engine_for(url).begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        upgrade(engine_for(url))
        return url
    path = _SESSION_DIR / "template.db"
    upgrade(engine_for(f"sqlite:///{path}"))
    engine_for(f"sqlite:///{path}").dispose()
    return str(path)


def _truncate_all(url: str) -> None:
    engine = engine_for(url)
    with engine.begin() as connection:
        # The ledger's BEFORE TRUNCATE guards (0005) are meant for the portal; the test superuser wipes
        # between tests in replica mode, in which ordinary triggers do not fire.
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        tables = connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename <> 'alembic_version'"))
        names = ", ".join(f'"{row[0]}"' for row in tables)
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(autouse=True)
def database(_template, tmp_path, monkeypatch) -> str:
    """Point the whole app (domain, pages, manage.py) at an empty, migrated database for this test."""
    if on_postgres():
        _truncate_all(_template)
        url = _template
    else:
        path = tmp_path / "green_egret.db"
        shutil.copyfile(_template, path)
        url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_data.clear()  # a figure a page caches for minutes must not carry over from another test's database
    yield url
    if not on_postgres():
        engine_for(url).dispose()


@pytest.fixture
def make_user():
    """Create users through the domain: make_user("ann", role="admin") -> User."""
    from db.engine import write_session
    from points.accounts.users import create_user

    def make(username: str = "ann", *, role: str = "resident", password: str = "correct-horse-9",
             **fields):
        with write_session() as session:
            return create_user(session, username=username, password=password, role=role,
                               display_name=fields.pop("display_name", username.title()), **fields)

    return make


APP_FILE = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def open_page():
    """Render a page through app.py as a user (or a signed-out visitor) would reach it: open_page(path, user)."""
    from streamlit.testing.v1 import AppTest

    def open_(path: str | None = None, user=None, *, lang: str = "en", query: dict | None = None) -> AppTest:
        app = AppTest.from_file(APP_FILE, default_timeout=60)
        app.session_state["lang"] = lang
        for key, value in (query or {}).items():
            app.query_params[key] = value
        if user is not None:
            app.session_state["user_id"] = user.id
        app.run()
        if path is not None:
            app.switch_page(path)
            app.run()
        return app

    return open_
