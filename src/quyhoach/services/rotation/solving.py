"""Solving a scenario: the frozen problem queued as a background job, parameter sweeps,
the job handler (`solve_job`, kind "rotation.solve"), the figures kept in its result,
the words of its progress."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

import solver
from quyhoach.db.models import Scenario, SolveRun, utcnow
from quyhoach.services.platform import audit, jobs, stamp
from quyhoach.services.rotation import views as scenario_views
from quyhoach.services.rotation.problem import problem_for, problem_words
from quyhoach.services.rotation.settings import (
    OFF, SOFT, TARGET_ATTRIBUTES, ScenarioError, ScenarioSettings, validate,
)

JOB_KIND = "rotation.solve"


def start_solve(session: Session, runner, scenario: Scenario, *, label: str = "",
                override: dict[str, Any] | None = None, sweep: tuple[str, float] | None = None,
                workers: int | None = None) -> SolveRun:
    """Freeze the problem of the scenario (as the records are now) and queue its solve once the
    caller commits. `workers`: CP-SAT search workers (one, with the fixed seed, gives the same
    plan every time: the demo's example round)."""
    if scenario.status == "adopted":
        raise ScenarioError("phương án đã được thông qua; không giải lại")
    settings = ScenarioSettings.from_dict({**scenario.settings, **(override or {})})
    if sweep is not None:
        _apply_sweep(settings, *sweep)
    validate(settings)
    built = problem_for(session, scenario, settings)
    frozen = solver.problem_to_dict(built.problem)
    frozen["words"] = problem_words(built.problem)   # for the pages; the solver reads the problem without
    run = SolveRun(scenario_id=scenario.id, label=label, problem=frozen,
                   data_stamp=stamp.current(session), rule_set=built.rules.code,
                   sweep_key=sweep[0] if sweep else None, sweep_value=sweep[1] if sweep else None)
    session.add(run)
    session.flush()
    payload: dict[str, Any] = {"run_id": run.id, "time_limit": settings.time_limit}
    if workers is not None:
        payload["workers"] = workers
    job = jobs.create(session, JOB_KIND, payload,
                      f"Giải phương án «{scenario.name}»" + (f" · {label}" if label else ""))
    run.job_id = job.id
    session.add(run)
    audit.record(session, "scenario.solve", f"scenario:{scenario.id}",
                 after={"run_id": run.id, "label": label, "rule_set": run.rule_set, "data_stamp": run.data_stamp})
    jobs.enqueue_after_commit(session, runner, job.id)   # the caller commits; a rollback queues nothing
    return run


SWEEPABLE = {
    "female": "Tỷ lệ cán bộ nữ tối thiểu",
    "minority": "Tỷ lệ cán bộ dân tộc thiểu số tối thiểu",
    "young": "Tỷ lệ cán bộ trẻ tối thiểu",
    "moves": "Trọng số số lượt điều động",
}


def _apply_sweep(settings: ScenarioSettings, key: str, value: float) -> None:
    if key in settings.targets:
        target = settings.targets[key]
        target.share = float(value)
        if target.mode == OFF:
            target.mode = SOFT
    elif key == "moves":
        settings.weights["moves"] = int(value)
    else:
        raise ScenarioError(f"không quét được tham số «{key}»")


def start_sweep(session: Session, runner, scenario: Scenario, key: str, values: list[float]) -> list[SolveRun]:
    """One solve per value of a parameter ("what if the women target is 25%, 30%, 35%?")."""
    if key not in SWEEPABLE:
        raise ScenarioError(f"không quét được tham số «{key}»")
    if not 2 <= len(values) <= 8:
        raise ScenarioError("cần từ 2 đến 8 giá trị để quét")
    runs = []
    for value in values:
        label = f"{SWEEPABLE[key]} = {round(value * 100)}%" if key in TARGET_ATTRIBUTES else f"{SWEEPABLE[key]} = {int(value)}"
        runs.append(start_solve(session, runner, scenario, label=label, sweep=(key, value)))
    return runs


def solve_job(ctx: jobs.JobContext) -> dict[str, Any]:
    """The background solve: reads the frozen problem, solves with progress and stop, writes
    the plan in one transaction at the end (a stopped or failed solve writes nothing)."""
    with Session(ctx.engine) as session:
        run = session.get(SolveRun, ctx.payload["run_id"])
        problem = solver.problem_from_dict(run.problem)
        problem_data, rule_set = run.problem, run.rule_set
        run.status = "running"
        session.add(run)
        session.commit()
    time_limit = float(ctx.payload.get("time_limit", 10))
    ctx.progress(0.0, "đang dựng mô hình", force=True)

    def on_progress(p: solver.Progress) -> None:
        detail = {"phase": p.phase, "elapsed": round(p.elapsed, 2), "incumbent": p.incumbent, "bound": p.bound,
                  "gap": p.gap}
        try:
            ctx.progress(min(0.99, p.elapsed / time_limit), _phase_words(p), detail)
        except jobs.StopRequested:
            pass  # the stop callback below tells the solver

    try:
        options = solver.Options(time_limit=time_limit, progress=on_progress, stop=ctx.should_stop, alternatives=0)
        if ctx.payload.get("workers"):
            options.workers = int(ctx.payload["workers"])
        plan = solver.solve(problem, options)
    except Exception:
        _finish(ctx, "failed", None)
        raise
    if ctx.should_stop():
        _finish(ctx, "stopped", None)
        raise jobs.StopRequested()
    _finish(ctx, "done", plan)
    return {"run_id": ctx.payload["run_id"], "status": plan.status, "objective": plan.objective,
            "moves": len(plan.moves), "figures": _figures(ctx, problem_data, plan, rule_set)}


def _figures(ctx: jobs.JobContext, problem_data: dict[str, Any], plan: solver.Plan, rule_set: str) -> dict[str, Any]:
    """The plan's figures for the comparison page (names, open posts, structure per unit
    before and after), kept in the job's result so that page need not read the problem."""
    try:
        with Session(ctx.engine) as session:
            params = scenario_views.rule_params(session, rule_set)
        return scenario_views.figures(problem_data, solver.plan_to_dict(plan), params)
    except Exception:  # a summary is a convenience: the comparison recomputes it when missing
        return {}


def abandoned(session: Session, job) -> None:
    """A solve whose worker died: its run is marked failed (it never wrote a plan)."""
    run = session.get(SolveRun, job.payload.get("run_id"))
    if run is not None and run.status in ("queued", "running"):
        run.status = "failed"
        run.finished_at = utcnow()
        session.add(run)




def _phase_words(p: solver.Progress) -> str:
    phase = {"relaxation": "nới lỏng (cận trên)", "search": "tìm kiếm", "alternatives": "phương án thay thế",
             "diagnosis": "chẩn đoán"}.get(p.phase, p.phase)
    if p.incumbent is not None and p.gap is not None:
        return f"{phase}: phương án tốt nhất {p.incumbent:,}, cận {p.bound:,}, khoảng cách {p.gap:.2%}".replace(",", ".")
    return phase


def _finish(ctx: jobs.JobContext, status: str, plan: solver.Plan | None) -> None:
    with Session(ctx.engine) as session:
        run = session.get(SolveRun, ctx.payload["run_id"])
        run.status = status
        run.finished_at = utcnow()
        if plan is not None:
            run.plan = solver.plan_to_dict(plan)
            run.objective, run.bound, run.gap, run.moves = plan.objective, plan.bound, plan.gap, len(plan.moves)
            run.status = "done" if plan.ok else plan.status
        session.add(run)
        session.commit()


def plan_of(run: SolveRun) -> solver.Plan | None:
    return solver.plan_from_dict(run.plan) if run.plan else None


def problem_of(run: SolveRun) -> solver.Problem:
    return solver.problem_from_dict(run.problem)


