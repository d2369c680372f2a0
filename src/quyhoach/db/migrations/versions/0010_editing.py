"""editing: records withdrawn with a reason, postings with their decision, titles closed

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10 09:00:00.000000

Records edited in the app (issue 11): a wrong posting, evaluation, confidence vote,
discipline or family relation is withdrawn, not deleted (when, why, by whom); a posting
carries the number and date of the decision that made it; a title can be closed (or merged
into another) like a unit.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

WITHDRAWABLE = ('posting', 'evaluation', 'confidencevote', 'discipline', 'relation')


def upgrade() -> None:
    for table in WITHDRAWABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('withdrawn_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
            batch_op.add_column(sa.Column('withdrawn_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
            batch_op.add_column(sa.Column('withdrawn_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))
    with op.batch_alter_table('posting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_no', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True))
        batch_op.add_column(sa.Column('decision_date', sa.Date(), nullable=True))
    with op.batch_alter_table('title', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table('title', schema=None) as batch_op:
        batch_op.drop_column('active')
    with op.batch_alter_table('posting', schema=None) as batch_op:
        batch_op.drop_column('decision_date')
        batch_op.drop_column('decision_no')
    for table in reversed(WITHDRAWABLE):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('withdrawn_by')
            batch_op.drop_column('withdrawn_reason')
            batch_op.drop_column('withdrawn_at')
