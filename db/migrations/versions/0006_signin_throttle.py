"""sign-in throttle per client and account instead of a hard lock-out of the account

Five wrong passwords from anyone used to lock any account (user.locked_until): a weapon against the owner.
Runs of failures now live in signinthrottle, per (client, account), per client and per account, with
backoff; the user keeps only what the owner is told after signing in (failed_signins, last_failed_at).
Plain ALTER TABLE (SQLite 3.35+ and PostgreSQL): a batch copy of "user" would drop the table that every
other table points at.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

import db.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signinthrottle",
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("last_at", db.types.AwareDateTime(), nullable=False),
        sa.Column("blocked_until", db.types.AwareDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("scope", "client", "account"),
    )
    op.create_index("ix_signinthrottle_account", "signinthrottle", ["account"])
    op.create_index("ix_signinthrottle_last_at", "signinthrottle", ["last_at"])
    op.execute('ALTER TABLE "user" DROP COLUMN locked_until')
    op.execute('ALTER TABLE "user" DROP COLUMN first_failed_at')
    op.add_column("user", sa.Column("last_failed_at", db.types.AwareDateTime(), nullable=True))
    op.execute('UPDATE "user" SET failed_signins = 0')  # it counted a lock-out window, not "since last sign-in"


def downgrade() -> None:
    op.execute('ALTER TABLE "user" DROP COLUMN last_failed_at')
    op.add_column("user", sa.Column("first_failed_at", db.types.AwareDateTime(), nullable=True))
    op.add_column("user", sa.Column("locked_until", db.types.AwareDateTime(), nullable=True))
    op.drop_index("ix_signinthrottle_last_at", table_name="signinthrottle")
    op.drop_index("ix_signinthrottle_account", table_name="signinthrottle")
    op.drop_table("signinthrottle")
