"""check-in seats: capacity without a lock on the checkpoint's row (issue 15)

Every scan used to lock its checkpoint's row (FOR UPDATE) to count the check-ins against the capacity, so a
station's scans queued one after another. A seat number unique per checkpoint and period holds the capacity
instead (points.checkin.seats). Existing check-ins are numbered in arrival order. Plain ALTER TABLE and a unique
index (SQLite 3.35+ and PostgreSQL): no batch copy of the table.

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("checkin", sa.Column("seat", sa.Integer(), nullable=True))
    op.execute("UPDATE checkin SET seat = (SELECT count(*) FROM checkin AS earlier"
               " WHERE earlier.checkpoint_id = checkin.checkpoint_id AND earlier.period = checkin.period"
               " AND (earlier.checked_in_at < checkin.checked_in_at"
               " OR (earlier.checked_in_at = checkin.checked_in_at AND earlier.id <= checkin.id)))")
    op.create_index("uq_checkin_seat", "checkin", ["checkpoint_id", "period", "seat"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_checkin_seat", table_name="checkin")
    op.execute("ALTER TABLE checkin DROP COLUMN seat")
