"""Issue 11, high 2: nobody empties the ledger with TRUNCATE, which skips the append-only row triggers.

Before 0005 the owner (and so a portal running as the owner) could `TRUNCATE ledgerentry`, after which
`verify-ledger` reported "ledger ok: 0 entries". Now BEFORE TRUNCATE triggers refuse it for the owner, and the
portal's own role has no TRUNCATE privilege at all.
"""
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from db.engine import engine_for, read_session, write_session
from db.migrate import alembic_config
from points.audit import journal
from points.common.clock import utcnow
from points.ledger.verify import verify_ledger
from tests.support.ledger import credit
from tests.support.portal_role import (
    attempt,
    needs_postgres,
    owner_url,
    portal_role_fixture,  # noqa: F401  (the portal_role fixture)
    url_as,
)

ROOT = Path(__file__).resolve().parents[2]
GUARDED = ("ledgerentry", "balance", "auditlog")  # 0005's
# CASCADE: other tables point at the ledger. A TRUNCATE of "user" reaches the ledger through them.
TRUNCATES = [f"TRUNCATE {table} CASCADE" for table in GUARDED] + ['TRUNCATE "user" CASCADE']


@pytest.fixture
def history(make_user) -> int:
    """One resident with two credits and one audited admin action; returns the resident's id."""
    ann, admin = make_user("ann"), make_user("root", role="admin")
    credit(ann.id, 40)
    credit(ann.id, 25)
    with write_session() as session:
        journal.record(session, actor_id=admin.id, action="user.note", now=utcnow(), target_type="user",
                       target_id=ann.id)
    return ann.id


def _ledger_still_whole(user_id: int) -> None:
    with read_session() as session:
        report = verify_ledger(session)
        balance = session.execute(text("SELECT points FROM balance WHERE user_id = :u"), {"u": user_id}).scalar()
        audited = session.execute(text("SELECT count(*) FROM auditlog")).scalar_one()
    assert (report.ok, report.entries, balance, audited) == (True, 2, 65, 1)


def _refusals(url: str) -> dict[str, str]:
    return {statement: attempt(url, statement) for statement in TRUNCATES}


@needs_postgres
def test_even_the_owner_cannot_truncate_the_ledger_balances_or_audit_log(history):
    refusals = _refusals(owner_url())
    assert all("cannot be truncated: the ledger is append-only" in refusal for refusal in refusals.values()), refusals
    _ledger_still_whole(history)


@needs_postgres
def test_the_portal_role_has_no_right_to_truncate(history, portal_role):
    refusals = _refusals(url_as(portal_role))
    assert all("permission denied" in refusal for refusal in refusals.values()), refusals
    _ledger_still_whole(history)


@needs_postgres
def test_verify_ledger_still_counts_every_entry_after_the_attempts(history, portal_role):
    for url in (owner_url(), url_as(portal_role)):
        _refusals(url)
    result = subprocess.run([sys.executable, "manage.py", "verify-ledger"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert (result.returncode, result.stdout.strip()) == (0, "ledger ok: 2 entries, 2 users")


def _schema(url: str) -> list[tuple]:
    with engine_for(url).connect() as connection:
        return connection.execute(text("SELECT type, name, sql FROM sqlite_master ORDER BY name")).all()


def test_0005_changes_nothing_on_sqlite(tmp_path):
    """SQLite has no TRUNCATE and no roles: 0005 is a no-op there (its DELETE fires the row triggers)."""
    url = f"sqlite:///{tmp_path / 'steps.db'}"
    config = alembic_config()
    with engine_for(url).connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
        connection.commit()
    before = _schema(url)
    with engine_for(url).connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
        connection.commit()
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0005"
    assert _schema(url) == before
    engine_for(url).dispose()
