"""leaner ledger indexes: every credit writes one leaf page per index, so none may be idle

- ix_ledgerentry_user_id goes: the unique (user_id, seq) index already serves every lookup by user.
- claim_id and original_entry_id are empty on most entries (check-ins, redemptions, all non-reversals):
  partial indexes hold only the rows that name a claim or an original, and answer the same lookups.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SPARSE_COLUMNS = ("claim_id", "original_entry_id")


def upgrade() -> None:
    op.drop_index("ix_ledgerentry_user_id", table_name="ledgerentry")
    for column in SPARSE_COLUMNS:
        op.drop_index(f"ix_ledgerentry_{column}", table_name="ledgerentry")
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(f"ix_ledgerentry_{column}", "ledgerentry", [column], sqlite_where=where,
                        postgresql_where=where)


def downgrade() -> None:
    for column in SPARSE_COLUMNS:
        op.drop_index(f"ix_ledgerentry_{column}", table_name="ledgerentry")
        op.create_index(f"ix_ledgerentry_{column}", "ledgerentry", [column])
    op.create_index("ix_ledgerentry_user_id", "ledgerentry", ["user_id"])
