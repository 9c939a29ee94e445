"""A throwaway PostgreSQL login for the portal, set up the way an operator does it (issue 11, high 2).

The owner is TEST_DATABASE_URL's user; the portal's role is a fresh LOGIN role that owns nothing. The fixture
points DATABASE_URL at the new role and DATABASE_OWNER_URL at the owner, then migrates as the portal does
(`db.migrate.upgrade`, which grants the role its privileges), and drops the role at the end.
"""
import uuid

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.exc import DBAPIError

from db.config import normalise_database_url
from db.engine import engine_for
from db.migrate import upgrade
from tests.conftest import POSTGRES_URL, on_postgres

needs_postgres = pytest.mark.skipif(not on_postgres(), reason="roles and TRUNCATE are PostgreSQL's: set "
                                    "TEST_DATABASE_URL to run these")


def owner_url() -> str:
    return normalise_database_url(POSTGRES_URL)


def url_as(role: str) -> str:
    return make_url(owner_url()).set(username=role, password=None).render_as_string(hide_password=False)


def attempt(url: str, statement: str) -> str:
    """Run one statement as the login of `url` and commit it; return PostgreSQL's refusal, "" if it was done."""
    with engine_for(url).connect() as connection:
        try:
            connection.execute(text(statement))
        except DBAPIError as error:
            connection.rollback()
            return str(error.orig)
        connection.commit()
    return ""


def as_owner(*statements: str) -> None:
    with engine_for(owner_url()).begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def new_login_role() -> str:
    role = f"portal_{uuid.uuid4().hex[:12]}"
    as_owner(f'CREATE ROLE "{role}" LOGIN')
    return role


def drop_login_role(role: str) -> None:
    """DROP OWNED BY first: it also revokes the role's privileges, which DROP ROLE alone would trip over."""
    engine_for(url_as(role)).dispose()
    as_owner(f'DROP OWNED BY "{role}"', f'DROP ROLE "{role}"')


@pytest.fixture(name="portal_role")
def portal_role_fixture(monkeypatch) -> str:
    """The portal running as its own role: DATABASE_URL is that role's login, DATABASE_OWNER_URL the owner's."""
    role = new_login_role()
    monkeypatch.setenv("DATABASE_URL", url_as(role))
    monkeypatch.setenv("DATABASE_OWNER_URL", owner_url())
    try:
        upgrade()
        yield role
    finally:
        drop_login_role(role)
