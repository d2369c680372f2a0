"""What the Luân chuyển pages show, read from the stored runs: a run's figures (names,
open posts, the structure of every unit before and after), the comparison of 2–4 plans,
the rotation graph and the sweep curve as SVG.

The figures of a run are derived from its frozen problem and its plan. The solve job
computes them once and keeps them in its result (`job.result["figures"]`), so the
comparison reads a few kilobytes per plan instead of the ~3 MB problem of a province;
a run without them (an older run, a run built by hand) gets them computed here from the
problem, once per process. They carry the words of the names they hold (targets', seats', bands'),
so the comparison says them in the reader's language without the problem.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

import solver
from solver.messages import listed
from quyhoach.db.models import Job, RuleSet, Scenario, SolveRun
from quyhoach.domain.phrase import Phrase
from quyhoach.domain.structure import band_label
from quyhoach.services.platform.scope import Scope

FIGURES_VERSION = 5   # 5: the words of the names shown (`figures()["words"]`)
ATTRIBUTES = ("female", "minority", "young")
DEFAULT_YOUNG = {"central": 45, "province": 40, "district": 35, "commune": 35}
DEFAULT_BANDS = {"central": [[0, 50], [50, 55], [55, 200]], "province": [[0, 45], [45, 50], [50, 200]],
                 "district": [[0, 40], [40, 45], [45, 200]], "commune": [[0, 40], [40, 45], [45, 200]]}
# The stored problem leaves out fields at their default (solver.io): put them back.
CADRE_DEFAULTS = {"sex": "M", "minority": False, "age": 40, "name": ""}


def cadres_of(problem: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: {**CADRE_DEFAULTS, **c} for c in problem.get("cadres", [])}


# --------------------------------------------------------------------------- figures of a run

def rule_params(session: Session, code: str) -> dict[str, Any]:
    """The age bands and young ages of the rule set a run was solved under."""
    params = session.exec(select(RuleSet.params).where(RuleSet.code == code)).first() if code else None
    params = params or {}
    return {"age_bands": params.get("age_bands") or DEFAULT_BANDS, "young_age": params.get("young_age") or DEFAULT_YOUNG}


def figures(problem: dict[str, Any], plan: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """Counts a comparison needs, from the problem and plan as stored (plain dicts):
    posts open before and after, the names of what the plan moves, and for every unit in
    play its seats and how many of the holders before and after are women, minorities,
    young, and in each age band of the unit's level; `words`: the book (`say`) of the
    translatable names among them (structure targets, seats, age bands), from the problem's words."""
    units = {u["id"]: u for u in problem.get("units", [])}
    cadres = cadres_of(problem)
    posts = problem.get("posts", [])
    moves = plan.get("moves", []) or []
    before = {p["id"]: p.get("holder") for p in posts}
    after = dict(before)
    for move in moves:
        if move.get("from_post") and after.get(move["from_post"]) == move["cadre"]:
            after[move["from_post"]] = None
    for move in moves:
        after[move["to_post"]] = move["cadre"]
    young = params.get("young_age") or DEFAULT_YOUNG
    bands = params.get("age_bands") or DEFAULT_BANDS

    def counts(holder_ids: list[str | None], level: str) -> dict[str, int]:
        out = {"held": 0, "female": 0, "minority": 0, "young": 0, "band0": 0, "band1": 0, "band2": 0}
        limit = int(young.get(level, 40))
        level_bands = bands.get(level) or next(iter(bands.values()))
        for code in holder_ids:
            cadre = cadres.get(code) if code else None
            if cadre is None:
                continue
            out["held"] += 1
            out["female"] += cadre.get("sex") == "F"
            out["minority"] += bool(cadre.get("minority"))
            age = int(cadre.get("age", 0))
            out["young"] += age < limit
            for index, (lo, hi) in enumerate(level_bands[:3]):
                if lo <= age < hi:
                    out[f"band{index}"] += 1
        return out

    by_unit: dict[str, list[str]] = {}
    for post in posts:
        by_unit.setdefault(post["unit"], []).append(post["id"])
    unit_rows = {}
    for unit_id, post_ids in by_unit.items():
        level = units.get(unit_id, {}).get("level", "")
        unit_rows[unit_id] = {"level": level, "seats": len(post_ids),
                              "before": counts([before[p] for p in post_ids], level),
                              "after": counts([after[p] for p in post_ids], level)}
    levels = sorted({row["level"] for row in unit_rows.values()})
    moved_posts = {m["to_post"] for m in moves} | {m["from_post"] for m in moves if m.get("from_post")}
    post_names = {p["id"]: p.get("name") or p["id"] for p in posts if p["id"] in moved_posts}
    book = dict(problem.get("words") or {})
    shown = [s.get("name") for s in plan.get("structure", []) or []] + list(post_names.values())
    band_names = {level: [band_label(lo, hi) for lo, hi in (bands.get(level) or next(iter(bands.values())))[:3]]
                  for level in levels}
    for name in (n for names in band_names.values() for n in names):
        if isinstance(name, Phrase):   # "dưới 40", "từ 45 trở lên": said from their words too
            book[str(name)] = name.to_json()
            shown.append(str(name))
    return {
        "version": FIGURES_VERSION,
        "posts": len(posts), "cadres": len(cadres), "candidates": len(problem.get("candidates", [])),
        "open_before": sum(1 for h in before.values() if h is None),
        "open_after": sum(1 for h in after.values() if h is None),
        "filled": sum(1 for m in moves if before.get(m["to_post"]) is None),
        "by_kind": moves_by_kind(moves),
        "filled_by_kind": moves_by_kind([m for m in moves if before.get(m["to_post"]) is None]),
        "names": {
            "cadres": {m["cadre"]: cadres.get(m["cadre"], {}).get("name") or m["cadre"] for m in moves},
            "posts": post_names,
            "units": {u: units[u].get("name") or u for u in units},
        },
        "units": unit_rows,
        "bands": band_names,
        "young_age": {level: int(young.get(level, 40)) for level in levels},
        "words": {text: book[text] for text in shown if text in book},
    }


