"""incremental: the planning change log

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 10:00:00.000000

Every write transaction that touches planning facts records which cadres and pools it changed
(`planning_change`, keyed by the data stamp it moved the counter from and to), so each web process
brings its planning world up to date by re-reading those alone (issue 15).
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'planning_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('stamp_from', sa.Integer(), nullable=False),
        sa.Column('stamp_to', sa.Integer(), nullable=False),
        sa.Column('full', sa.Boolean(), nullable=False),
        sa.Column('rules', sa.Boolean(), nullable=False),
        sa.Column('cadre_ids', sa.JSON(), nullable=False),
        sa.Column('pool_ids', sa.JSON(), nullable=False),
        sa.Column('tables', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('planning_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planning_change_stamp_to'), ['stamp_to'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('planning_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_planning_change_stamp_to'))
    op.drop_table('planning_change')
