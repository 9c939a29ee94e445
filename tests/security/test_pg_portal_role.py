"""Issue 11, high 2: the portal runs as a role that can read and append but not rewrite, and owns nothing.

An owner may DISABLE TRIGGER, ALTER or TRUNCATE its tables: with one login for everything, anyone holding the
portal's login could switch off the ledger's append-only guards. Migrations now run as DATABASE_OWNER_URL and
give DATABASE_URL's role exactly db/roles.py's privileges; the portal still credits points as that role.
"""
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from sqlmodel import SQLModel

import db.models  # noqa: F401  (every table on SQLModel.metadata)
from db import migrate
from db.engine import get_engine, read_session, write_session
from db.models import Balance
from db.roles import APPEND_ONLY, DELETED, UPDATED, PortalRoleError, grant_portal_role, table_privileges
from points.claims.lifecycle import approve_claim
from points.demo.seed import first_start
from points.ledger.verify import verify_ledger
from points.reports.rollups import refresh_rollups
from tests.support.ledger import credit, log
from tests.support.portal_role import (
    as_owner,
    attempt,
    drop_login_role,
    needs_postgres,
    new_login_role,
    owner_url,
    portal_role_fixture,  # noqa: F401  (the portal_role fixture)
    url_as,
)

ROOT = Path(__file__).resolve().parents[2]
PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
NOT_OWNER = "must be owner"
NO_PRIVILEGE = "permission denied"
FORBIDDEN = [
    ("ALTER TABLE ledgerentry DISABLE TRIGGER ledgerentry_no_change", NOT_OWNER),
    ("ALTER TABLE ledgerentry DISABLE TRIGGER ALL", NOT_OWNER),
    ("ALTER TABLE auditlog DISABLE TRIGGER auditlog_no_change", NOT_OWNER),
    ("ALTER TABLE balance DISABLE TRIGGER balance_no_truncate", NOT_OWNER),
    ("DROP TRIGGER ledgerentry_no_truncate ON ledgerentry", NOT_OWNER),
    ("ALTER TABLE ledgerentry ADD COLUMN note text", NOT_OWNER),
    ("ALTER TABLE ledgerentry OWNER TO CURRENT_USER", NOT_OWNER),
    ("UPDATE ledgerentry SET points = points * 10", NO_PRIVILEGE),
    ("DELETE FROM ledgerentry", NO_PRIVILEGE),
    ("UPDATE auditlog SET action = 'nothing happened'", NO_PRIVILEGE),
    ("DELETE FROM auditlog", NO_PRIVILEGE),
    ("DELETE FROM balance", NO_PRIVILEGE),
    ("SET session_replication_role = replica", NO_PRIVILEGE),
]
NOW = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)


def test_every_table_is_classified_and_the_records_stay_append_only():
    """A new table gets SELECT and INSERT only until someone decides here why the portal may change it."""
    tables = set(SQLModel.metadata.tables)
    assert tables - (set(APPEND_ONLY) | set(UPDATED) | set(DELETED)) == set()
    assert (set(APPEND_ONLY) | set(UPDATED) | set(DELETED)) - tables == set()
    assert not set(APPEND_ONLY) & (set(UPDATED) | set(DELETED))
    assert {"ledgerentry", "auditlog"} <= set(APPEND_ONLY) and "balance" not in DELETED
    assert table_privileges("ledgerentry") == table_privileges("auditlog") == ("SELECT", "INSERT")
    assert table_privileges("balance") == ("SELECT", "INSERT", "UPDATE")


@pytest.mark.parametrize(("portal", "owner", "granted"), [
    ("postgresql://portal@db/city", "postgresql://owner@db/city", "portal"),
    ("postgresql://owner@db/city", "postgresql://owner@db/city", None),  # one login: nothing to grant
    ("postgresql://portal@db/city", None, None),  # no owner login: the portal migrates as itself, as before
])
def test_migrations_grant_to_the_portal_role_only_when_it_is_another_login(monkeypatch, portal, owner, granted):
    monkeypatch.setenv("DATABASE_URL", portal)
    if owner:
        monkeypatch.setenv("DATABASE_OWNER_URL", owner)
    assert migrate.portal_role() == granted


@pytest.mark.parametrize(("portal", "refusal"), [
    ("postgresql://portal@db/other", "name different databases"),
    ("postgresql:///city", "must name the portal's role"),
])
def test_a_mismatched_owner_login_is_refused_before_anything_runs(monkeypatch, portal, refusal):
    monkeypatch.setenv("DATABASE_URL", portal)
    monkeypatch.setenv("DATABASE_OWNER_URL", "postgresql://owner@db/city")
    with pytest.raises(PortalRoleError, match=refusal):
        migrate.upgrade()


