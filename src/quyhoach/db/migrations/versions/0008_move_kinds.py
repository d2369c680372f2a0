"""move kinds: a posting records its kind (appointment, rotation, transfer, secondment), a
rotation's or secondment's planned end, and a rotation's direction (R3)

Revision ID: 0008_move_kinds
Revises: 0007
Create Date: 2026-12-05 08:00:00.000000

Postings recorded before this have no kind (None: "not recorded"), never a guessed one.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0008_move_kinds'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('posting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column('planned_end', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('direction', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_posting_kind'), ['kind'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('posting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_posting_kind'))
        batch_op.drop_column('direction')
        batch_op.drop_column('planned_end')
        batch_op.drop_column('kind')
