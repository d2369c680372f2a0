"""verdicts: one stamp per reference date

Revision ID: 0022_verdict_stamp
Revises: 0021_audit_reason_words
Create Date: 2026-12-05 19:10:00.000000

`pool_verdict_stamp` holds, per reference date, the data stamp every stored verdict of that date
is known current at (services.planning.verdicts): a refresh that judged again only the pools a
write touched moves this one row instead of the stamp of every `pool_verdict` row (issue 14).
"""
from alembic import op
import sqlalchemy as sa


revision = '0022_verdict_stamp'
down_revision = '0021_audit_reason_words'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'pool_verdict_stamp',
        sa.Column('on_date', sa.Date(), nullable=False),
        sa.Column('stamp', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('on_date'),
    )


def downgrade() -> None:
    op.drop_table('pool_verdict_stamp')
