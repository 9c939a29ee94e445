"""partners: verified sources, consent links, their events and tallies; self-report share and cap per action

Partner systems (metro, bike share, recycling machines, utilities) report what linked residents did; each claim
now says where it came from (claim.source, claim.partner_id). Claim gains its columns by plain ALTER TABLE:
a batch copy of claim would drop a table the ledger points at.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import db.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None
ACTIVE = {"sqlite_where": sa.text("withdrawn_at IS NULL"), "postgresql_where": sa.text("withdrawn_at IS NULL")}


def upgrade() -> None:
    op.create_table('partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('actions', sa.JSON(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('rate_limit_per_minute', sa.Integer(), nullable=False),
    sa.Column('created_at', db.types.AwareDateTime(), nullable=False),
    sa.Column('updated_at', db.types.AwareDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('partnerkey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('salt', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', db.types.AwareDateTime(), nullable=False),
    sa.Column('valid_until', db.types.AwareDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('partnerkey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnerkey_partner_id'), ['partner_id'], unique=False)

    op.create_table('partnerlinkcode',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('consent_version', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('operator', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('created_at', db.types.AwareDateTime(), nullable=False),
    sa.Column('expires_at', db.types.AwareDateTime(), nullable=False),
    sa.Column('used_at', db.types.AwareDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_hash')
    )
    with op.batch_alter_table('partnerlinkcode', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnerlinkcode_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnerlinkcode_user_id'), ['user_id'], unique=False)

    op.create_table('partnertally',
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('day', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.PrimaryKeyConstraint('partner_id', 'day', 'outcome')
    )
    op.create_table('partnerlink',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=True),
    sa.Column('consent_version', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('consent_given_at', db.types.AwareDateTime(), nullable=False),
    sa.Column('withdrawn_at', db.types.AwareDateTime(), nullable=True),
    sa.Column('withdrawn_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['code_id'], ['partnerlinkcode.id'], ),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['withdrawn_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('partnerlink', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnerlink_user_id'), ['user_id'], unique=False)
        batch_op.create_index('ux_partnerlink_active_subject', ['partner_id', 'subject'], unique=True, **ACTIVE)
        batch_op.create_index('ux_partnerlink_active_user', ['partner_id', 'user_id'], unique=True, **ACTIVE)

    op.create_table('partnerevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('external_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('action_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('quantity', sa.Float(), nullable=False),
    sa.Column('occurred_at', db.types.AwareDateTime(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('received_at', db.types.AwareDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], ),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('partner_id', 'external_id')
    )
    with op.batch_alter_table('partnerevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnerevent_user_id'), ['user_id'], unique=False)

    op.add_column("actiontype", sa.Column("self_share", sa.Float(), nullable=False, server_default="1.0"))
    op.add_column("actiontype", sa.Column("self_daily_cap", sa.Float(), nullable=True))
    op.add_column("claim", sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False,
                                     server_default="self"))
    op.execute("ALTER TABLE claim ADD COLUMN partner_id INTEGER REFERENCES partner (id)")
    op.execute("UPDATE claim SET source = CASE WHEN checkpoint_id IS NOT NULL THEN 'checkpoint' ELSE 'staff' END "
               "WHERE status_reason = 'verified'")


def downgrade() -> None:
    op.execute("ALTER TABLE claim DROP COLUMN partner_id")
    op.execute("ALTER TABLE claim DROP COLUMN source")
    op.drop_column("actiontype", "self_daily_cap")
    op.drop_column("actiontype", "self_share")

    with op.batch_alter_table('partnerevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnerevent_user_id'))

    op.drop_table('partnerevent')
    with op.batch_alter_table('partnerlink', schema=None) as batch_op:
        batch_op.drop_index('ux_partnerlink_active_user', **ACTIVE)
        batch_op.drop_index('ux_partnerlink_active_subject', **ACTIVE)
        batch_op.drop_index(batch_op.f('ix_partnerlink_user_id'))

    op.drop_table('partnerlink')
    op.drop_table('partnertally')
    with op.batch_alter_table('partnerlinkcode', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnerlinkcode_user_id'))
        batch_op.drop_index(batch_op.f('ix_partnerlinkcode_partner_id'))

    op.drop_table('partnerlinkcode')
    with op.batch_alter_table('partnerkey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnerkey_partner_id'))

    op.drop_table('partnerkey')
    op.drop_table('partner')
