"""The data layer: engine settings, migrations in step with the models, aware datetimes."""
from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from db.engine import get_engine, read_session, write_session
from db.migrate import current_revision, head_revision
from db.models import User
from tests.conftest import on_postgres


def test_database_is_at_the_newest_migration():
    assert current_revision() == head_revision()


def test_models_and_migrations_agree():
    """Autogenerate finds no difference: a model changed without a migration fails here."""
    with get_engine().connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


@pytest.mark.skipif(on_postgres(), reason="SQLite pragmas")
def test_sqlite_runs_with_wal_full_sync_and_foreign_keys():
    with get_engine().connect() as connection:
        pragmas = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                   for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}
    assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 30000}


def test_naive_datetimes_are_refused(make_user):
    user = make_user("nina")
    with pytest.raises(Exception, match="naive datetime"), write_session() as session:
        row = session.get(User, user.id)
        row.last_failed_at = datetime(2026, 1, 1, 12, 0)
        session.add(row)
    with read_session() as session:
        assert session.get(User, user.id).last_failed_at is None


def test_datetimes_come_back_aware(make_user):
    user = make_user("ada")
    with read_session() as session:
        assert session.get(User, user.id).created_at.tzinfo is not None


def test_a_failed_transaction_writes_nothing(make_user):
    make_user("bob")
    with pytest.raises(RuntimeError), write_session() as session:
        session.execute(text("UPDATE \"user\" SET display_name = 'changed' WHERE username = 'bob'"))
        raise RuntimeError("crash half-way")
    with read_session() as session:
        name = session.execute(text("SELECT display_name FROM \"user\" WHERE username='bob'")).scalar_one()
    assert name == "Bob"
