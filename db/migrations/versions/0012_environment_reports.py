"""environment reports: problems residents pin on the map, who said "same problem", and each triage step

A resident reports litter, dumping, a full bin, a blocked trail or polluted water at a spot; others nearby add
themselves instead of filing it twice; admins confirm, assign, fix or close it, each step kept for the reporter.

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import db.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('problemreport',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('photo', sa.LargeBinary(), nullable=True),
    sa.Column('photo_type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('district', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('created_at', db.types.AwareDateTime(), nullable=False),
    sa.Column('updated_at', db.types.AwareDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], ),
    sa.ForeignKeyConstraint(['reporter_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('problemreport', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problemreport_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_problemreport_kind_status', ['kind', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_problemreport_reporter_id'), ['reporter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_problemreport_status'), ['status'], unique=False)

    op.create_table('problemsupport',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', db.types.AwareDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['problemreport.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('report_id', 'user_id')
    )
    with op.batch_alter_table('problemsupport', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problemsupport_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_problemsupport_user_id'), ['user_id'], unique=False)

    op.create_table('problemstep',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=True),
    sa.Column('photo', sa.LargeBinary(), nullable=True),
    sa.Column('photo_type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('created_at', db.types.AwareDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['report_id'], ['problemreport.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('problemstep', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problemstep_report_id'), ['report_id'], unique=False)


def downgrade() -> None:
    op.drop_table('problemstep')
    op.drop_table('problemsupport')
    op.drop_table('problemreport')
