"""Postings: appoint to a title (bổ nhiệm), move (luân chuyển, điều động, biệt phái: the
current main post ends the day before), close (thôi giữ chức vụ), each with its kind and
the decision number and date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from quyhoach.db.models import Posting
from quyhoach.services.platform import audit
from quyhoach.services.records.editing.base import EditError, _cadre, _entity, _written, decision_of, reason_of
from quyhoach.services.records.editing.posting_rules import _current_posts
from quyhoach.services.records.editing.records import _record, add_record
from quyhoach.services.records.tabular import SHEETS, CellError

def appoint(session: Session, code: str, form: Mapping[str, Any], *, reason: str, move: bool = False) -> Posting:
    """Appoint a cadre to a title or position (bổ nhiệm). A move (điều động, luân chuyển)
    also ends the current main post on the day before the new one starts."""
    act = "posting.move" if move else "posting.appoint"
    decision_of(form, act)  # the decision is refused first, with the other problems after
    cadre = _cadre(session, code)
    closing = _current_posts(session, cadre) if move and not form.get("is_concurrent") else []
    posting = add_record(session, "postings", code, {**form, "end_date": ""}, reason=reason, act=act,
                         rotated_from=closing[0] if closing else None)
    for old in closing:
        end = posting.start_date - dt.timedelta(days=1)
        if end < old.start_date:
            raise EditError("ngày bắt đầu vị trí mới phải sau ngày bắt đầu vị trí cũ", {"start_date": "quá sớm"})
        before = audit.snapshot(old, ["end_date", "decision_no", "decision_date"])
        old.end_date = end
        session.add(old)
        _written(session, "posting.close", _entity(code), {"id": old.id, **before},
                 {"id": old.id, "end_date": end, "by_move_to": posting.id}, reason_of(reason))
    return posting


def close_posting(session: Session, code: str, record_id: int, form: Mapping[str, Any], *, reason: str) -> Posting:
    """End a post (thôi giữ chức vụ, nghỉ hưu, chuyển công tác) on the given day."""
    reason = reason_of(reason)
    decision = decision_of(form, "posting.close")
    cadre = _cadre(session, code)
    posting = _record(session, "postings", cadre, record_id)
    if posting.withdrawn_at is not None or posting.end_date is not None:
        raise EditError("vị trí này đã kết thúc hoặc đã bị rút")
    try:
        end = SHEETS["postings"].column("end_date").read(form.get("end_date"))
    except CellError as exc:
        raise EditError(str(exc), {"end_date": str(exc)}) from None
    if end is None:
        raise EditError("cần ghi ngày kết thúc", {"end_date": "bắt buộc"})
    if end < posting.start_date:
        raise EditError("ngày kết thúc trước ngày bắt đầu", {"end_date": "trước ngày bắt đầu"})
    before = audit.snapshot(posting, ["end_date"])
    posting.end_date = end
    session.add(posting)
    _written(session, "posting.close", _entity(code), {"id": posting.id, **before},
             {"id": posting.id, "end_date": end, "kind": posting.kind, "decision_no": decision.number,
              "decision_date": decision.date}, reason)
    return posting
