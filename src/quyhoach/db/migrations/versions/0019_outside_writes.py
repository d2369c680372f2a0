"""writes made outside the app (psql, a script) logged as a change that rebuilds whole

Revision ID: 0019_outside_writes
Revises: 0018_event_phrase
Create Date: 2026-12-05 19:10:00.000000

On PostgreSQL, a statement trigger on every table whose rows feed the planning facts moves the
data stamp and records a "rebuild whole" change when the connection that wrote is not the
app's (db.outside_writes). Nothing on SQLite.
"""
from alembic import op

from quyhoach.db import outside_writes


revision = '0019_outside_writes'
down_revision = '0018_event_phrase'
branch_labels = None
depends_on = None

# The tables watched by the planning change log at this revision (services.planning.changes.WATCHED).
TABLES = ("cadre", "confidencevote", "discipline", "evaluation", "level", "politicalconclusion", "pool",
          "poolentry", "posting", "proposal", "relation", "ruleset", "term", "title", "unit")


def upgrade() -> None:
    outside_writes.install(op.get_bind(), TABLES)


def downgrade() -> None:
    outside_writes.remove(op.get_bind(), TABLES)
