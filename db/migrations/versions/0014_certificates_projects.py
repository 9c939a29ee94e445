"""certificates and public projects: projects residents give points to, each gift, and issued certificates

A gift is a `give` ledger entry (negative); a cancelled project's refund is a second `give` entry (positive)
naming the gift's entry, recorded once on the gift row. A certificate row freezes what it states; its QR link
carries only the row's id and a signature over those fields.

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import db.types

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title_zh', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('title_en', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('description_zh', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('description_en', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('goal_points', sa.Integer(), nullable=False),
    sa.Column('raised_points', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', db.types.AwareDateTime(), nullable=False),
    sa.Column('updated_at', db.types.AwareDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_status'), ['status'], unique=False)

    op.create_table('projectgift',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('refund_entry_id', sa.Integer(), nullable=True),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('created_at', db.types.AwareDateTime(), nullable=False),
    sa.Column('refunded_at', db.types.AwareDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['ledgerentry.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.ForeignKeyConstraint(['refund_entry_id'], ['ledgerentry.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    with op.batch_alter_table('projectgift', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projectgift_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projectgift_user_id'), ['user_id'], unique=False)

    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('hours', sa.Float(), nullable=True),
    sa.Column('events', sa.Integer(), nullable=True),
    sa.Column('points', sa.Integer(), nullable=True),
    sa.Column('co2e_g', sa.Integer(), nullable=True),
    sa.Column('gift_id', sa.Integer(), nullable=True),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('issued_at', db.types.AwareDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['gift_id'], ['projectgift.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_user_id'))
    op.drop_table('certificate')
    with op.batch_alter_table('projectgift', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projectgift_user_id'))
        batch_op.drop_index(batch_op.f('ix_projectgift_project_id'))
    op.drop_table('projectgift')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_status'))
    op.drop_table('project')
