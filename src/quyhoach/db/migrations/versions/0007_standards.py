"""standards: title requirements (QĐ 365, P15) and political-standard conclusions (P9)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 09:00:00.000000

The titles gain the theory level, state-management level and degree they require; the
conclusions that a cadre does not meet the political standard get their own table. The
shipped planning sets stored before this get the corrected young age at district level
(40, was 35) when still at the old default, and the framework P15 names (QĐ 214 for the
QĐ 50 set, QĐ 365 for the QĐ 377 set). The retirement rule set itself is seeded by
`quyhoach db upgrade` with the other shipped sets.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_P15_BASIS = {
    "QD50-2021": "Quy định 214-QĐ/TW ngày 02/01/2020 (khung tiêu chuẩn chức danh)",
    "QD377-2025": "Quy định 365-QĐ/TW năm 2025 (khung tiêu chuẩn chức danh, thay Quy định 214-QĐ/TW)",
}


def _rule_sets():
    return sa.table('ruleset', sa.column('id', sa.Integer()), sa.column('code', sa.String()),
                    sa.column('params', sa.JSON()))


def _update_shipped_sets(young_from: int, young_to: int, add_basis: bool) -> None:
    table = _rule_sets()
    connection = op.get_bind()
    rows = connection.execute(sa.select(table.c.id, table.c.code, table.c.params)
                              .where(table.c.code.in_(list(_P15_BASIS)))).all()
    for id_, code, params in rows:
        params = dict(params or {})
        young = dict(params.get("young_age") or {})
        if young.get("district") == young_from:
            young["district"] = young_to
            params["young_age"] = young
        basis = dict(params.get("rule_basis") or {})
        if add_basis:
            basis.setdefault("P15", _P15_BASIS[code])
        else:
            basis.pop("P15", None)
        params["rule_basis"] = basis
        connection.execute(table.update().where(table.c.id == id_).values(params=params))


def upgrade() -> None:
    with op.batch_alter_table('title', schema=None) as batch_op:
        batch_op.add_column(sa.Column('required_theory', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column('required_state_mgmt', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column('required_degree', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
    op.create_table(
        'politicalconclusion',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cadre_id', sa.Integer(), nullable=False),
        sa.Column('concluded_on', sa.Date(), nullable=False),
        sa.Column('body', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column('document_no', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
        sa.Column('content', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('cadre_id', 'concluded_on', 'body', name='uq_political_conclusion'),
    )
    with op.batch_alter_table('politicalconclusion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_politicalconclusion_cadre_id'), ['cadre_id'], unique=False)
    _update_shipped_sets(35, 40, add_basis=True)


def downgrade() -> None:
    _update_shipped_sets(40, 35, add_basis=False)
    with op.batch_alter_table('politicalconclusion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_politicalconclusion_cadre_id'))
    op.drop_table('politicalconclusion')
    with op.batch_alter_table('title', schema=None) as batch_op:
        batch_op.drop_column('required_degree')
        batch_op.drop_column('required_state_mgmt')
        batch_op.drop_column('required_theory')
