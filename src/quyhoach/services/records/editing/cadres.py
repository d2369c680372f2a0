"""The cadre's own 2C fields, corrected on the dossier (the current post is edited as postings)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from quyhoach.db.models import Cadre, Unit, utcnow
from quyhoach.services.platform import audit
from quyhoach.services.records.editing.base import EditError, _cadre, _diff, _entity, _written, check, read_row, reason_of
from quyhoach.services.records.dossier_2c_columns import DOSSIER_2C_FIELDS
from quyhoach.services.records.tabular import SHEETS

CADRE_FIELDS = tuple(c.key for c in SHEETS["cadres"].columns
                     if c.key not in ("code", "unit_code", "position", "title_code", "position_since"))
# The stored columns those fields become (compared before → after).
CADRE_COLUMNS = ("full_name", "other_names", "birth_date", "sex", "ethnicity_code", "religion", "hometown",
                 "hometown_unit_id", "birthplace", "party_entry_date", "party_official_date", "education",
                 "theory_level", "state_mgmt_level", "foreign_language", "it_level", "note", *DOSSIER_2C_FIELDS)


def _stored(session: Session, cadre: Cadre, key: str) -> Any:
    """A field as its column reads it, from what is stored (the ethnicity and the hometown
    unit by their codes)."""
    if key == "ethnicity":
        return cadre.ethnicity_code
    if key == "hometown_unit_code":
        unit = session.get(Unit, cadre.hometown_unit_id) if cadre.hometown_unit_id else None
        return unit.code if unit else None
    return getattr(cadre, key)


def version_of(cadre: Cadre) -> str:
    """The version of a dossier a form was opened on: the moment its fields last changed."""
    return cadre.updated_at.isoformat()


def _claim(session: Session, cadre: Cadre, version: str) -> dt.datetime:
    """Move the dossier's version on, in one UPDATE conditioned on the version the form was
    opened on: of N officers saving at once from the same version, one moves it, the others
    match no row (on PostgreSQL they wait for the first to commit, then find it changed)."""
    try:
        expected = dt.datetime.fromisoformat(version)
    except (TypeError, ValueError):
        raise EditError("biểu mẫu không có phiên bản của hồ sơ: hãy mở lại biểu mẫu", {"phien_ban": "thiếu"}) from None
    now = utcnow()
    claimed = session.execute(sa.update(Cadre).where(Cadre.id == cadre.id, Cadre.updated_at == expected)
                              .values(updated_at=now).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise EditError("hồ sơ vừa được người khác sửa sau khi anh/chị mở biểu mẫu: hãy mở lại biểu mẫu để xem "
                        "thông tin mới rồi sửa lại", {"phien_ban": "đã cũ"})
    return now


def update_cadre(session: Session, code: str, form: Mapping[str, Any], *, reason: str,
                 version: str | None = None) -> dict[str, Any]:
    """Correct the 2C fields of a cadre; returns the fields changed (before → after). Only the
    fields the form gives are read: one it does not carry keeps what is stored (a field given
    empty is cleared). `version` (`version_of` when the form was opened): refused if the dossier changed since;
    the web's form always gives it, a command that reads and writes at once need not."""
    reason = reason_of(reason)
    cadre = _cadre(session, code)
    given = tuple(key for key in CADRE_FIELDS if key in form)
    kept = {key: _stored(session, cadre, key) for key in CADRE_FIELDS if key not in form}
    row = read_row(SHEETS["cadres"], form, given, {"code": cadre.code, **kept})
    record = check(session, "cadres", row)
    wanted = {k: record[k] for k in CADRE_COLUMNS}
    before, after = _diff(audit.snapshot(cadre, list(CADRE_COLUMNS)), wanted)
    if not after:
        raise EditError("không có trường nào thay đổi")
    now = _claim(session, cadre, version) if version is not None else utcnow()
    for key in after:
        setattr(cadre, key, wanted[key])
    cadre.search_text, cadre.sort_key = record["search_text"], record["sort_key"]
    cadre.updated_at = now
    session.add(cadre)
    _written(session, "cadre.update", _entity(code), before, after, reason)
    return after