MOVE_KINDS = ("appointment", "rotation", "transfer", "secondment")


def moves_by_kind(moves: list[dict[str, Any]]) -> dict[str, int]:
    """How many moves of each kind (appointment, rotation, transfer, secondment), every kind
    present, in that order; a move stored before kinds existed counts as a rotation."""
    out = dict.fromkeys(MOVE_KINDS, 0)
    for move in moves:
        kind = move.get("move_kind") or "rotation"
        out[kind] = out.get(kind, 0) + 1
    return out


_memo: OrderedDict[tuple[str, int, str], dict[str, Any]] = OrderedDict()
_memo_lock = threading.Lock()


def figures_of(session: Session, run: SolveRun, job_result: dict[str, Any] | None = None) -> dict[str, Any]:
    """The figures of a finished run: from its job's result, else computed once from the
    stored problem (and kept for the life of the process: a run never changes)."""
    found = (job_result or {}).get("figures")
    if found and found.get("version") == FIGURES_VERSION:
        return found
    if job_result is None and run.job_id:
        result = session.exec(select(Job.result).where(Job.id == run.job_id)).first()
        found = (result or {}).get("figures")
        if found and found.get("version") == FIGURES_VERSION:
            return found
    # Ids come back after a database is emptied (tests, a restore): the key says which run.
    key = (str(session.get_bind().url), run.id, run.created_at.isoformat() if run.created_at else "")
    with _memo_lock:
        if key in _memo:
            return _memo[key]
    problem = session.exec(select(SolveRun.problem).where(SolveRun.id == run.id)).one()
    computed = figures(problem, run.plan or {}, rule_params(session, run.rule_set))
    with _memo_lock:
        _memo[key] = computed
        while len(_memo) > 64:
            _memo.popitem(last=False)
    return computed


def light_plan(data: dict[str, Any]) -> solver.Plan:
    """A Plan with its moves only, straight from the stored dict (the strict reader costs
    ~15 ms on a provincial plan; the comparison needs the moves)."""
    fields = set(solver.Move.__slots__)
    return solver.Plan(status=data.get("status", "unknown"),
                       moves=[solver.Move(**{k: v for k, v in m.items() if k in fields}) for m in data.get("moves", [])])


# --------------------------------------------------------------------------- status

FINISHED = ("done", "failed", "stopped", "infeasible", "unknown", "invalid")


def run_status(run: SolveRun, job: Job | None) -> str:
    """The run's status, taking a job that ended without the run knowing (a worker that
    died, a stop before the start) into account."""
    if run.status in ("queued", "running") and job is not None and job.status in ("failed", "stopped"):
        return job.status
    return run.status


def finished(status: str) -> bool:
    return status in FINISHED


# --------------------------------------------------------------------------- comparison

