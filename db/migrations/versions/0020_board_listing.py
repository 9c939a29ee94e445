"""board listing: each earned-points row carries whether its resident is on the boards, and where (issue 15)

Measured by `python -m bench scale --big` on PostgreSQL: with all 100,000 residents on the board, the leaderboard's
one pass of rank counts joined every earned total to its resident (role, consent, account state, district) and
took 32 of the page's 73 ms; its cost followed the residents on the board. Each earned row now carries `listed`
(a resident who consented, with a usable account), `district` and `community`, so a board's counts read only its
own rows down a partial index, without the join.

The copies are kept by triggers, so no code path can forget them: a new earned row takes its resident's
listing as it is when the row is written, and a change of role, consent, account state, district or community
rewrites that resident's rows in the same transaction. On PostgreSQL the new row's trigger share-locks the
resident's row, so a consent withdrawn at the same moment either waits for the fold (and then rewrites the new
row too) or is seen by it: without the lock, READ COMMITTED would let a row inserted beside the withdrawal keep
the old listing.

Revision ID: 0020
Revises: 0019
"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

TABLES = {"earnedtotal": ("user_id",), "earnedweek": ("week", "user_id")}
SCOPES = {"": (), "_district": ("district",), "_community": ("community",)}
WATCHED = ("role", "leaderboard_opt_in", "disabled", "deleted_at", "district", "community")
LISTED = "{u}.role = 'resident' AND {u}.leaderboard_opt_in AND NOT {u}.disabled AND {u}.deleted_at IS NULL"
# Each database's partial index is written as its queries read the column: SQLAlchemy renders a boolean as
# `listed = 1` on SQLite, which matches an index only on the same words; PostgreSQL proves `listed` from it.
SQLITE_LISTED, POSTGRESQL_LISTED = sa.text("listed = 1"), sa.text("listed")
# A resident's changed row (NEW) rewrites the listing of all their earned rows.
RELIST = "".join(f"UPDATE {table} SET listed = {LISTED.format(u='NEW')}, district = NEW.district, "
                 f"community = NEW.community WHERE user_id = NEW.id; " for table in TABLES)


def _indexes(table: str) -> dict[str, list[str]]:
    """Each board's index: its scope, then points (the week's boards lead with the week)."""
    lead = ["week"] if table == "earnedweek" else []
    return {f"ix_{table}_board{suffix}": [*lead, *scope, "points"] for suffix, scope in SCOPES.items()}


def _sqlite_triggers() -> None:
    for table, key in TABLES.items():
        match = " AND ".join(f"{column} = NEW.{column}" for column in key)
        op.execute(f"""CREATE TRIGGER {table}_listing AFTER INSERT ON {table} BEGIN
                       UPDATE {table} SET (listed, district, community) =
                         (SELECT {LISTED.format(u='u')}, u.district, u.community FROM user u WHERE u.id = NEW.user_id)
                       WHERE {match}; END""")
    changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in WATCHED)
    op.execute(f"CREATE TRIGGER user_board_listing AFTER UPDATE OF {', '.join(WATCHED)} ON user "
               f"WHEN {changed} BEGIN {RELIST}END")


def _postgresql_triggers() -> None:
    op.execute(f"""CREATE FUNCTION earned_listing() RETURNS trigger LANGUAGE plpgsql AS $$
                   BEGIN
                     SELECT {LISTED.format(u='u')}, u.district, u.community
                       INTO NEW.listed, NEW.district, NEW.community FROM "user" u WHERE u.id = NEW.user_id FOR SHARE;
                     RETURN NEW;
                   END $$""")
    for table in TABLES:
        op.execute(f"CREATE TRIGGER {table}_listing BEFORE INSERT ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION earned_listing()")
    op.execute(f"""CREATE FUNCTION user_board_listing() RETURNS trigger LANGUAGE plpgsql AS $$
                   BEGIN {RELIST} RETURN NULL; END $$""")
    changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in WATCHED)
    op.execute(f'CREATE TRIGGER user_board_listing AFTER UPDATE OF {", ".join(WATCHED)} ON "user" '
               f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION user_board_listing()")


def upgrade() -> None:
    op.drop_index("ix_earnedweek_week_points", table_name="earnedweek")
    op.drop_index("ix_earnedtotal_points", table_name="earnedtotal")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("listed", sa.Boolean(), nullable=False, server_default=sa.false()))
            batch.add_column(sa.Column("district", sa.String(length=32), nullable=True))
            batch.add_column(sa.Column("community", sa.String(length=64), nullable=True))
        quoted = '"user"' if op.get_bind().dialect.name == "postgresql" else "user"
        op.execute(f"UPDATE {table} SET (listed, district, community) = (SELECT {LISTED.format(u='u')}, u.district, "
                   f"u.community FROM {quoted} u WHERE u.id = {table}.user_id)")
        for name, columns in _indexes(table).items():
            op.create_index(name, table, columns, sqlite_where=SQLITE_LISTED, postgresql_where=POSTGRESQL_LISTED)
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_triggers()
    else:
        _postgresql_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("user_board_listing", *(f"{table}_listing" for table in TABLES)):
            op.execute(f"DROP TRIGGER {name}")
    else:
        op.execute('DROP TRIGGER user_board_listing ON "user"')
        op.execute("DROP FUNCTION user_board_listing()")
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_listing ON {table}")
        op.execute("DROP FUNCTION earned_listing()")
    for table in TABLES:
        for name in _indexes(table):
            op.drop_index(name, table_name=table)
        with op.batch_alter_table(table) as batch:
            for column in ("community", "district", "listed"):
                batch.drop_column(column)
    op.create_index("ix_earnedtotal_points", "earnedtotal", ["points"])
    op.create_index("ix_earnedweek_week_points", "earnedweek", ["week", "points"])
