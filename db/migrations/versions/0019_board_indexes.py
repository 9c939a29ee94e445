"""board indexes: the leaderboards read their top and a viewer's neighbours down an index of points (issue 15)

Measured by `python -m bench scale --big` on PostgreSQL: with every one of 100,000 residents on the board, each
of the board's ordered reads (top ten, two above, two below) sorted the whole earned-totals table. With an index
on points (and on (week, points) for the week's board) they read down it and stop after a few rows.

Revision ID: 0019
Revises: 0018
"""
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_earnedtotal_points", "earnedtotal", ["points"])
    op.create_index("ix_earnedweek_week_points", "earnedweek", ["week", "points"])


def downgrade() -> None:
    op.drop_index("ix_earnedweek_week_points", table_name="earnedweek")
    op.drop_index("ix_earnedtotal_points", table_name="earnedtotal")
