"""elder mode (适老化): each user's choice of large text, high contrast and big tap targets

A visitor's choice lives in the session and the ?elder=1 query parameter; a signed-in user's is kept here so it
follows them to any device. Plain ALTER TABLE (SQLite 3.35+ and PostgreSQL): a batch copy of "user" would drop
the table that every other table points at.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("user", sa.Column("elder_mode", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.execute('ALTER TABLE "user" DROP COLUMN elder_mode')
