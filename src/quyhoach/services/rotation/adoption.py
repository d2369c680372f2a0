"""Adoption: the Standing Committee adopts a plan; the moves update the posts and the
pools, after a recheck when the records changed since the solve."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

import solver
from quyhoach.db.models import (Adoption, Cadre, Level, Pool, PoolEntry, PoolEvent, Posting, RuleSet, Scenario, SolveRun,
                                Title, Unit)
from quyhoach.domain import rotation as rules_of_rotation
from quyhoach.domain.phrase import Phrase, stored
from quyhoach.domain.vocab import POOL_REASON_ADOPTED
from quyhoach.services.platform import audit, stamp
from quyhoach.services.planning import world as world_service
from quyhoach.services.rotation.settings import ScenarioError
from quyhoach.services.rotation.solving import plan_of, problem_of


def adopt(session: Session, scenario: Scenario, run: SolveRun, *, decision_no: str, on: dt.date,
          note: str = "", signed_on: dt.date | None = None) -> Adoption:
    """The Standing Committee adopts a plan: it is frozen with its inputs, the moves update
    the posts (from `on`, the effective date), and the pools' histories record who left for
    which post. `signed_on` is the day the resolution was signed (the papers cite "Nghị quyết
    số … ngày …"; none: `on`). The actor is the signed-in user of the request
    (`audit.current_actor()`, set by the web guard), as every audited change records it."""
    actor = audit.current_actor() or ""
    if scenario.status == "adopted":
        raise ScenarioError("phương án này đã được thông qua")
    if run.scenario_id != scenario.id or run.status != "done" or not run.plan:
        raise ScenarioError("chỉ thông qua được một lần giải đã có phương án")
    decision_no = (decision_no or "").strip()
    if len(decision_no) < 3:
        raise ScenarioError("cần ghi số quyết định (hoặc nghị quyết) thông qua phương án")
    signed_on = signed_on or on
    check_signed_on(signed_on, on)
    plan = plan_of(run)
    problem = problem_of(run)
    if stamp.current(session) != run.data_stamp:
        _recheck(session, problem, plan)
    titles = {t.code: t for t in session.exec(select(Title))}
    units = {u.id: u for u in session.exec(select(Unit))}
    levels = dict(session.exec(select(Level.id, Level.code)).all())
    rule_set = session.exec(select(RuleSet).where(RuleSet.code == run.rule_set)).one_or_none()
    params = dict(rule_set.params) if rule_set else {}
    cadre_ids = dict(session.exec(select(Cadre.code, Cadre.id)).all())
    for move in plan.moves:
        cadre_id = cadre_ids[move.cadre]
        title = titles[move.to_post.split("#")[0]]
        if move.from_post is not None:
            old_title = titles[move.from_post.split("#")[0]]
            current = session.exec(select(Posting).where(
                Posting.cadre_id == cadre_id, Posting.title_id == old_title.id, Posting.end_date.is_(None))).first()
            if current is not None:
                current.end_date = on - dt.timedelta(days=1)
                session.add(current)
        else:
            for current in session.exec(select(Posting).where(
                    Posting.cadre_id == cadre_id, Posting.end_date.is_(None), Posting.is_concurrent.is_(False))):
                current.end_date = on - dt.timedelta(days=1)
                session.add(current)
        kind = move.move_kind
        session.add(Posting(cadre_id=cadre_id, unit_id=title.unit_id, title_id=title.id, position=title.name,
                            start_date=on, kind=kind, planned_end=rules_of_rotation.planned_end(kind, on, params),
                            direction=_direction(move, titles, units, levels) if kind == "rotation" else None))
        # P12: appointed to the planned title (or rotated to an equal one) leaves that pool.
        for entry, pool in session.exec(select(PoolEntry, Pool).join(Pool, Pool.id == PoolEntry.pool_id).where(
                PoolEntry.cadre_id == cadre_id, PoolEntry.status == "active", Pool.title_id == title.id)):
            reason, words = stored(Phrase(POOL_REASON_ADOPTED, scenario=scenario.name, decision=decision_no))
            entry.status, entry.exited_on, entry.exit_reason, entry.exit_words, entry.exit_rule = (
                "exited", on, reason, words, "P12")
            session.add(entry)
            session.add(PoolEvent(pool_id=pool.id, cadre_id=cadre_id, kind="exit", on=on, reason=reason, words=words,
                                  rule="P12", actor=actor))
            pool.version += 1
            session.add(pool)
    adoption = Adoption(scenario_id=scenario.id, run_id=run.id, adopted_on=on, signed_on=signed_on,
                        decision_no=decision_no[:80],
                        note=(note or "")[:1000], rule_set_params=dict(rule_set.params) if rule_set else {},
                        settings=dict(scenario.settings), data_stamp=run.data_stamp or 0, actor=actor)
    scenario.status = "adopted"
    scenario.version += 1
    session.add(scenario)
    session.add(adoption)
    stamp.bump(session)
    session.flush()
    audit.record(session, "scenario.adopt", f"scenario:{scenario.id}", before={"status": "draft"},
                 after={"status": "adopted", "run_id": run.id, "decision_no": adoption.decision_no, "on": on,
                        "signed_on": signed_on,
                        "moves": [[m.cadre, m.from_post, m.to_post] for m in plan.moves]}, reason=note)
    return adoption


def check_signed_on(signed_on: dt.date, on: dt.date) -> None:
    """A resolution takes effect from the day it is signed, or from a later day it names: the
    effective date cannot come before the signing (the same day is the common case)."""
    if signed_on > on:
        raise ScenarioError(f"ngày ký nghị quyết ({signed_on:%d/%m/%Y}) sau ngày hiệu lực ({on:%d/%m/%Y}): "
                            "nghị quyết có hiệu lực từ ngày ký hoặc một ngày sau đó")


def _direction(move: solver.Move, titles: dict[str, Title], units: dict[int, Unit],
               levels: dict[int, str]) -> str | None:
    """R3's direction of an adopted rotation, from the units' levels and localities."""
    if move.from_post is None:
        return None
    here, there = titles.get(move.from_post.split("#")[0]), titles.get(move.to_post.split("#")[0])
    if here is None or there is None:
        return None

    def level_and_locality(title: Title) -> tuple[str | None, int | None]:
        unit = units.get(title.unit_id)
        seen: set[int] = set()
        while unit is not None and not unit.is_locality and unit.parent_id is not None and unit.id not in seen:
            seen.add(unit.id)
            unit = units.get(unit.parent_id)
        return (levels.get(unit.level_id) if unit is not None else None), (unit.id if unit is not None else None)

    (a_level, a_loc), (b_level, b_loc) = level_and_locality(here), level_and_locality(there)
    return rules_of_rotation.direction(a_level, b_level, str(a_loc), str(b_loc), here.rank, there.rank)


def _recheck(session: Session, problem: solver.Problem, plan: solver.Plan) -> None:
    """The records changed since the solve: every move must still start from the post the
    cadre holds and go to a post that is still open (or opened by the plan)."""
    world = world_service.build(session)
    holders: dict[str, set[str]] = {}
    for title_id, held in world.holders.items():
        holders[world.titles[title_id].code] = {world.cadres[c].code for c, _ in held}
    for move in plan.moves:
        if move.from_post is not None:
            title_code = move.from_post.split("#")[0]
            if move.cadre not in holders.get(title_code, set()):
                raise ScenarioError(f"hồ sơ đã thay đổi sau khi giải: {move.cadre} không còn giữ "
                                    f"{title_code}; hãy giải lại phương án")
    occupied = {code for code, held in holders.items() if held}
    freed = {m.from_post.split("#")[0] for m in plan.moves if m.from_post}
    opened_in_problem = {p.id.split("#")[0] for p in problem.posts if p.holder is None}
    for move in plan.moves:
        title_code = move.to_post.split("#")[0]
        if title_code in opened_in_problem and title_code in occupied and title_code not in freed:
            seats = sum(1 for p in problem.posts if p.id.split("#")[0] == title_code)
            if len(holders.get(title_code, ())) >= seats:
                raise ScenarioError(f"hồ sơ đã thay đổi sau khi giải: vị trí {title_code} đã có người; "
                                    "hãy giải lại phương án")