def compare_holders(problem: solver.Problem, plans: list[solver.Plan]) -> dict[str, list[str | None]]:
    """For each cadre moved in any plan: the post each plan puts them in (None: stays)."""
    moved: dict[str, list[str | None]] = {}
    for index, plan in enumerate(plans):
        for move in plan.moves:
            moved.setdefault(move.cadre, [None] * len(plans))[index] = move.to_post
    return moved


@dataclass
class ComparedRun:
    run: SolveRun
    scenario: Scenario
    plan: dict[str, Any]
    figures: dict[str, Any]

    @property
    def terms(self) -> dict[str, dict[str, Any]]:
        return {t["name"]: t for t in self.plan.get("terms", [])}

    @property
    def structure(self) -> dict[str, dict[str, Any]]:
        return {s["target"]: s for s in self.plan.get("structure", [])}

    @property
    def by_kind(self) -> dict[str, int]:
        """Moves of each kind in this plan (appointment, rotation, transfer, secondment)."""
        return moves_by_kind(self.plan.get("moves", []) or [])

    @property
    def soft_missed(self) -> list[dict[str, Any]]:
        return [s for s in self.plan.get("structure", []) if not s["hard"] and s["shortfall_after"] > 0]


@dataclass
class Comparison:
    runs: list[ComparedRun]
    term_names: list[tuple[str, str]]                       # (name, label)
    targets: list[dict[str, Any]]                           # rows: target, name, hard, per run figure or None
    levels: list[dict[str, Any]]                            # rows: scope, attribute, label, seats, before, afters
    units: list[dict[str, Any]]                             # rows for units where a plan changes something
    holders: list[dict[str, Any]]                           # rows: cadre, name, from, places per run, differs
    post_names: dict[str, str] = field(default_factory=dict)
    words: dict[str, Any] = field(default_factory=dict)     # the book the names are said from (`say`)


def load_runs(session: Session, run_ids: list[int]) -> list[tuple[SolveRun, Scenario, Job | None]]:
    """The runs without their problem (the plan and the summary are all a comparison reads)."""
    rows = session.exec(select(SolveRun, Scenario).join(Scenario, Scenario.id == SolveRun.scenario_id)
                        .where(SolveRun.id.in_(run_ids)).options(sa.orm.defer(SolveRun.problem))).all()
    job_ids = [r.job_id for r, _ in rows if r.job_id]
    found = {j.id: j for j in session.exec(select(Job).where(Job.id.in_(job_ids)))} if job_ids else {}
    by_id = {r.id: (r, s, found.get(r.job_id)) for r, s in rows}
    return [by_id[i] for i in run_ids if i in by_id]


