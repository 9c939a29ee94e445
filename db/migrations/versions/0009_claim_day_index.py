"""claim day index: a credit reads the resident's day for one action through one index range

Caps and "one trip, one credit" (issue 13) look up a resident's claims for an action on a local day at every
credit. The user_id index alone made that a walk over the resident's whole history; (user_id, local_day,
action_code) keeps it flat as the history grows, and with user_id first it replaces the user_id index.

Revision ID: 0009
Revises: 0008
"""
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_claim_user_day", "claim", ["user_id", "local_day", "action_code"])
    op.drop_index("ix_claim_user_id", table_name="claim")


def downgrade() -> None:
    op.create_index("ix_claim_user_id", "claim", ["user_id"])
    op.drop_index("ix_claim_user_day", table_name="claim")
