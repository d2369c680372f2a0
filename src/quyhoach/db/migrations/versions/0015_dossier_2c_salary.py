"""dossier 2C: the salary history, the spouse's family and the self-assessment

Revision ID: 0015_dossier_2c_salary
Revises: 0014
Create Date: 2026-12-05 13:00:00.000000

Form 2C declares the family in two parts (the cadre's own: parents, spouse, children, siblings;
the spouse's: parents and siblings), gives the salary history (month/year, grade/step,
coefficient) under the family's economy, and has the declarant's own assessment beside the
managing body's. All three are lists kept one entry a line (services/records/dossier_2c_columns),
optional: a record without them prints the form with its lines left to fill in.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0015_dossier_2c_salary'
down_revision = '0014'
branch_labels = None
depends_on = None

TEXT = {'spouse_family': 6000, 'salary_history': 2000, 'self_assessment': 3000}


def upgrade() -> None:
    with op.batch_alter_table('cadre', schema=None) as batch_op:
        for name, length in TEXT.items():
            batch_op.add_column(sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cadre', schema=None) as batch_op:
        for name in reversed(list(TEXT)):
            batch_op.drop_column(name)
