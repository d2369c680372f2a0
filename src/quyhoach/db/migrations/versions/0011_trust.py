"""trust: temporary lockouts and revocable sessions

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-12 09:00:00.000000

A user's failed sign-ins lock the account for a growing while (`locked_until`), never for
good; sign-out, a password change and deactivation raise `session_generation`, which every
session carries, so a cookie saved before them stops working (issue 12).

The audit chain becomes keyed (HMAC, key in the instance folder): entries written before
this revision were chained with plain SHA-256 and are verified that way; `audithead.keyed_from`
records the first keyed entry.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('audithead', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keyed_from', sa.Integer(), nullable=False, server_default='1'))
    # The entries already written keep their SHA-256 links; the next one is the first keyed.
    op.execute("UPDATE audithead SET keyed_from = seq + 1")


def downgrade() -> None:
    with op.batch_alter_table('audithead', schema=None) as batch_op:
        batch_op.drop_column('keyed_from')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
        batch_op.drop_column('locked_until')
