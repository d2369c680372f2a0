"""What a posting must satisfy besides the import's checks: its title belongs to its unit
and is in use, its kind fits the act (an appointment is a bổ nhiệm; a move a luân chuyển,
điều động or biệt phái), a rotation's or a secondment's planned end keeps to the rule set,
and a rotation records R3's direction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from quyhoach.db.models import Cadre, Level, Posting, RuleSet, Title, Unit
from quyhoach.domain import rotation as rules_of_rotation
from quyhoach.domain.dates import add_months, format_date
from quyhoach.domain.rulesets import PLANNING
from quyhoach.services.records.editing.base import EditError

def _posting_position(session: Session, form: Mapping[str, Any]) -> dict[str, Any]:
    """A posting to a title may leave the position empty: the title's name is written."""
    data = dict(form)
    if not (data.get("position") or "").strip() and data.get("title_code"):
        name = session.exec(select(Title.name).where(Title.code == str(data["title_code"]).strip())).first()
        if name:
            data["position"] = name
    return data


# The kinds of move a form may record for each act (vocab.MOVE_KIND; RULES.md §9).
ACT_KINDS = {
    "posting.appoint": (rules_of_rotation.APPOINTMENT,),
    "posting.move": (rules_of_rotation.ROTATION, rules_of_rotation.TRANSFER, rules_of_rotation.SECONDMENT),
}


def rotation_params(session: Session, on: dt.date) -> dict[str, Any]:
    """The parameters of the planning rule set in force on a day, which holds the rotation's
    (R8's minimum tenure, the secondment's maximum...); empty when none is stored (the
    domain's defaults apply, `domain.rotation.param`)."""
    row = session.exec(select(RuleSet).where(
        RuleSet.domain == PLANNING, RuleSet.valid_from <= on,
        sa.or_(RuleSet.valid_to.is_(None), RuleSet.valid_to >= on)).order_by(RuleSet.valid_from.desc())).first()
    return dict(row.params) if row is not None else {}


def rotation_months(session: Session, on: dt.date) -> int:
    return int(rules_of_rotation.param(rotation_params(session, on), "rotation_min_tenure_months"))


def secondment_months(session: Session, on: dt.date) -> int:
    """The longest a secondment (biệt phái) starting that day may last (R8's
    `secondment_max_months`, Luật Cán bộ, công chức: three years)."""
    return int(rules_of_rotation.param(rotation_params(session, on), "secondment_max_months"))


def _check_kind(session: Session, record: dict[str, Any], act: str | None) -> None:
    """The kind of a posting and its planned end: an appointment is a bổ nhiệm, a move a
    luân chuyển, điều động or biệt phái; a rotation is planned for at least the rule set's
    minimum tenure (R8, 36 months), a secondment for at most its maximum (36). Left empty, the
    planned end is the rule's own (the start plus those months)."""
    kind, start, planned = record.get("kind"), record["start_date"], record.get("planned_end")
    allowed = ACT_KINDS.get(act or "")
    if allowed is not None:
        if kind is None and len(allowed) == 1:
            kind = record["kind"] = allowed[0]
        if kind not in allowed:
            raise EditError("cần chọn hình thức luân chuyển, điều động hoặc biệt phái" if len(allowed) > 1
                            else "bổ nhiệm ghi hình thức «Bổ nhiệm»", {"kind": "không hợp lệ"})
    if kind not in (rules_of_rotation.ROTATION, rules_of_rotation.SECONDMENT):
        if planned is not None:
            raise EditError("chỉ luân chuyển và biệt phái có ngày dự kiến kết thúc", {"planned_end": "bỏ trống"})
        return
    if planned is None:
        record["planned_end"] = rules_of_rotation.planned_end(kind, start, rotation_params(session, start))
        return
    if kind == rules_of_rotation.ROTATION:
        months = rotation_months(session, start)
        earliest = add_months(start, months)
        if planned < earliest:
            raise EditError(f"luân chuyển kéo dài ít nhất {months} tháng: dự kiến đến ngày {format_date(earliest)} "
                            "trở đi", {"planned_end": f"từ {format_date(earliest)} trở đi"})
    else:
        months = secondment_months(session, start)
        latest = add_months(start, months)
        if planned > latest:
            raise EditError(f"biệt phái không quá {months} tháng: dự kiến đến ngày {format_date(latest)} "
                            "là muộn nhất", {"planned_end": f"muộn nhất {format_date(latest)}"})


def _check_posting(session: Session, record: dict[str, Any], act: str | None = None) -> None:
    _check_title(session, record)
    _check_kind(session, record, act)


def _check_title(session: Session, record: dict[str, Any]) -> None:
    if record.get("title_id") is not None:
        title = session.get(Title, record["title_id"])
        if title.unit_id != record["unit_id"]:
            raise EditError("chức danh không thuộc đơn vị đã chọn", {"title_code": "không thuộc đơn vị"})
        if not title.active:
            raise EditError("chức danh đã thôi sử dụng", {"title_code": "đã thôi sử dụng"})


def _current_posts(session: Session, cadre: Cadre) -> list[Posting]:
    return list(session.exec(select(Posting).where(
        Posting.cadre_id == cadre.id, Posting.end_date.is_(None), Posting.withdrawn_at.is_(None),
        Posting.is_concurrent.is_(False))))


def _locality(session: Session, unit_id: int) -> tuple[str | None, int | None]:
    """The level and the territory (tỉnh, xã) a unit belongs to: the unit itself or the
    nearest locality above it."""
    unit = session.get(Unit, unit_id)
    seen: set[int] = set()
    while unit is not None and not unit.is_locality and unit.parent_id is not None and unit.id not in seen:
        seen.add(unit.id)
        unit = session.get(Unit, unit.parent_id)
    if unit is None:
        return None, None
    level = session.exec(select(Level.code).where(Level.id == unit.level_id)).first()
    return level, unit.id


def rotation_direction(session: Session, old: Posting, new: dict[str, Any]) -> str:
    """R3's direction of a rotation, recorded with it: down, up, between localities or
    between agencies (domain.rotation.direction), from the post left to the post taken."""
    (a_level, a_place), (b_level, b_place) = _locality(session, old.unit_id), _locality(session, new["unit_id"])
    ranks = [session.get(Title, t).rank if t is not None else 0 for t in (old.title_id, new.get("title_id"))]
    return rules_of_rotation.direction(a_level, b_level, str(a_place), str(b_place), ranks[0], ranks[1])
