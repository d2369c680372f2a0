"""the audit's reasons the app wrote, kept as words the audit page says in the reader's language

Revision ID: 0021_audit_reason_words
Revises: 0020_audit_entity_indexes
Create Date: 2026-12-05 19:30:00.000000

`auditentry.reason_words` holds, for a reason the app itself wrote (an import's "Nhập tệp
«…»", a pool exit on adoption), the JSON of its Phrase (domain.phrase: {"t": msgid, "a":
args}); a person's reason has none. The hash of an entry with words covers them too (a tenth
element of the link's JSON array, services.platform.audit), so the entries written before keep
their hashes: they are not touched here (their import reasons are recognised where they are
shown, `audit.reason_of`), and `quyhoach audit verify` still verifies the whole chain.
"""
from alembic import op
import sqlalchemy as sa


revision = '0021_audit_reason_words'
down_revision = '0020_audit_entity_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_words', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.drop_column('reason_words')
