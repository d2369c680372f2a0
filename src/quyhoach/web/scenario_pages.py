"""What the Luân chuyển pages show, built for the templates: a run as the pages show it
(`RunView`), and the context of each page and partial (the preview of what a scenario puts
in play, its settings form, its runs, a plan with its chains and graph, the adoption,
the sweep). The handlers in `web/scenarios.py` call these and render."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext
from markupsafe import Markup
from sqlmodel import select

from quyhoach.db import like
from quyhoach.db.models import Adoption, Job, Level, PoolEvent, RuleSet, Scenario, SolveRun, Unit
from quyhoach.reports.drawings import rotation_graph, sweep_chart
from quyhoach.services.platform import jobs
from quyhoach.services.records import queries
from quyhoach.services.rotation import problem, views
from quyhoach.services.rotation.chains import plan_chains
from quyhoach.services.rotation.scenarios import RELAXABLE
from quyhoach.services.rotation.settings import TARGET_ATTRIBUTES, ScenarioError, ScenarioSettings
from quyhoach.web.auth import current_scope
from quyhoach.web.db import session
from quyhoach.web.scenario_labels import LEGAL_WHY, RELAX_LABELS, RELAX_RULE, SWEEP_LABELS, graph_labels, sweep_labels

RUNS_SHOWN = 12


class RunView:
    """A run as the pages show it: status in words, the job's progress, the plan's figures."""

    def __init__(self, run: SolveRun, job: Job | None, scenario: Scenario | None = None) -> None:
        self.run = run
        self.job = job
        self.scenario = scenario
        self.status = views.run_status(run, job)
        self.finished = views.finished(self.status)
        self.detail = (job.detail if job else {}) or {}
        self.plan = run.plan or {}

    @property
    def id(self) -> int:
        return self.run.id

    @property
    def progress(self) -> float:
        return self.job.progress if self.job else 0.0

    @property
    def message(self) -> str:
        return self.job.message if self.job else ""

    @property
    def reason(self) -> str:
        """Why a failed or stopped run ended, in the first line of the job's error."""
        if self.status == "stopped":
            return gettext("Đã dừng theo yêu cầu; phương án giữ nguyên như trước khi giải.")
        if self.job and self.job.error:
            return self.job.error.splitlines()[0]
        return ""

    @property
    def elapsed(self) -> float | None:
        if self.detail.get("elapsed") is not None:
            return self.detail["elapsed"]
        job = self.job
        if job and job.started_at:
            end = job.finished_at or job.heartbeat_at or job.started_at
            return max(0.0, (end - job.started_at).total_seconds())
        return None


def run_view(run: SolveRun, scenario: Scenario | None = None) -> RunView:
    job = jobs.get(session(), run.job_id) if run.job_id else None
    return RunView(run, job, scenario)


def run_figures(view: RunView) -> dict:
    if not view.plan or view.status not in ("done", "infeasible", "unknown"):
        return {}
    return views.figures_of(session(), view.run, view.job.result if view.job else None)


def last_runs(scenario_ids: list[int]) -> dict[int, SolveRun]:
    if not scenario_ids:
        return {}
    rows = session().exec(select(SolveRun).where(SolveRun.scenario_id.in_(scenario_ids))
                          .options(defer_problem()).order_by(SolveRun.id.desc())).all()
    last: dict[int, SolveRun] = {}
    for row in rows:
        last.setdefault(row.scenario_id, row)
    return last


def defer_problem():
    """The frozen problem (~3 MB for a province) is read only where a page needs it."""
    return sa.orm.defer(SolveRun.problem)


def preview(scenario: Scenario, settings: ScenarioSettings):
    """What the settings put in play, built from the records at the rotation date (pins
    and exclusions left out, so a stale pin does not hide the preview; they are checked
    on their own)."""
    error = ""
    try:
        built = problem.problem_for(session(), scenario, settings)
    except ScenarioError as exc:
        error = str(exc)
        loose = ScenarioSettings.from_dict({**settings.to_dict(), "pinned": [], "forbidden": []})
        built = problem.problem_for(session(), scenario, loose)
    solver_problem = built.problem
    unit_names = {u.id: u.name for u in solver_problem.units}
    open_posts = [{"id": p.id, "name": p.name, "unit": unit_names.get(p.unit, p.unit), "why": built.opened[p.id],
                   "must_fill": p.must_fill} for p in solver_problem.posts if p.holder is None]
    return {
        "built": built, "problem": solver_problem, "error": error, "open": open_posts,
        "holders": sum(1 for p in solver_problem.posts if p.holder), "unit_names": unit_names,
        "posts": sorted(solver_problem.posts, key=lambda p: (unit_names.get(p.unit, p.unit), -p.rank, p.name)),
        "pool_cadres": sum(1 for c in solver_problem.cadres if c.in_pool),
        "hard_targets": sum(1 for t in solver_problem.targets if t.hard),
    }


