"""report community: each environmental report keeps its reporter's community (社区) as filed (issue 17)

A community's page listed its district's reports, because a report recorded only the reporter's district. Now
ProblemReport.community holds the reporter's User.community when they file, kept as filed like the district: a
resident who moves later leaves their old reports where they were (points.reports.community_reports). The index
on (community, updated_at) is what a community's page reads: its reports in the public map's window.

Existing reports stay NULL, with no backfill: the reporters' communities today are not the ones they filed in
(someone may have moved since), and a report counted on the wrong community's page would be worse than none. They
remain on the map and count among the reports of no community. Plain ALTER TABLE and an index (SQLite 3.35+ and
PostgreSQL): no batch copy of the table.

Revision ID: 0018
Revises: 0017
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("problemreport", sa.Column("community", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    op.create_index("ix_problemreport_community_updated_at", "problemreport", ["community", "updated_at"])


def downgrade() -> None:
    op.drop_index("ix_problemreport_community_updated_at", table_name="problemreport")
    op.execute("ALTER TABLE problemreport DROP COLUMN community")
