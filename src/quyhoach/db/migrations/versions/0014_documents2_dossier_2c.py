"""documents2: the rest of form 2C on the cadre

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 10:45:00.000000

The sơ yếu lý lịch (mẫu 2C-TCTW-98 / 2C/2008) in its official layout needs what planning
does not read: addresses, recruitment, grade and salary, education and training, honours,
health, ID numbers, the full family declaration and the managing body's assessment
(services/records/tabular.DOSSIER_2C_COLUMNS). All optional: a record without them prints
the form with its lines left to fill in.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

TEXT = {
    'residence': 200, 'phone': 40, 'family_origin': 120, 'prior_occupation': 200, 'recruited_by': 200,
    'mass_orgs': 300, 'military': 200, 'general_education': 20, 'academic_title': 120, 'civil_grade': 120,
    'honorary_titles': 200, 'strengths': 200, 'awards': 2000, 'health': 120, 'war_status': 120, 'id_number': 20,
    'insurance_no': 20, 'training': 3000, 'personal_history': 2000, 'family': 6000, 'family_economy': 1000,
    'assessment': 3000,
}
DATES = ('recruited_on', 'current_agency_since', 'salary_since', 'id_issued_on')


def upgrade() -> None:
    with op.batch_alter_table('cadre', schema=None) as batch_op:
        for name, length in TEXT.items():
            batch_op.add_column(sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=True))
        for name in DATES:
            batch_op.add_column(sa.Column(name, sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('salary_step', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('salary_coefficient', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cadre', schema=None) as batch_op:
        for name in ('salary_coefficient', 'salary_step', *reversed(DATES), *reversed(list(TEXT))):
            batch_op.drop_column(name)
