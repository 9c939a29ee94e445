"""Apply and inspect Alembic migrations without an alembic.ini.

Migrations run as the tables' owner: DATABASE_OWNER_URL when set, else the portal's own DATABASE_URL (one login
for everything, as on SQLite). With two logins the owner then sets the portal role's privileges (db/roles.py).
"""
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import make_url, text
from sqlalchemy.engine import Engine

from db.config import get_settings
from db.engine import engine_for, get_engine
from db.roles import PortalRoleError, grant_portal_role

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 0x6E67726E  # pg_advisory_xact_lock key: replicas starting together migrate one at a time


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def owner_engine() -> Engine:
    settings = get_settings()
    return engine_for(settings.database_owner_url or settings.database_url)


def portal_role() -> str | None:
    """The portal's login role when it is not the owner's: the role each migration grants to."""
    settings = get_settings()
    if not settings.database_owner_url:
        return None
    portal, owner = make_url(settings.database_url), make_url(settings.database_owner_url)
    if (portal.get_backend_name(), portal.database) != (owner.get_backend_name(), owner.database):
        raise PortalRoleError("DATABASE_OWNER_URL and DATABASE_URL name different databases")
    if portal.get_backend_name() != "postgresql":
        return None
    if not portal.username:
        raise PortalRoleError("DATABASE_URL must name the portal's role when DATABASE_OWNER_URL is set")
    return portal.username if portal.username != owner.username else None


def upgrade(engine: Engine | None = None) -> None:
    """Bring the database to the newest revision and, with two logins, set the portal role's privileges in the
    same transaction; safe to call at every start. An explicit `engine` (tests, bench) migrates only."""
    role = None if engine else portal_role()
    migrator = engine or owner_engine()
    with migrator.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        if role:
            grant_portal_role(connection, role)
        connection.commit()
    if role:
        migrator.dispose()  # the portal keeps no connection open as the owner


def current_revision(engine: Engine | None = None) -> str | None:
    with (engine or get_engine()).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@lru_cache(maxsize=1)
def head_revision() -> str:
    """Read from the migration files once: they cannot change under a running process."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None  # db/migrations/versions ships with the code: there is always a head
    return head
