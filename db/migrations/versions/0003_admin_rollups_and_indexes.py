"""admin console: monthly rollups, the rollup watermark, indexes for reversal lookups and active residents,
and an append-only audit log (triggers refuse UPDATE and DELETE, as 0002 does for the ledger)

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # autogenerate writes sqlmodel.sql.sqltypes.AutoString
from alembic import op

import db.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

AUDIT_MESSAGE = "auditlog is append-only"


def upgrade() -> None:
    op.create_table(
        "monthlyrollup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("district", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("action_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("co2e_g", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("month", "district", "action_code", "kind"),
    )
    op.create_table(
        "rollupwatermark",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("last_entry_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", db.types.AwareDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_index("ix_balance_active", "balance", ["updated_at", "last_seq"], unique=False)
    op.create_index("ix_ledgerentry_original_entry_id", "ledgerentry", ["original_entry_id"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER auditlog_no_{event.lower()} BEFORE {event} ON auditlog "
                       f"BEGIN SELECT RAISE(ABORT, '{AUDIT_MESSAGE}'); END")
    else:
        op.execute(f"""CREATE FUNCTION auditlog_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                       BEGIN RAISE EXCEPTION '{AUDIT_MESSAGE}'; END $$""")
        op.execute("CREATE TRIGGER auditlog_no_change BEFORE UPDATE OR DELETE ON auditlog "
                   "FOR EACH ROW EXECUTE FUNCTION auditlog_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER auditlog_no_update")
        op.execute("DROP TRIGGER auditlog_no_delete")
    else:
        op.execute("DROP TRIGGER auditlog_no_change ON auditlog")
        op.execute("DROP FUNCTION auditlog_append_only()")
    op.drop_index("ix_ledgerentry_original_entry_id", table_name="ledgerentry")
    op.drop_index("ix_balance_active", table_name="balance")
    op.drop_table("rollupwatermark")
    op.drop_table("monthlyrollup")
