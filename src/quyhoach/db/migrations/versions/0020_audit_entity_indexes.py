"""a cadre's history found through indexes of the audit entries' subject

Revision ID: 0020_audit_entity_indexes
Revises: 0019_outside_writes
Create Date: 2026-12-05 19:15:00.000000

A dossier's history asks for the entries about a cadre: their subject (`entity`) equal to
"cadre:CODE", starting "cadre:CODE/" or "cadre:CODE|", or a relation filed under two cadres
("…|cadre:CODE/relations"). At 30,000 cadres (680,000 entries) each of these read every entry
(about 1 s a dossier's history, issue 15). On PostgreSQL the index of `entity` is made again
with `varchar_pattern_ops`, which serves LIKE 'prefix%' as well as equality whatever the
database's collation; and the entries filed under two subjects (the only ones with "|") get
an index of their own, so the suffixes are looked for among them alone.
"""
from alembic import op
import sqlalchemy as sa


revision = '0020_audit_entity_indexes'
down_revision = '0019_outside_writes'
branch_labels = None
depends_on = None

JOINT = sa.text("entity LIKE '%|%'")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_auditentry_entity", table_name="auditentry")
        op.create_index("ix_auditentry_entity", "auditentry", ["entity"],
                        postgresql_ops={"entity": "varchar_pattern_ops"})
    op.create_index("ix_auditentry_joint", "auditentry", ["entity"], postgresql_where=JOINT, sqlite_where=JOINT)


def downgrade():
    op.drop_index("ix_auditentry_joint", table_name="auditentry")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_auditentry_entity", table_name="auditentry")
        op.create_index("ix_auditentry_entity", "auditentry", ["entity"])