@needs_postgres
def test_the_portal_role_cannot_switch_off_or_rewrite_the_ledger(make_user, portal_role):
    ann = make_user("ann")
    credit(ann.id, 40)
    refusals = {statement: attempt(url_as(portal_role), statement) for statement, _ in FORBIDDEN}
    assert {statement: refused_with in refusals[statement] for statement, refused_with in FORBIDDEN} == {
        statement: True for statement, _ in FORBIDDEN}, refusals
    with read_session() as session:
        assert session.get(Balance, ann.id).points == 40 and verify_ledger(session).ok


@needs_postgres
def test_a_portal_without_the_owner_login_starts_once_migrated(portal_role, monkeypatch):
    """The safer deployment: only the operator's shell holds DATABASE_OWNER_URL; the portal's start finds the
    schema at head, changes nothing and seeds the city's data as its own role."""
    monkeypatch.delenv("DATABASE_OWNER_URL")
    first_start()
    with read_session() as session:
        assert session.execute(text("SELECT current_user")).scalar_one() == portal_role
        assert session.execute(text("SELECT count(*) FROM actiontype")).scalar_one() > 0


def _manage(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def _privileges(role: str) -> dict[str, tuple[str, ...]]:
    with get_engine().connect() as connection:
        tables = connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))
        return {table: tuple(privilege for privilege in PRIVILEGES if connection.execute(
            text("SELECT has_table_privilege(:role, :table, :privilege)"),
            {"role": role, "table": f'"{table}"', "privilege": privilege}).scalar_one())
            for (table,) in tables}


@needs_postgres
def test_manage_migrate_grants_exactly_the_portal_privileges_and_revokes_more(portal_role):
    as_owner(f'GRANT ALL ON ledgerentry, auditlog, balance TO "{portal_role}"')
    result = _manage("migrate")
    assert result.returncode == 0 and f"portal role {portal_role}" in result.stdout, result.stderr
    granted = _privileges(portal_role)
    assert granted["ledgerentry"] == granted["auditlog"] == ("SELECT", "INSERT")
    assert granted["balance"] == ("SELECT", "INSERT", "UPDATE")
    assert granted["alembic_version"] == ("SELECT",)
    assert granted == {table: table_privileges(table) for table in granted}


@needs_postgres
def test_the_portal_still_credits_reviews_and_verifies_as_its_role(make_user, portal_role):
    first_start()  # migrates as the owner, seeds the city's data as the portal's role
    with get_engine().connect() as connection:
        assert connection.execute(text("SELECT current_user")).scalar_one() == portal_role
    ann, admin = make_user("ann"), make_user("root", role="admin")
    credited = log(ann.id, "walk", 6, when=NOW)
    pending = log(ann.id, "walk", 9, when=NOW - timedelta(days=1))  # reviewed (above 8 km); its own day's cap
    with write_session() as session:
        approved = approve_claim(session, actor_id=admin.id, claim_id=pending.claim.id, reason="photo ok", now=NOW)
    assert credited.points > 0 and approved.points > 0
    assert refresh_rollups() == 2  # the admin dashboard folds the new entries in
    with read_session() as session:
        report = verify_ledger(session)
        assert session.get(Balance, ann.id).points == credited.points + approved.points
    assert (report.ok, report.entries) == (True, 2)


@needs_postgres
@pytest.mark.parametrize("setup", [
    "ALTER ROLE {role} CREATEROLE",
    "CREATE TABLE {role}_own (id int); ALTER TABLE {role}_own OWNER TO {role}",
    "GRANT {owner} TO {role}",  # a member of the owner role may act as the owner
])
def test_a_role_that_privileges_would_not_bind_is_refused(setup):
    role = new_login_role()
    try:
        as_owner(*setup.format(role=role, owner=make_url(owner_url()).username).split("; "))
        with get_engine().connect() as connection, pytest.raises(PortalRoleError, match=f"role {role}"):
            grant_portal_role(connection, role)
    finally:
        drop_login_role(role)


@needs_postgres
def test_grant_portal_role_refuses_a_superuser_in_one_line():
    role = new_login_role()
    try:
        as_owner(f'ALTER ROLE "{role}" SUPERUSER')
        result = _manage("grant-portal-role", role)
        assert (result.returncode, result.stderr.count("\n")) == (1, 1)
        assert f"role {role} is a superuser" in result.stderr
    finally:
        drop_login_role(role)


@needs_postgres
def test_grant_portal_role_gives_an_extra_login_the_portal_privileges():
    role = new_login_role()
    try:
        result = _manage("grant-portal-role", role)
        assert result.returncode == 0, result.stderr
        granted = _privileges(role)
        assert granted["ledgerentry"] == ("SELECT", "INSERT") and granted["user"] == ("SELECT", "INSERT", "UPDATE")
    finally:
        drop_login_role(role)
