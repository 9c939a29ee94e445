"""the ledger, the balances and the audit log cannot be truncated on PostgreSQL; the portal's own login may
wait for ledger writers without the right to lock the ledger itself

Row triggers (0002, 0003) do not fire on TRUNCATE, so a login that may TRUNCATE could empty the ledger and
`verify-ledger` would then report "ok: 0 entries". Statement-level BEFORE TRUNCATE triggers refuse it, also when
the TRUNCATE reaches these tables through CASCADE from another one. (The owner could still disable them: the
portal therefore runs as a role that owns nothing, see db/roles.py.)

`LOCK TABLE ... IN SHARE MODE`, which the rollups use to wait for ledger writes in flight, needs UPDATE, DELETE
or TRUNCATE on the table, none of which the portal's role may have on the ledger. `green_egret_settle_ledger()`
takes that one lock with the owner's rights (SECURITY DEFINER, pinned search_path) and nothing else.
SQLite has no TRUNCATE (its DELETE without WHERE fires the row triggers) and no roles: nothing is needed there.

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

GUARDED_TABLES = ("ledgerentry", "balance", "auditlog")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""CREATE FUNCTION green_egret_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
                  BEGIN RAISE EXCEPTION '% cannot be truncated: the ledger is append-only', TG_TABLE_NAME; END $$""")
    for table in GUARDED_TABLES:
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION green_egret_no_truncate()")
    schema = op.get_bind().dialect.identifier_preparer.quote(op.get_bind().exec_driver_sql(
        "SELECT current_schema()").scalar_one())
    op.execute(f"""CREATE FUNCTION green_egret_settle_ledger() RETURNS void LANGUAGE plpgsql SECURITY DEFINER
                   SET search_path = pg_catalog, pg_temp AS $$
                   BEGIN LOCK TABLE {schema}.ledgerentry IN SHARE MODE; END $$""")
    op.execute("REVOKE ALL ON FUNCTION green_egret_settle_ledger() FROM PUBLIC")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION green_egret_settle_ledger()")
    for table in GUARDED_TABLES:
        op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
    op.execute("DROP FUNCTION green_egret_no_truncate()")
