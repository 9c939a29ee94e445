"""external identity: a city account (OpenID Connect issuer and subject) linked to one portal user

City single sign-on next to local accounts (issue 16). The pair (issuer, subject) is unique, and a user has at
most one city account per issuer; last_token_issued_at makes each ID token good for one portal sign-in.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import db.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('externalidentity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('created_at', db.types.AwareDateTime(), nullable=False),
    sa.Column('last_sign_in_at', db.types.AwareDateTime(), nullable=False),
    sa.Column('last_token_issued_at', db.types.AwareDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('issuer', 'subject'),
    sa.UniqueConstraint('user_id', 'issuer')
    )


def downgrade() -> None:
    op.drop_table('externalidentity')
