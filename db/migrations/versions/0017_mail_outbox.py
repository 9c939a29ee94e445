"""mail outbox: e-mail copies of inbox messages wait in a table until a sender delivers them (issue 17 review)

The copy used to leave over SMTP from the session's after_commit hook, in the thread of the page that caused it:
the page waited for the mail server (up to its 10 s timeout), and a crash between the commit and the send lost
the letter. Now it is a row written in the message's own transaction and sent by `manage.py send-mail` or the
portal's sender thread (points/inbox/outbox.py). A plain CREATE TABLE on SQLite and PostgreSQL.

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import db.types

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("mailoutbox",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("user_id", sa.Integer(), nullable=False),
                    sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
                    sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
                    sa.Column("subject", sa.Text(), nullable=False),
                    sa.Column("body", sa.Text(), nullable=False),
                    sa.Column("created_at", db.types.AwareDateTime(), nullable=False),
                    sa.Column("retry_at", db.types.AwareDateTime(), nullable=True),
                    sa.Column("sent_at", db.types.AwareDateTime(), nullable=True),
                    sa.Column("attempts", sa.Integer(), nullable=False),
                    sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=True),
                    sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
                    sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_mailoutbox_user_id", "mailoutbox", ["user_id"])
    op.create_index("ix_mailoutbox_queue", "mailoutbox", ["sent_at", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_mailoutbox_queue", table_name="mailoutbox")
    op.drop_index("ix_mailoutbox_user_id", table_name="mailoutbox")
    op.drop_table("mailoutbox")
