"""Records edited in the app: a cadre's fields, postings (appoint, move, close, correct),
evaluations, confidence votes, disciplines, family relations, units and titles (rename,
merge, close).

Every form is read with the import's own column readers (`tabular.Column.read`) and checked
by the import's own loader (`importer.LOADERS[kind].check`): the app accepts in a form
exactly what it accepts in a file. Every change needs a reason (and, for an act that has
one, the decision reference), is audited field by field — before → after — with the actor
of the request (`audit.current_actor()`), and moves the data stamp so the planning pages
judge again. A wrong record is withdrawn with a reason, never deleted: it stays in the
history and leaves the facts the rules read.

One module per list: `cadres` (the 2C fields), `records` (evaluations, votes, disciplines,
relations, and corrections of any of them), `postings` (appoint, move, close) with
`posting_rules` (kinds, planned ends, directions), `units` (units and titles); `base` holds
what they share. Services flush; the caller commits once.
"""

from quyhoach.services.records.editing.base import (
    ENTITY_OF, NEEDS_DECISION, RECORD_FIELDS, RECORDS, STORED_COLUMNS, Decision, EditError,
    check, decision_of, read_row, reason_of,
)
from quyhoach.services.records.editing.cadres import CADRE_COLUMNS, CADRE_FIELDS, update_cadre, version_of
from quyhoach.services.records.editing.posting_rules import (
    ACT_KINDS, rotation_direction, rotation_months, rotation_params, secondment_months,
)
from quyhoach.services.records.editing.postings import appoint, close_posting
from quyhoach.services.records.editing.records import active_records, add_record, update_record, withdraw, withdrawn_records
from quyhoach.services.records.editing.units import (
    PLANS, OrgPlan, close_title, close_unit, merge_title, merge_unit, preview, rename_title, rename_unit,
)
from quyhoach.services.records.history import Change, HistoryEntry, dossier_history as history

__all__ = [
    "ACT_KINDS", "CADRE_COLUMNS", "CADRE_FIELDS", "ENTITY_OF", "NEEDS_DECISION", "PLANS", "OrgPlan", "RECORDS", "RECORD_FIELDS",
    "STORED_COLUMNS", "Change", "Decision", "EditError", "HistoryEntry", "active_records",
    "add_record", "appoint", "check", "close_posting", "close_title", "close_unit", "decision_of", "history",
    "merge_title", "merge_unit", "preview", "read_row", "reason_of", "rename_title", "rename_unit", "rotation_direction",
    "rotation_months", "rotation_params", "secondment_months", "update_cadre", "version_of",
    "update_record", "withdraw", "withdrawn_records",
]
