"""ledger rows are append-only: triggers refuse UPDATE and DELETE on both databases

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

MESSAGE = "ledgerentry is append-only: write a reversal entry instead"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER ledgerentry_no_{event.lower()} BEFORE {event} ON ledgerentry "
                       f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
        return
    op.execute(f"""CREATE FUNCTION ledgerentry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                   BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$""")
    op.execute("CREATE TRIGGER ledgerentry_no_change BEFORE UPDATE OR DELETE ON ledgerentry "
               "FOR EACH ROW EXECUTE FUNCTION ledgerentry_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER ledgerentry_no_update")
        op.execute("DROP TRIGGER ledgerentry_no_delete")
        return
    op.execute("DROP TRIGGER ledgerentry_no_change ON ledgerentry")
    op.execute("DROP FUNCTION ledgerentry_append_only()")