def settings_context(scenario: Scenario, settings: ScenarioSettings | None = None, error: str = "",
                      typed: dict | None = None) -> dict:
    settings = settings or ScenarioSettings.from_dict(scenario.settings)
    rule_sets = session().exec(select(RuleSet.code, RuleSet.name, RuleSet.valid_from)
                               .where(RuleSet.domain == "planning").order_by(RuleSet.valid_from)).all()
    units = queries.unit_options(session(), current_scope())
    codes = {code for code, _, _ in units}
    parents = dict(session().exec(select(Unit.code, Unit.parent_id)).all())
    ids = dict(session().exec(select(Unit.id, Unit.code)).all())
    children: dict[str, int] = {}
    for code, parent in parents.items():
        if parent in ids and ids[parent] in codes and code in codes:
            children[ids[parent]] = children.get(ids[parent], 0) + 1
    communes = session().exec(select(Unit.code).join(Level, Level.id == Unit.level_id).where(Level.code == "commune")).all()
    return {"scenario": scenario, "settings": settings, "error": error, "typed": typed or {},
            "units": units, "children": children, "commune_codes": [c for c in communes if c in codes],
            "rule_sets": rule_sets,
            "readonly": scenario.status == "adopted"}


def runs_of(scenario: Scenario) -> list[RunView]:
    runs = session().exec(select(SolveRun).where(SolveRun.scenario_id == scenario.id, SolveRun.sweep_key.is_(None))
                          .options(defer_problem()).order_by(SolveRun.id.desc()).limit(RUNS_SHOWN)).all()
    return [run_view(r, scenario) for r in runs]


def safe_preview(scenario: Scenario, settings: ScenarioSettings) -> dict:
    try:
        return preview(scenario, settings)
    except ScenarioError as error:
        return {"failed": str(error)}


def plan_context(solve_run: SolveRun, view: RunView) -> dict:
    problem = solve_run.problem
    cadres = views.cadres_of(problem)
    posts = {p["id"]: p for p in problem.get("posts", [])}
    units = {u["id"]: u.get("name") or u["id"] for u in problem.get("units", [])}
    plan = view.plan
    moves = sorted(plan.get("moves", []), key=lambda m: (units.get(m.get("to_unit"), ""), m["to_post"]))
    chains = plan_chains(plan)
    svg = rotation_graph(plan, cadres, posts, units, graph_labels())
    diagnosis = plan.get("diagnosis") or None
    conflicts = []
    if diagnosis:
        for conflict in diagnosis.get("conflicts", []):
            rule = RELAX_RULE.get(conflict["rule"], conflict["rule"])
            conflicts.append({**conflict, "relax_rule": rule if rule in RELAXABLE else None,
                              "relax_label": RELAX_LABELS.get(rule), "why": LEGAL_WHY.get(conflict["rule"])})
    return {"cadres": cadres, "posts": posts, "units": units, "moves": moves, "chains": chains, "graph": svg,
            "diagnosis": diagnosis, "conflicts": conflicts, "structure": plan.get("structure", []),
            "warnings": plan.get("warnings", []), "left": views.vacancies_left(solve_run),
            "words": plan_words(plan, problem)}


def plan_words(plan: dict, problem: dict) -> dict:
    """The book a stored run's text is said from (`say`): the problem's words (posts' and
    targets' names, candidates' reasons: `problem_words`) and the solver's messages (the
    plan's `words`). A run stored without them shows its Vietnamese text."""
    return {**(problem.get("words") or {}), **(plan.get("words") or {})}


def adoption_context(adoption: Adoption | None) -> dict | None:
    if adoption is None:
        return None
    solve_run = session().get(SolveRun, adoption.run_id)
    plan = solve_run.plan if solve_run else {}
    figures = views.figures_of(session(), solve_run) if solve_run else {}
    names = figures.get("names", {})
    moves = plan.get("moves", [])
    pools = session().exec(select(PoolEvent.pool_id).where(PoolEvent.rule == "P12", PoolEvent.on == adoption.adopted_on,
                                                           like.contains(PoolEvent.reason, adoption.decision_no))).all()
    rule_set = session().exec(select(RuleSet).where(RuleSet.code == (solve_run.rule_set if solve_run else ""))).first()
    return {"adoption": adoption, "run": solve_run, "moves": moves, "names": names, "pools": sorted(set(pools)),
            "rule_set": rule_set, "words": figures.get("words", {})}


def sweep_context(scenario: Scenario, error: str = "", typed: dict | None = None) -> dict:
    runs = session().exec(select(SolveRun).where(SolveRun.scenario_id == scenario.id, SolveRun.sweep_key.is_not(None))
                          .options(defer_problem()).order_by(SolveRun.id.desc())).all()
    key = runs[0].sweep_key if runs else None
    latest: dict[float, SolveRun] = {}
    for r in runs:
        if r.sweep_key == key:
            latest.setdefault(r.sweep_value, r)
    points = [run_view(r, scenario) for _, r in sorted(latest.items())]
    pending = any(not p.finished for p in points)
    chart = (sweep_chart([(p.run.sweep_value, p.run.objective, p.run.moves) for p in points],
                         key in TARGET_ATTRIBUTES, sweep_labels()) if points and not pending else Markup(""))
    return {"key": key, "points": points, "pending": pending, "chart": chart, "error": error,
            "typed": typed or {"key": "female", "values": "25, 30, 35"}, "keys": SWEEP_LABELS}
