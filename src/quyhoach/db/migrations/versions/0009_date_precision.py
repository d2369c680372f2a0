"""date precision: a birth date known only to the month or the year

Revision ID: 0009
Revises: 0008_move_kinds
Create Date: 2026-12-06 09:00:00.000000

Printed lists of older cadres often give "1968" or "05/1968". The date is kept as the
1st of the month or 1 January, and `birth_date_precision` says which ("day", "month",
"year"), so that it is shown as written and the rules can say what they assume.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0009'
down_revision = '0008_move_kinds'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cadre', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birth_date_precision', sqlmodel.sql.sqltypes.AutoString(length=5),
                                      nullable=False, server_default='day'))


def downgrade() -> None:
    with op.batch_alter_table('cadre', schema=None) as batch_op:
        batch_op.drop_column('birth_date_precision')
