"""papers: the date the resolution adopting a plan was signed

Revision ID: 0016
Revises: 0015_dossier_2c_salary
Create Date: 2026-12-05 13:00:00.000000

The decision report cites "Nghị quyết số … ngày …": the day the Standing Committee signed
the resolution, which is not always the day the moves take effect (`adopted_on`). Existing
adoptions take their effective date, which is what the papers printed until now.
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015_dossier_2c_salary'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('adoption', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signed_on', sa.Date(), nullable=True))
    op.execute("UPDATE adoption SET signed_on = adopted_on WHERE signed_on IS NULL")


def downgrade() -> None:
    with op.batch_alter_table('adoption', schema=None) as batch_op:
        batch_op.drop_column('signed_on')
