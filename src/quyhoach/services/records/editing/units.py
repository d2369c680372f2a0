"""Units and titles renamed, merged (the 2025 reform merged communes and provinces) or
closed, with a reason and, for a merger or a closing, the decision.

What a merger or a closing does to what hangs on the unit or title is decided here, once,
and shown before anything is written (`preview`, the same plan the act then carries out):

- a unit merged into another: its sub-units and its titles move to the other; each post
  held in it ends the day before the effective day and continues, the same title and
  position, in the other unit from that day (each cadre's history records the move); the
  succession pools of its titles follow their titles, unchanged;
- a title merged into another: its holders continue in the other title from the effective
  day; its pools are kept as they are, as the record of that title (a cadre enters another
  title's pool only by that pool's own procedure), and the preview names their members;
- a unit or title closed: refused while anyone holds a post in it (end or move them first,
  or merge); a closed unit's titles close with it; their pools are kept as a record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from quyhoach.domain.dates import format_date
from quyhoach.db.models import Cadre, Pool, PoolEntry, Posting, Term, Title, Unit
from quyhoach.services.platform import audit
from quyhoach.services.records import history as history_words
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
    return list(session.exec(query.order_by(Posting.id)))


@dataclass
class MovedPost:
    cadre_code: str
    cadre_name: str
    position: str


@dataclass
class PoolKept:
    title: str
    term: str
    members: list[str]          # the names of its active members


@dataclass
class OrgPlan:
    """What a merger or a closing will do, worked out before anything is written."""

    act: str
    subject: str                 # the unit or title's name
    into: str = ""               # the unit or title it merges into
    on: dt.date | None = None
    decision: Decision = field(default_factory=Decision)
    sub_units: list[Unit] = field(default_factory=list)
    titles: list[Title] = field(default_factory=list)
    posts: list[Posting] = field(default_factory=list)
    moved: list[MovedPost] = field(default_factory=list)
    pools_follow: list[PoolKept] = field(default_factory=list)   # move with their titles
    pools_kept: list[PoolKept] = field(default_factory=list)     # stay, as the record of a closed title
    into_unit: Unit | None = None
    into_title: Title | None = None


def _pools(session: Session, title_ids: list[int]) -> list[PoolKept]:
    if not title_ids:
        return []
    out = []
    rows = session.exec(select(Pool, Title.name, Term.name).join(Title, Title.id == Pool.title_id)
                        .join(Term, Term.id == Pool.term_id).where(Pool.title_id.in_(title_ids))
                        .order_by(Title.name, Term.start_date)).all()
    for pool, title_name, term_name in rows:
        members = session.exec(select(Cadre.full_name).join(PoolEntry, PoolEntry.cadre_id == Cadre.id).where(
            PoolEntry.pool_id == pool.id, PoolEntry.status == "active").order_by(Cadre.sort_key)).all()
        out.append(PoolKept(title_name, term_name, list(members)))
    return out


def _moved(session: Session, posts: list[Posting]) -> list[MovedPost]:
    names = dict((i, (c, n)) for i, c, n in session.exec(select(Cadre.id, Cadre.code, Cadre.full_name).where(
        Cadre.id.in_([p.cadre_id for p in posts]))).all()) if posts else {}
    return [MovedPost(names[p.cadre_id][0], names[p.cadre_id][1], p.position) for p in posts]


def _check_effective(session: Session, posts: list[Posting], on: dt.date) -> None:
    """A post continues elsewhere from the effective day: it must have started before."""
    late = [p for p in posts if p.start_date >= on]
    if late:
        latest = max(p.start_date for p in late)
        who = ", ".join(f"{m.cadre_name} ({m.cadre_code}) từ {format_date(p.start_date)}"
                        for p, m in list(zip(late, _moved(session, late), strict=True))[:5])
        raise EditError(f"có người nhận chức vụ từ ngày có hiệu lực trở đi: {who}; ngày có hiệu lực phải sau "
                        f"{format_date(latest)}", {"on": f"sau {format_date(latest)}"})


def _plan_unit_merge(session: Session, code: str, form: Mapping[str, Any]) -> OrgPlan:
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
    titles = list(session.exec(select(Title).where(Title.unit_id == unit.id).order_by(Title.rank.desc(), Title.code)))
    posts = _current_in(session, unit_id=unit.id)
    _check_effective(session, posts, on)
    return OrgPlan("unit.merge", unit.name, into.name, on, decision,
                   sub_units=list(session.exec(select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.code))),
                   titles=titles, posts=posts, moved=_moved(session, posts),
                   pools_follow=_pools(session, [t.id for t in titles]), into_unit=into)


def _plan_unit_close(session: Session, code: str, form: Mapping[str, Any]) -> OrgPlan:
    decision = decision_of(form, "unit.close")
    unit = _unit(session, code)
    if not unit.active:
        raise EditError("đơn vị đã thôi hoạt động")
    if _current_in(session, unit_id=unit.id):
        raise EditError("đơn vị còn cán bộ đang công tác: kết thúc hoặc điều động họ trước, hoặc hợp nhất đơn vị")
    if session.exec(select(Unit.id).where(Unit.parent_id == unit.id, Unit.active.is_(True))).first() is not None:
        raise EditError("đơn vị còn đơn vị cấp dưới đang hoạt động")
    titles = list(session.exec(select(Title).where(Title.unit_id == unit.id, Title.active.is_(True))
                               .order_by(Title.rank.desc(), Title.code)))
    return OrgPlan("unit.close", unit.name, decision=decision, titles=titles,
                   pools_kept=_pools(session, [t.id for t in titles]))


def _plan_title_merge(session: Session, code: str, form: Mapping[str, Any]) -> OrgPlan:
    decision = decision_of(form, "title.merge")
    title = _title(session, code)
    into = _title(session, _read("titles", "code", form.get("into")) or "")
    on = _effective(form)
    if into.id == title.id or not title.active or not into.active:
        raise EditError("chỉ hợp nhất vào một chức danh khác đang sử dụng", {"into": "không hợp lệ"})
    posts = _current_in(session, title_id=title.id)
    _check_effective(session, posts, on)
    return OrgPlan("title.merge", title.name, into.name, on, decision, posts=posts, moved=_moved(session, posts),
                   pools_kept=_pools(session, [title.id]), into_title=into)


def _plan_title_close(session: Session, code: str, form: Mapping[str, Any]) -> OrgPlan:
    decision = decision_of(form, "title.close")
    title = _title(session, code)
    if not title.active:
        raise EditError("chức danh đã thôi sử dụng")
    if _current_in(session, title_id=title.id):
        raise EditError("chức danh còn người đảm nhiệm: kết thúc hoặc điều động họ trước, hoặc hợp nhất chức danh")
    return OrgPlan("title.close", title.name, decision=decision, pools_kept=_pools(session, [title.id]))


PLANS = {"unit.merge": _plan_unit_merge, "unit.close": _plan_unit_close, "title.merge": _plan_title_merge,
         "title.close": _plan_title_close}


def preview(session: Session, act: str, code: str, form: Mapping[str, Any]) -> OrgPlan:
    """What a merger or a closing of unit or title `code` would do, nothing written; the
    same checks as the act (an EditError for what it would refuse)."""
    return PLANS[act](session, code, form)


def _transfer(session: Session, plan: OrgPlan, reason: str, *, unit_id: int, title_id: int | None) -> int:
    """Posts held in a unit or title that closes by merger: each ends the day before the
    effective day and continues in the unit (or title) it merged into, the same position,
    from that day; each cadre's history records it (one audit call for them all)."""
    on, decision = plan.on, plan.decision
    assert on is not None
    items = []
    for old, who in zip(plan.posts, plan.moved, strict=True):
        old.end_date = on - dt.timedelta(days=1)
        new = Posting(cadre_id=old.cadre_id, unit_id=unit_id, title_id=old.title_id if title_id is None else title_id,
                      position=old.position, start_date=on, is_concurrent=old.is_concurrent, kind=old.kind,
                      planned_end=old.planned_end, decision_no=decision.number, decision_date=decision.date)
        session.add(old)
        session.add(new)
        session.flush()
        items.append(("posting.transfer", history_words.cadre_entity(who.cadre_code),
                      {"id": old.id, "unit_id": old.unit_id, "title_id": old.title_id, "end_date": None},
                      {"id": new.id, "unit_id": new.unit_id, "title_id": new.title_id, "start_date": on,
                       "closed_id": old.id, "end_date": old.end_date, "decision_no": decision.number,
                       "decision_date": decision.date}))
    audit.record_many(session, items, reason=reason)
    return len(items)


