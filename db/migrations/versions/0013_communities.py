"""communities: each resident's and event's community (社区), and the open-data cells by community

User.community and Checkpoint.community hold an id of assets/communities.json (the city's list). The open-data
cells (month x district x community x action) carry a count of distinct residents, kept exact by one share row per
resident and cell, so the public open data can suppress every cell of fewer than 5 residents. They are folded
from the ledger under their own watermark ("open_data"), which starts at 0: the first refresh after this
migration folds the existing ledger once, in batches, outside any long write. Plain ALTER TABLE on "user": a
batch copy would drop the table every other table points at (see 0011).

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

COMMUNITY_COLUMNS = (("user", "ix_user_community"), ("checkpoint", "ix_checkpoint_community"))


def upgrade() -> None:
    for table, index in COMMUNITY_COLUMNS:
        op.add_column(table, sa.Column("community", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        op.create_index(index, table, ["community"], unique=False)
    op.create_table(
        "opendatacell",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("district", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("community", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("action_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("residents", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("co2e_g", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("month", "district", "community", "action_code"),
    )
    op.create_index("ix_opendatacell_month", "opendatacell", ["month"], unique=False)
    op.create_index("ix_opendatacell_community", "opendatacell", ["community"], unique=False)
    op.create_table(
        "opendatashare",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("co2e_g", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["cell_id"], ["opendatacell.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cell_id", "user_id"),
    )
    op.create_index("ix_opendatashare_cell_id", "opendatashare", ["cell_id"], unique=False)


def downgrade() -> None:
    op.drop_table("opendatashare")
    op.drop_table("opendatacell")
    op.execute(sa.text("DELETE FROM rollupwatermark WHERE name = 'open_data'"))
    for table, index in reversed(COMMUNITY_COLUMNS):
        op.drop_index(index, table_name=table)
        op.execute(f'ALTER TABLE "{table}" DROP COLUMN community')
