"""trust-scope: report jobs have an owner

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 10:00:00.000000

`job.owner` is the username of who asked for the job; stopping it or downloading what it
made is refused to others unless their role allows it (issue 12). Jobs made before this
revision have none: only those roles may act on them.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))
        batch_op.create_index(batch_op.f('ix_job_owner'), ['owner'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_owner'))
        batch_op.drop_column('owner')