def merge_unit(session: Session, code: str, form: Mapping[str, Any], *, reason: str) -> Unit:
    """Merge a unit into another (the 2025 reform merged communes and provinces): see the
    module's docstring. The history before the effective day is left as it was."""
    reason = reason_of(reason)
    plan = _plan_unit_merge(session, code, form)
    unit, into = _unit(session, code), plan.into_unit
    assert into is not None and into.id is not None
    moved = _transfer(session, plan, reason, unit_id=into.id, title_id=None)
    for child in plan.sub_units:
        child.parent_id = into.id
        session.add(child)
    for title in plan.titles:
        title.unit_id = into.id
        session.add(title)
    unit.active = False
    session.add(unit)
    _written(session, "unit.merge", f"unit:{code}", {"active": True},
             {"active": False, "into": into.code, "on": plan.on, "decision_no": plan.decision.number,
              "decision_date": plan.decision.date, "sub_units": [c.code for c in plan.sub_units],
              "titles": [t.code for t in plan.titles], "posts_moved": moved}, reason)
    return unit


def close_unit(session: Session, code: str, form: Mapping[str, Any], *, reason: str) -> Unit:
    """Close a unit that no longer has anyone working in it nor active sub-units; its
    titles close with it."""
    reason = reason_of(reason)
    plan = _plan_unit_close(session, code, form)
    unit = _unit(session, code)
    for title in plan.titles:
        title.active = False
        session.add(title)
    unit.active = False
    session.add(unit)
    after: dict[str, Any] = {"active": False, "decision_no": plan.decision.number, "decision_date": plan.decision.date}
    if plan.titles:
        after["titles"] = [t.code for t in plan.titles]
    _written(session, "unit.close", f"unit:{code}", {"active": True}, after, reason)
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
    plan = _plan_title_close(session, code, form)
    title = _title(session, code)
    title.active = False
    session.add(title)
    _written(session, "title.close", f"title:{code}", {"active": True},
             {"active": False, "decision_no": plan.decision.number, "decision_date": plan.decision.date}, reason)
    return title


def merge_title(session: Session, code: str, form: Mapping[str, Any], *, reason: str) -> Title:
    """Merge a title into another: its holders continue in the other from the effective day."""
    reason = reason_of(reason)
    plan = _plan_title_merge(session, code, form)
    title, into = _title(session, code), plan.into_title
    assert into is not None and into.id is not None
    moved = _transfer(session, plan, reason, unit_id=into.unit_id, title_id=into.id)
    title.active = False
    session.add(title)
    _written(session, "title.merge", f"title:{code}", {"active": True},
             {"active": False, "into": into.code, "on": plan.on, "decision_no": plan.decision.number,
              "decision_date": plan.decision.date, "posts_moved": moved}, reason)
    return title
