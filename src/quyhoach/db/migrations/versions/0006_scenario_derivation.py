"""scenario derivation: how a scenario came from its parent (copy, relaxed rule)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 07:10:00.000000

Before this, the kind was read from the name ("… (bản sao)", "… — nới: …"); the rows
that have a parent are given their kind from the name once, here.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('scenario', schema=None) as batch_op:
        batch_op.add_column(sa.Column('derivation', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column('relaxed_rule', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column('relaxed_subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
    scenario = sa.table('scenario', sa.column('parent_id', sa.Integer()), sa.column('name', sa.String()),
                        sa.column('derivation', sa.String()))
    op.execute(scenario.update().where(scenario.c.parent_id.is_not(None), scenario.c.name.like('% — nới: %'))
               .values(derivation='relaxed'))
    op.execute(scenario.update().where(scenario.c.parent_id.is_not(None), scenario.c.derivation.is_(None))
               .values(derivation='copy'))


def downgrade() -> None:
    with op.batch_alter_table('scenario', schema=None) as batch_op:
        batch_op.drop_column('relaxed_subject')
        batch_op.drop_column('relaxed_rule')
        batch_op.drop_column('derivation')