def _sum_rows(rows: list[dict[str, Any]], key: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for row in rows:
        for name, value in row[key].items():
            out[name] = out.get(name, 0) + value
    return out


ATTRIBUTE_KEYS = ("female", "minority", "young", "band0", "band1", "band2")


def compare(session: Session, run_ids: list[int]) -> Comparison:
    loaded = load_runs(session, run_ids)
    runs = [ComparedRun(run, scenario, run.plan or {}, figures_of(session, run, job.result if job else None))
            for run, scenario, job in loaded]
    term_names: list[tuple[str, str]] = []
    for r in runs:
        for t in r.plan.get("terms", []):
            if t["name"] not in [n for n, _ in term_names]:
                term_names.append((t["name"], t["label"]))

    # Structure targets of any plan: the figure of each plan (None where that plan's scenario has no such target).
    names: dict[str, dict[str, Any]] = {}
    for r in runs:
        for s in r.plan.get("structure", []):
            names.setdefault(s["target"], s)
    targets = []
    for target, first in names.items():
        cells = [r.structure.get(target) for r in runs]
        short = any(c and c["shortfall_after"] > 0 for c in cells)
        differs = len({(c["after"] if c else None) for c in cells}) > 1
        targets.append({"target": target, "name": first["name"], "attribute": first["attribute"], "cells": cells,
                        "short": short, "differs": differs,
                        "before": first["before"], "seats": first["seats"], "need": first["need"]})
    targets.sort(key=lambda t: (not t["short"], not t["differs"], t["name"]))

    # Per level and for every post in play: women, minorities, young, age bands.
    levels = []
    level_codes = sorted({row["level"] for r in runs for row in r.figures.get("units", {}).values()})
    for level in [None, *level_codes]:
        per_run = []
        for r in runs:
            rows = [row for row in r.figures.get("units", {}).values() if level is None or row["level"] == level]
            per_run.append({"seats": sum(row["seats"] for row in rows), "before": _sum_rows(rows, "before"),
                            "after": _sum_rows(rows, "after")})
        if not any(p["seats"] for p in per_run):
            continue
        bands = next((r.figures.get("bands", {}).get(level) for r in runs if level in r.figures.get("bands", {})), None)
        young = next((r.figures.get("young_age", {}).get(level) for r in runs if level in r.figures.get("young_age", {})), None)
        levels.append({"level": level, "runs": per_run, "bands": bands, "young_age": young})

    # Units where some plan changes a figure.
    unit_ids = sorted({u for r in runs for u in r.figures.get("units", {})})
    unit_names: dict[str, str] = {}
    for r in runs:
        unit_names.update(r.figures.get("names", {}).get("units", {}))
    units = []
    for unit_id in unit_ids:
        cells = [r.figures.get("units", {}).get(unit_id) for r in runs]
        changed = any(c and c["before"] != c["after"] for c in cells)
        if not changed:
            continue
        first = next(c for c in cells if c)
        units.append({"unit": unit_id, "name": unit_names.get(unit_id, unit_id), "level": first["level"],
                      "seats": first["seats"], "before": first["before"], "cells": cells})

    # For every cadre moved in some plan: where each plan puts them.
    plans = [light_plan(r.plan) for r in runs]
    placed = compare_holders(solver.Problem(), plans)
    cadre_names: dict[str, str] = {}
    post_names: dict[str, str] = {}
    words: dict[str, Any] = {}
    for r in runs:
        cadre_names.update(r.figures.get("names", {}).get("cadres", {}))
        post_names.update(r.figures.get("names", {}).get("posts", {}))
        words.update(r.figures.get("words", {}))
    origin: dict[str, str | None] = {}
    for plan in plans:
        for move in plan.moves:
            origin.setdefault(move.cadre, move.from_post)
    holders = []
    for cadre, places in placed.items():
        holders.append({"cadre": cadre, "name": cadre_names.get(cadre, cadre), "from": origin.get(cadre),
                        "places": places, "differs": len(set(places)) > 1})
    holders.sort(key=lambda h: (not h["differs"], h["name"].split()[-1] if h["name"] else "", h["name"]))
    return Comparison(runs, term_names, targets, levels, units, holders, post_names, words)


# --------------------------------------------------------------------------- cadres away on rotation

@dataclass
class RotatedRow:
    """A cadre on rotation or secondment now: the posting, where, since when, the planned end."""

    code: str
    name: str
    position: str
    unit_name: str
    kind: str
    direction: str | None
    start: Any
    planned_end: Any


def rotated_cadres(session: Session, scope: Scope) -> list[RotatedRow]:
    """Cán bộ đang luân chuyển: the current postings recorded as a rotation or a secondment,
    the planned end first (those due back soonest), then by name."""
    from quyhoach.db.models import Cadre, Posting, Unit
    from quyhoach.domain.text import name_sort_key

    statement = (select(Posting, Cadre, Unit).join(Cadre, Cadre.id == Posting.cadre_id)
                 .join(Unit, Unit.id == Posting.unit_id)
                 .where(Posting.kind.in_(("rotation", "secondment")), Posting.end_date.is_(None)))
    statement = statement.where(scope.units_clause(Posting.unit_id))
    rows = [RotatedRow(cadre.code, cadre.full_name, posting.position, unit.name, posting.kind or "rotation",
                       posting.direction, posting.start_date, posting.planned_end)
            for posting, cadre, unit in session.exec(statement)]
    rows.sort(key=lambda r: (r.planned_end is None, r.planned_end or r.start, name_sort_key(r.name)))
    return rows


# --------------------------------------------------------------------------- what needs attention

@dataclass
class RunWaiting:
    """A solve still running, or a scenario's finished plan not yet adopted (the Tổng quan page)."""

    run_id: int
    scenario_id: int
    scenario_name: str
    status: str
    moves: int | None
    finished_at: Any


@dataclass
class RotationAttention:
    running: list[RunWaiting]
    awaiting: list[RunWaiting]   # the latest finished plan of each draft scenario, newest first


def rotation_attention(session: Session, scope: Scope) -> RotationAttention:
    """Solves queued or running, and draft scenarios whose latest solve found a plan, within
    the user's jurisdiction (a scenario whose units in play are all theirs). Reads the run
    columns only, never the stored problem or plan."""
    from quyhoach.services.platform.scope import covers_scenario

    drafts = {s.id: s for s in session.exec(select(Scenario).where(Scenario.status == "draft")).all()
              if covers_scenario(scope, session, s)}
    if not drafts:
        return RotationAttention([], [])
    rows = session.exec(select(SolveRun.id, SolveRun.scenario_id, SolveRun.status, SolveRun.moves,
                               SolveRun.finished_at, SolveRun.job_id)
                        .where(SolveRun.scenario_id.in_(sorted(drafts))).order_by(SolveRun.id.desc())).all()
    job_ids = [r.job_id for r in rows if r.status in ("queued", "running") and r.job_id]
    dead = set(session.exec(select(Job.id).where(Job.id.in_(job_ids), Job.status.in_(("failed", "stopped")))).all()) \
        if job_ids else set()
    running, awaiting, seen = [], [], set()
    for r in rows:
        item = RunWaiting(r.id, r.scenario_id, drafts[r.scenario_id].name, r.status, r.moves, r.finished_at)
        if r.status in ("queued", "running") and r.job_id not in dead:
            running.append(item)
        elif r.status == "done" and r.scenario_id not in seen:
            awaiting.append(item)
        if r.status == "done":
            seen.add(r.scenario_id)
    return RotationAttention(running, awaiting)


# --------------------------------------------------------------------------- a plan that leaves vacancies empty

@dataclass
class VacanciesLeft:
    """Why a plan left vacant posts empty, counted: no move to them was proposed; every move
    proposed fails an attribute rule (per rule, as the solver's diagnosis names it); or some
    candidate was eligible and the plan chose not to fill the post (filling is encouraged,
    not required: each fill leaves the mover's own post open or costs more than it gains)."""

    vacant: int
    left: int
    no_candidate: int
    blocked: dict[str, int]
    not_chosen: int
    names: list[str]


_left_cache: OrderedDict[tuple[int, str | None], VacanciesLeft | None] = OrderedDict()


def vacancies_left(run: SolveRun) -> VacanciesLeft | None:
    """For a finished run that left some vacant post empty: why, with counts (None otherwise).
    A finished plan never changes: computed once per run and process."""
    if run.status != "done" or not run.plan or run.id is None:
        return None
    key = (run.id, run.job_id)   # the job's id is unique across databases, the run's only within one
    with _memo_lock:
        if key in _left_cache:
            return _left_cache[key]
    problem = solver.problem_from_dict(run.problem)
    filled = {m["to_post"] for m in run.plan.get("moves", []) if m.get("to_post")}
    vacant = sum(1 for p in problem.posts if p.holder is None)
    left = solver.open_posts_left(problem, filled)
    result = None
    if left:
        blocked: dict[str, int] = {}
        for post in left:
            if post.candidates and not post.eligible:
                key = listed(list(post.blocking)) or "?"   # each rule's title, translatable (messages.Said)
                blocked[key] = blocked.get(key, 0) + 1
        names = {p.id: p.name or p.id for p in problem.posts}
        result = VacanciesLeft(vacant, len(left), sum(1 for p in left if not p.candidates),
                               dict(sorted(blocked.items(), key=lambda kv: -kv[1])),
                               sum(1 for p in left if p.eligible), [names[p.post] for p in left[:8]])
    with _memo_lock:
        _left_cache[key] = result
        while len(_left_cache) > 64:
            _left_cache.popitem(last=False)
    return result


def pools_changed(session: Session, run: SolveRun) -> list[str]:
    """The succession pools an adoption of the run would change, by title and term: the pools
    of a title a moved cadre is appointed to and listed in (P12: they leave it). By name, in
    the order of the titles' names."""
    from quyhoach.db.models import Cadre, Pool, PoolEntry, Term, Title
    from quyhoach.domain.text import text_sort_key

    pairs = {(m["cadre"], str(m["to_post"]).split("#", 1)[0]) for m in (run.plan or {}).get("moves", []) if m.get("to_post")}
    if not pairs:
        return []
    rows = session.exec(select(Cadre.code, Title.code, Title.name, Term.name)
                        .join(PoolEntry, PoolEntry.cadre_id == Cadre.id).join(Pool, Pool.id == PoolEntry.pool_id)
                        .join(Title, Title.id == Pool.title_id).join(Term, Term.id == Pool.term_id)
                        .where(PoolEntry.status == "active", Cadre.code.in_(sorted({c for c, _ in pairs})))).all()
    names = {f"{title} — {term}" for cadre, code, title, term in rows if (cadre, code) in pairs}
    return sorted(names, key=text_sort_key)
