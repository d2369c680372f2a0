"""The cadre's own 2C fields, corrected on the dossier (the current post is edited as postings)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from quyhoach.db.models import utcnow
from quyhoach.services.platform import audit
from quyhoach.services.records.editing.base import EditError, _cadre, _diff, _entity, _written, check, read_row, reason_of
from quyhoach.services.records.tabular import SHEETS

CADRE_FIELDS = tuple(c.key for c in SHEETS["cadres"].columns
                     if c.key not in ("code", "unit_code", "position", "title_code", "position_since"))
# The stored columns those fields become (compared before → after).
CADRE_COLUMNS = ("full_name", "other_names", "birth_date", "sex", "ethnicity_code", "religion", "hometown",
                 "hometown_unit_id", "birthplace", "party_entry_date", "party_official_date", "education",
                 "theory_level", "state_mgmt_level", "foreign_language", "it_level", "note")


def update_cadre(session: Session, code: str, form: Mapping[str, Any], *, reason: str) -> dict[str, Any]:
    """Correct the 2C fields of a cadre; returns the fields changed (before → after)."""
    reason = reason_of(reason)
    cadre = _cadre(session, code)
    row = read_row(SHEETS["cadres"], form, CADRE_FIELDS, {"code": cadre.code})
    record = check(session, "cadres", row)
    wanted = {k: record[k] for k in CADRE_COLUMNS}
    before, after = _diff(audit.snapshot(cadre, list(CADRE_COLUMNS)), wanted)
    if not after:
        raise EditError("không có trường nào thay đổi")
    for key in after:
        setattr(cadre, key, wanted[key])
    cadre.search_text, cadre.sort_key = record["search_text"], record["sort_key"]
    cadre.updated_at = utcnow()
    session.add(cadre)
    _written(session, "cadre.update", _entity(code), before, after, reason)
    return after
