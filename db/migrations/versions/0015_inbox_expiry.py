"""inbox and mail: messages to residents (a topic and parameters, worded when read) and e-mail opt-in

Points that expire need no table: they are `expire` ledger entries, and their notices are inbox messages.

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import db.types

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("inboxmessage",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("user_id", sa.Integer(), nullable=False),
                    sa.Column("topic", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
                    sa.Column("params", sa.JSON(), nullable=False),
                    sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
                    sa.Column("created_at", db.types.AwareDateTime(), nullable=False),
                    sa.Column("read_at", db.types.AwareDateTime(), nullable=True),
                    sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
                    sa.PrimaryKeyConstraint("id"),
                    sa.UniqueConstraint("key"))
    op.create_index("ix_inboxmessage_user_created", "inboxmessage", ["user_id", "created_at"])
    op.create_table("mailpreference",
                    sa.Column("user_id", sa.Integer(), nullable=False),
                    sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
                    sa.Column("opted_in", sa.Boolean(), nullable=False),
                    sa.Column("updated_at", db.types.AwareDateTime(), nullable=False),
                    sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
                    sa.PrimaryKeyConstraint("user_id"))


def downgrade() -> None:
    op.drop_table("mailpreference")
    op.drop_index("ix_inboxmessage_user_created", table_name="inboxmessage")
    op.drop_table("inboxmessage")
