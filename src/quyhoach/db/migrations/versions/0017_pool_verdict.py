"""verdicts: each pool's judgement kept in the database

Revision ID: 0017_pool_verdict
Revises: 0016
Create Date: 2026-12-05 13:00:00.000000

`pool_verdict` holds, per pool and reference date, the verdict summary and the findings not
passed, with the data stamp it is current at (services.planning.verdicts): a whole-province
check reads it and judges again only the pools the change log says were touched since (issue 15).
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0017_pool_verdict'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'pool_verdict',
        sa.Column('pool_id', sa.Integer(), nullable=False),
        sa.Column('on_date', sa.Date(), nullable=False),
        sa.Column('stamp', sa.Integer(), nullable=False),
        sa.Column('title_id', sa.Integer(), nullable=False),
        sa.Column('term_id', sa.Integer(), nullable=False),
        sa.Column('rule_set', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column('passes', sa.Boolean(), nullable=False),
        sa.Column('members', sa.Integer(), nullable=False),
        sa.Column('failing_members', sa.Integer(), nullable=False),
        sa.Column('structure_failures', sa.Integer(), nullable=False),
        sa.Column('severity', sa.Integer(), nullable=False),
        sa.Column('worst', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('findings', sa.JSON(), nullable=False),
        sa.Column('names', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('pool_id', 'on_date'),
    )
    with op.batch_alter_table('pool_verdict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pool_verdict_stamp'), ['stamp'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pool_verdict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pool_verdict_stamp'))
    op.drop_table('pool_verdict')
