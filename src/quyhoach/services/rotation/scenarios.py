"""Scenarios as records: create, update, copy, and relax one rule of a diagnosis. How a
scenario was derived from another (a copy, a relaxed rule) is stored on it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from quyhoach.db.models import Scenario, utcnow
from quyhoach.services.platform import audit
from quyhoach.services.rotation.settings import SOFT, ScenarioError, ScenarioSettings, validate

COPY, RELAXED = "copy", "relaxed"
STALE = "phương án vừa được người khác sửa; hãy tải lại trang"


class StaleScenarioError(ScenarioError):
    """Saved from a form opened before someone else's save: refused (409)."""


def create(session: Session, *, name: str, rotation_date: dt.date, settings: ScenarioSettings,
           description: str = "", parent_id: int | None = None, derivation: str | None = None,
           relaxed_rule: str | None = None, relaxed_subject: str | None = None) -> Scenario:
    """A new draft scenario; `parent_id` with `derivation` (copy, relaxed) records where it
    came from, and for a relaxed one which rule of the diagnosis was relaxed, for whom."""
    name = (name or "").strip()
    if not name:
        raise ScenarioError("cần đặt tên cho phương án")
    validate(settings)
    scenario = Scenario(name=name[:200], description=(description or "")[:2000], rotation_date=rotation_date,
                        settings=settings.to_dict(), parent_id=parent_id,
                        derivation=derivation if parent_id is not None else None,
                        relaxed_rule=relaxed_rule, relaxed_subject=(relaxed_subject or None) and relaxed_subject[:200])
    session.add(scenario)
    session.flush()
    after = {"name": scenario.name, "rotation_date": rotation_date, "settings": scenario.settings, "parent_id": parent_id}
    if scenario.derivation:
        after.update(derivation=scenario.derivation, relaxed_rule=scenario.relaxed_rule,
                     relaxed_subject=scenario.relaxed_subject)
    audit.record(session, "scenario.create", f"scenario:{scenario.id}", after=after)
    return scenario


