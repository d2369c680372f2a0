"""Units and titles renamed, merged (the 2025 reform merged communes and provinces) or
closed, with a reason and, for a merger or a closing, the decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, select

from quyhoach.db.models import Posting, Title, Unit
from quyhoach.services.platform import audit
from quyhoach.services.records.editing.base import Decision, EditError, _diff, _written, decision_of, reason_of
from quyhoach.services.records.tabular import SHEETS, CellError

def _unit(session: Session, code: str) -> Unit:
    unit = session.exec(select(Unit).where(Unit.code == code)).one_or_none()
    if unit is None:
        raise EditError(f"không có đơn vị mã «{code}»")
    return unit


def _title(session: Session, code: str) -> Title:
    title = session.exec(select(Title).where(Title.code == code)).one_or_none()
    if title is None:
        raise EditError(f"không có chức danh mã «{code}»")
    return title


def _read(sheet: str, key: str, value: Any) -> Any:
    try:
        return SHEETS[sheet].column(key).read(value)
    except CellError as exc:
        raise EditError(str(exc), {key: str(exc)}) from None


def _effective(form: Mapping[str, Any]) -> dt.date:
    on = _read("postings", "start_date", form.get("on"))
    if on is None:
        raise EditError("cần ghi ngày có hiệu lực", {"on": "bắt buộc"})
    return on


def rename_unit(session: Session, code: str, form: Mapping[str, Any], *, reason: str) -> Unit:
    reason = reason_of(reason)
    unit = _unit(session, code)
    name = _read("units", "name", form.get("name"))
    short = _read("units", "short_name", form.get("short_name"))
    if not name:
        raise EditError("cần ghi tên đơn vị", {"name": "bắt buộc"})
    from quyhoach.domain.text import fold

    before, after = _diff(audit.snapshot(unit, ["name", "short_name"]), {"name": name, "short_name": short})
    if not after:
        raise EditError("không có trường nào thay đổi")
    unit.name, unit.short_name = name, short
    unit.search_text = fold(" ".join(filter(None, (name, short, unit.code))))
    session.add(unit)
    _written(session, "unit.rename", f"unit:{code}", before, after, reason)
    return unit


def _current_in(session: Session, *, unit_id: int | None = None, title_id: int | None = None) -> list[Posting]:
    query = select(Posting).where(Posting.end_date.is_(None), Posting.withdrawn_at.is_(None))
    query = query.where(Posting.unit_id == unit_id) if unit_id is not None else query.where(Posting.title_id == title_id)
    return list(session.exec(query))


def _transfer(session: Session, posts: list[Posting], on: dt.date, decision: Decision, *, unit_id: int,
              title_id: int | None, keep_title: bool) -> int:
    """Posts held in a unit or title that closes by merger: each ends the day before `on` and
    continues in the unit (or title) it merged into, the same position, from `on`."""
    moved = 0
    for old in posts:
        if old.start_date >= on:
            raise EditError("có người nhận chức vụ từ ngày có hiệu lực trở đi; hãy chọn ngày khác")
        old.end_date = on - dt.timedelta(days=1)
        session.add(old)
        session.add(Posting(cadre_id=old.cadre_id, unit_id=unit_id, title_id=old.title_id if keep_title else title_id,
                            position=old.position, start_date=on, is_concurrent=old.is_concurrent,
                            decision_no=decision.number, decision_date=decision.date))
        moved += 1
    return moved


def merge_unit(session: Session, code: str, form: Mapping[str, Any], *, reason: str) -> Unit:
    """Merge a unit into another (the 2025 reform merged communes and provinces): its
    sub-units and titles move to the other, the posts held in it continue there from the
    effective day, and it closes. The history before that day is left as it was."""
    reason = reason_of(reason)
    decision = decision_of(form, "unit.merge")
    unit = _unit(session, code)
    into = _unit(session, (_read("units", "parent_code", form.get("into")) or ""))
    on = _effective(form)
    if into.id == unit.id or not unit.active or not into.active:
        raise EditError("chỉ hợp nhất vào một đơn vị khác đang hoạt động", {"into": "không hợp lệ"})
    ancestor = into
    while ancestor.parent_id is not None:
        if ancestor.parent_id == unit.id:
            raise EditError("không thể hợp nhất vào đơn vị cấp dưới của chính nó", {"into": "là đơn vị cấp dưới"})
        ancestor = session.get(Unit, ancestor.parent_id)
    children = list(session.exec(select(Unit).where(Unit.parent_id == unit.id)))
    titles = list(session.exec(select(Title).where(Title.unit_id == unit.id)))
    moved = _transfer(session, _current_in(session, unit_id=unit.id), on, decision, unit_id=into.id, title_id=None,
                      keep_title=True)
    for child in children:
        child.parent_id = into.id
        session.add(child)
    for title in titles:
        title.unit_id = into.id
        session.add(title)
    unit.active = False
    session.add(unit)
    _written(session, "unit.merge", f"unit:{code}", {"active": True},
             {"active": False, "into": into.code, "on": on, "decision_no": decision.number,
              "decision_date": decision.date, "sub_units": [c.code for c in children],
              "titles": [t.code for t in titles], "posts_moved": moved}, reason)
    return unit


def close_unit(session: Session, code: str, form: Mapping[str, Any], *, reason: str) -> Unit:
    """Close a unit that no longer has anyone working in it nor active sub-units."""
    reason = reason_of(reason)
    decision = decision_of(form, "unit.close")
    unit = _unit(session, code)
    if not unit.active:
        raise EditError("đơn vị đã thôi hoạt động")
    if _current_in(session, unit_id=unit.id):
        raise EditError("đơn vị còn cán bộ đang công tác: kết thúc hoặc điều động họ trước, hoặc hợp nhất đơn vị")
    if session.exec(select(Unit.id).where(Unit.parent_id == unit.id, Unit.active.is_(True))).first() is not None:
        raise EditError("đơn vị còn đơn vị cấp dưới đang hoạt động")
    unit.active = False
    session.add(unit)
    _written(session, "unit.close", f"unit:{code}", {"active": True},
             {"active": False, "decision_no": decision.number, "decision_date": decision.date}, reason)
    return unit


def rename_title(session: Session, code: str, form: Mapping[str, Any], *, reason: str) -> Title:
    reason = reason_of(reason)
    title = _title(session, code)
    name = _read("titles", "name", form.get("name"))
    if not name:
        raise EditError("cần ghi tên chức danh", {"name": "bắt buộc"})
    if name == title.name:
        raise EditError("không có trường nào thay đổi")
    from quyhoach.domain.text import fold

    before = {"name": title.name}
    title.name, title.search_text = name, fold(f"{name} {title.code}")
    session.add(title)
    _written(session, "title.rename", f"title:{code}", before, {"name": name}, reason)
    return title


def close_title(session: Session, code: str, form: Mapping[str, Any], *, reason: str) -> Title:
    reason = reason_of(reason)
    decision = decision_of(form, "title.close")
    title = _title(session, code)
    if not title.active:
        raise EditError("chức danh đã thôi sử dụng")
    if _current_in(session, title_id=title.id):
        raise EditError("chức danh còn người đảm nhiệm: kết thúc hoặc điều động họ trước, hoặc hợp nhất chức danh")
    title.active = False
    session.add(title)
    _written(session, "title.close", f"title:{code}", {"active": True},
             {"active": False, "decision_no": decision.number, "decision_date": decision.date}, reason)
    return title


def merge_title(session: Session, code: str, form: Mapping[str, Any], *, reason: str) -> Title:
    """Merge a title into another: its holders continue in the other from the effective day."""
    reason = reason_of(reason)
    decision = decision_of(form, "title.merge")
    title = _title(session, code)
    into = _title(session, _read("titles", "code", form.get("into")) or "")
    on = _effective(form)
    if into.id == title.id or not title.active or not into.active:
        raise EditError("chỉ hợp nhất vào một chức danh khác đang sử dụng", {"into": "không hợp lệ"})
    moved = _transfer(session, _current_in(session, title_id=title.id), on, decision, unit_id=into.unit_id,
                      title_id=into.id, keep_title=False)
    title.active = False
    session.add(title)
    _written(session, "title.merge", f"title:{code}", {"active": True},
             {"active": False, "into": into.code, "on": on, "decision_no": decision.number,
              "decision_date": decision.date, "posts_moved": moved}, reason)
    return title
