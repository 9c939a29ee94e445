"""earned points: each resident's earned points per local week and ever, folded with the rollups

The leaderboards summed the whole ledger on every render (all time: 26 ms at 10k entries, 2.7 s at 1M). These
two tables are kept by the rollups' refresh, in the same batch and under the same watermark; the entries the
watermark already passed are summed here once, so the boards start complete.

Revision ID: 0010
Revises: 0009
"""
from collections import defaultdict
from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import db.types
from db.config import get_settings

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ENTRIES = sa.table("ledgerentry", sa.column("id", sa.Integer), sa.column("user_id", sa.Integer),
                   sa.column("created_at", db.types.AwareDateTime()), sa.column("kind", sa.String),
                   sa.column("redemption_id", sa.Integer), sa.column("points", sa.Integer))
WATERMARK = sa.table("rollupwatermark", sa.column("name", sa.String), sa.column("last_entry_id", sa.Integer))


def _backfill() -> None:
    """Sum the entries the rollups already folded (id <= watermark) by local week and user, as refresh would."""
    connection = op.get_bind()
    mark = connection.execute(sa.select(WATERMARK.c.last_entry_id).where(WATERMARK.c.name == "daily")).scalar()
    if not mark:
        return
    earned = sa.or_(ENTRIES.c.kind == "earn", sa.and_(ENTRIES.c.kind == "reversal", ENTRIES.c.redemption_id.is_(None)))
    rows = connection.execute(sa.select(ENTRIES.c.user_id, ENTRIES.c.created_at, ENTRIES.c.points)
                              .where(ENTRIES.c.id <= mark, earned))
    zone = ZoneInfo(get_settings().timezone)
    weeks: dict[tuple[str, int], int] = defaultdict(int)
    for user_id, created_at, points in rows:
        day = created_at.astimezone(zone).date()
        weeks[((day - timedelta(days=day.weekday())).isoformat(), user_id)] += points
    totals: dict[int, int] = defaultdict(int)
    for (_week, user_id), points in weeks.items():
        totals[user_id] += points
    if weeks:
        op.bulk_insert(sa.table("earnedweek", sa.column("week"), sa.column("user_id"), sa.column("points")),
                       [{"week": week, "user_id": user, "points": points} for (week, user), points in weeks.items()])
        op.bulk_insert(sa.table("earnedtotal", sa.column("user_id"), sa.column("points")),
                       [{"user_id": user, "points": points} for user, points in totals.items()])


def upgrade() -> None:
    op.create_table("earnedweek",
                    sa.Column("week", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
                    sa.Column("user_id", sa.Integer(), nullable=False),
                    sa.Column("points", sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
                    sa.PrimaryKeyConstraint("week", "user_id"))
    op.create_table("earnedtotal",
                    sa.Column("user_id", sa.Integer(), nullable=False),
                    sa.Column("points", sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
                    sa.PrimaryKeyConstraint("user_id"))
    _backfill()


def downgrade() -> None:
    op.drop_table("earnedtotal")
    op.drop_table("earnedweek")