def update(session: Session, scenario: Scenario, *, settings: ScenarioSettings, name: str | None = None,
           description: str | None = None, rotation_date: dt.date | None = None,
           expected_version: int | None = None) -> Scenario:
    if scenario.status == "adopted":
        raise ScenarioError("phương án đã được thông qua: không sửa được; hãy sao chép để làm phương án mới")
    if expected_version is not None and expected_version != scenario.version:
        raise StaleScenarioError(STALE)
    validate(settings)
    before = {"name": scenario.name, "rotation_date": scenario.rotation_date, "settings": scenario.settings}
    scenario.settings = settings.to_dict()
    if name is not None:
        if not name.strip():
            raise ScenarioError("cần đặt tên cho phương án")
        scenario.name = name.strip()[:200]
    if description is not None:
        scenario.description = description[:2000]
    if rotation_date is not None:
        scenario.rotation_date = rotation_date
    # The version is bumped by one UPDATE conditioned on the version the form was opened with
    # (and on the scenario being a draft): a second officer's concurrent save waits for the
    # first's row lock, then matches no row and is refused. No Python-side read decides it.
    condition = [Scenario.id == scenario.id, Scenario.status != "adopted"]
    if expected_version is not None:
        condition.append(Scenario.version == expected_version)
    result = session.execute(sa.update(Scenario).where(*condition)
                             .values(version=Scenario.version + 1, updated_at=utcnow())
                             .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise StaleScenarioError(STALE)
    session.refresh(scenario, ["version", "updated_at", "status"])
    session.add(scenario)
    session.flush()
    audit.record(session, "scenario.update", f"scenario:{scenario.id}", before=before,
                 after={"name": scenario.name, "rotation_date": scenario.rotation_date, "settings": scenario.settings})
    return scenario


def copy(session: Session, scenario: Scenario, *, name: str | None = None,
         change: dict[str, Any] | None = None) -> Scenario:
    """A new draft with the same inputs (and `change` applied to the settings)."""
    settings = ScenarioSettings.from_dict({**scenario.settings, **(change or {})})
    return create(session, name=name or f"{scenario.name} (bản sao)", rotation_date=scenario.rotation_date,
                  settings=settings, description=scenario.description, parent_id=scenario.id, derivation=COPY)


RELAXABLE = {
    "must_fill": "không bắt buộc lấp mọi vị trí khuyết",
    "non_local": "«không là người địa phương» thành khuyến khích (trừ điểm thay vì cấm)",
    "target": "chỉ tiêu cơ cấu này thành khuyến khích",
    "max_leaving": "bỏ giới hạn số người đi của đơn vị",
    "max_arriving": "bỏ giới hạn số người đến của đơn vị",
    "pinned": "bỏ bố trí cố định này",
    "forbidden": "bỏ loại trừ này",
    "family": "giữ nguyên các xung đột QĐ 114 đã có (chỉ cấm xung đột mới)",
}


def _subject_words(session: Session, rule: str, subject: str) -> str:
    """What the diagnosis named, in words: a post by its title's name, a unit by its name,
    a target by its attribute and unit."""
    from sqlmodel import select

    from quyhoach.db.models import Title, Unit

    def unit_name(code: str) -> str:
        return session.exec(select(Unit.name).where(Unit.code == code)).first() or code

    if rule == "must_fill":
        code, _, seat = subject.partition("#")
        name = session.exec(select(Title.name).where(Title.code == code)).first() or code
        return name + (f" (ghế {seat})" if seat and seat != "1" else "")
    if rule == "target":
        attribute, _, unit = subject.partition("@")
        return f"{TARGET_WORDS.get(attribute, attribute)} · {unit_name(unit)}" if unit else TARGET_WORDS.get(attribute, attribute)
    if rule in ("max_leaving", "max_arriving"):
        return unit_name(subject)
    return subject


TARGET_WORDS = {"female": "chỉ tiêu nữ", "minority": "chỉ tiêu dân tộc thiểu số", "young": "chỉ tiêu cán bộ trẻ"}
# What the copy's name says was relaxed, for one subject ({what}: the subject in words).
RELAXED_ONE = {
    "must_fill": "không bắt buộc lấp vị trí {what}",
    "target": "{what} thành khuyến khích",
    "max_leaving": "bỏ giới hạn số người đi của {what}",
    "max_arriving": "bỏ giới hạn số người đến của {what}",
    "pinned": "bỏ bố trí cố định cán bộ {what}",
    "forbidden": "bỏ loại trừ {what}",
}


def relax(session: Session, scenario: Scenario, rule: str, subject: str) -> Scenario:
    """Copy a scenario with one rule of its diagnosis made soft (or dropped) for exactly the
    subject the diagnosis named: one post's filling, one unit's target or limit, one pinned or
    forbidden move; the scenario-wide switches (non-local, QĐ 114 conflicts in place) as a whole.
    The copy's name says what was relaxed, for what."""
    settings = ScenarioSettings.from_dict(scenario.settings)
    rule = {"leave": "max_leaving", "arrive": "max_arriving"}.get(rule, rule)   # the diagnosis's names
    key = {"must_fill": "must_fill", "target": "target", "max_leaving": "leave", "max_arriving": "arrive"}.get(rule)
    if rule == "non_local":
        settings.non_local = SOFT
    elif rule == "target" and subject.split("@", 1)[0] not in settings.targets:
        raise ScenarioError("không tìm thấy chỉ tiêu này trong phương án")
    elif key is not None:
        if not subject:
            raise ScenarioError("chẩn đoán không nêu quy định này áp dụng cho ai")
        settings.relaxed = sorted({*settings.relaxed, f"{key}:{subject}"})
    elif rule == "pinned":
        settings.pinned = [p for p in settings.pinned if p.get("cadre") != subject]
    elif rule == "family":
        settings.resolve_family_conflicts = False
    elif rule == "forbidden":
        settings.forbidden = [f for f in settings.forbidden if f"{f.get('cadre')}→{f.get('post')}" != subject]
    else:
        raise ScenarioError("quy định này là bắt buộc theo văn bản, không nới được trong phương án")
    what = RELAXED_ONE[rule].format(what=_subject_words(session, rule, subject)) if rule in RELAXED_ONE else RELAXABLE[rule]
    return create(session, name=f"{scenario.name} — nới: {what}"[:200],
                  rotation_date=scenario.rotation_date, settings=settings,
                  description=scenario.description, parent_id=scenario.id, derivation=RELAXED,
                  relaxed_rule=rule, relaxed_subject=subject)


def rated_through(session: Session) -> int | None:
    """The latest year whose yearly ratings are recorded for most cadres (at least half as
    many ratings as the year before it): the year under review is not, until its ratings are in."""
    from sqlmodel import select

    from quyhoach.db.models import Evaluation

    counts = dict(session.exec(select(Evaluation.year, sa.func.count()).where(
        Evaluation.period == "year", Evaluation.withdrawn_at.is_(None), Evaluation.rating.is_not(None))
        .group_by(Evaluation.year)).all())
    for year in sorted(counts, reverse=True):
        if counts[year] * 2 >= counts.get(year - 1, 0):
            return year
    return None


def default_rotation_date(session: Session, today: dt.date | None = None) -> dt.date:
    """The date a new scenario proposes: the first day of next month, when the ratings the
    rules count on it are recorded; else a day still in the year after the last rated one
    (the 15th of this month, or tomorrow), so
    that a first solve is not emptied by the missing ratings of the year under review."""
    today = today or dt.date.today()
    first = dt.date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    rated = rated_through(session)
    if rated is None or first.year - 1 <= rated:
        return first
    mid = dt.date(today.year, today.month, 15)
    if today < mid and today.year == rated + 1:
        return mid
    return today + dt.timedelta(days=1)
