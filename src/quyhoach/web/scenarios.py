"""Luân chuyển: rotation scenarios (settings, preview of what is in play), background solves
followed by a partial that polls itself, plans with their chains drawn as a graph, sweeps,
the comparison of 2–4 plans, relaxing a rule of an infeasible scenario, adoption.

Handlers parse, call the rotation service, commit once (or roll back) and render. A request
from htmx gets the partial the page includes; a refused change (ScenarioError) comes back
422 with its message in place and nothing written.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlmodel import select

from quyhoach.db.models import Adoption, Scenario, SolveRun, Unit
from quyhoach.domain.numbers import format_number, format_percent
from quyhoach.services.platform import jobs
from quyhoach.services import rotation
from quyhoach.services.rotation import problem, scenarios as rotation_scenarios, views
from quyhoach.services.platform.scope import covers_scenario
from quyhoach.web.auth import current_scope, guarded, requires
from quyhoach.web.db import session
from quyhoach.web.filters import current_locale
from quyhoach.web.forms import scenarios as forms
from quyhoach.web.forms.scenarios import FIELDS
from quyhoach.web.partials import is_partial
from quyhoach.web.scenario_labels import RELAX_RULE, SWEEP_LABELS, TEMPLATE_GLOBALS
from quyhoach.web.scenario_pages import (
    adoption_context, defer_problem, last_runs, plan_context, run_figures, run_view, runs_of, safe_preview,
    settings_context, sweep_context,
)

bp = guarded(Blueprint("scenarios", __name__, url_prefix="/luan-chuyen"), write="edit_scenarios",
             params={"scenario_id": "scenario", "run_id": "run"})

# The diagnosis names a unit's limits by the row; the scenario by the setting.
RUNS_SHOWN = 12


@bp.record_once
def _labels(state):
    # Globals, not a context processor: the imported macros see them too.
    state.app.jinja_env.globals.update({**TEMPLATE_GLOBALS, "SCENARIO_FIELDS": FIELDS})


def _runner():
    return current_app.extensions["quyhoach.jobs"]


def _in_scope(scenario: Scenario | None) -> bool:
    """A user scoped to a unit works only on scenarios whose units in play are all theirs."""
    return scenario is None or covers_scenario(current_scope(), session(), scenario)


def _scenario(scenario_id: int) -> Scenario:
    scenario = session().get(Scenario, scenario_id)
    if scenario is not None and not _in_scope(scenario):
        scenario = None
    if scenario is None:
        abort(404, description=gettext("Không tìm thấy phương án số %(id)s.", id=scenario_id))
    return scenario


def _settings_of(scenario: Scenario) -> rotation.ScenarioSettings:
    """The settings as stored on the scenario (checked when they are saved or solved)."""
    return rotation.ScenarioSettings.from_dict(scenario.settings)


def _run(run_id: int) -> SolveRun:
    # The frozen problem (~3 MB for a province) is read only where a page needs it.
    run = session().get(SolveRun, run_id, options=[defer_problem()])
    if run is not None and not _in_scope(session().get(Scenario, run.scenario_id)):
        run = None
    if run is None:
        abort(404, description=gettext("Không tìm thấy lần giải số %(id)s.", id=run_id))
    return run


def _refused(template: str, target: str | None = None, status: int = 422, **context):
    """A change the service refused: the partial with its message, in place, nothing written."""
    session().rollback()
    response = make_response(render_template(template, **context), status)
    if target and is_partial():
        response.headers["HX-Retarget"] = target
        response.headers["HX-Reswap"] = "outerHTML"
    return response


def _go(url: str):
    """After a change that leads to another page: a redirect, or HX-Redirect for htmx."""
    if is_partial():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, 303)


@bp.app_template_filter("pct")
def pct_filter(value, decimals: int = 0) -> str:
    """A share as a percentage with exactly `decimals` decimals ("12,50%"), in the page's language."""
    return format_percent(value, decimals, current_locale())


@bp.app_template_filter("seconds")
def seconds_filter(value) -> str:
    if value is None:
        return ""
    return format_number(value, 1 if value < 100 else 0, current_locale()) + " s"


# --------------------------------------------------------------------------- runs: status, progress


# --------------------------------------------------------------------------- list


@bp.get("/")
def index():
    scenarios = [s for s in session().exec(select(Scenario).order_by(Scenario.id.desc())).all() if _in_scope(s)]
    last = last_runs([s.id for s in scenarios])
    done_runs = session().exec(select(SolveRun.id, SolveRun.scenario_id, SolveRun.label, SolveRun.objective,
                                      SolveRun.moves).where(SolveRun.status == "done",
                                                            SolveRun.scenario_id.in_([s.id for s in scenarios]))
                               .order_by(SolveRun.id.desc())).all()
    adopted = {a.scenario_id: a for a in session().exec(select(Adoption))}
    views_by = {sid: run_view(run) for sid, run in last.items()}
    day = rotation_scenarios.default_rotation_date(session())
    return render_template("scenarios/index.html", scenarios=scenarios, last=views_by, adopted=adopted,
                           done_runs=done_runs, form=forms.new_form(date=day.strftime("%d/%m/%Y")),
                           names={s.id: s.name for s in scenarios})


@bp.post("/")
def create():
    name = request.form.get(FIELDS.name, "").strip()
    date_text = request.form.get(FIELDS.date, "").strip()
    try:
        on = forms.parse_date_field(date_text, gettext("Ngày luân chuyển"))
        scenario = rotation.create(session(), name=name, rotation_date=on, settings=_new_settings(),
                                   description=request.form.get(FIELDS.description, ""))
        session().commit()
    except rotation.ScenarioError as error:
        form = forms.new_form(name=name, date=date_text, error=gettext("Không tạo được: %(reason)s", reason=str(error)))
        return _refused("scenarios/_new_form.html", "#new-form", form=form)
    return _go(url_for(".scenario", scenario_id=scenario.id))


def _new_settings() -> rotation.ScenarioSettings:
    """A new scenario's settings: the whole province, or a scoped user's own unit."""
    root = current_scope().root_unit_id
    unit = session().get(Unit, root) if root is not None else None
    return rotation.ScenarioSettings(unit_codes=[unit.code] if unit is not None else [])


@bp.post("/<int:scenario_id>/sao-chep")
def copy(scenario_id: int):
    scenario = _scenario(scenario_id)
    new = rotation.copy(session(), scenario)
    session().commit()
    return _go(url_for(".scenario", scenario_id=new.id))


# --------------------------------------------------------------------------- scenario page


@bp.get("/<int:scenario_id>")
def scenario(scenario_id: int):
    scenario = _scenario(scenario_id)
    settings = _settings_of(scenario)
    if is_partial() and request.args.get("phan") == "xem-truoc":
        return render_template("scenarios/_preview.html", scenario=scenario, preview=safe_preview(scenario, settings))
    adoption = session().exec(select(Adoption).where(Adoption.scenario_id == scenario.id)).first()
    context = settings_context(scenario, settings)
    preview = safe_preview(scenario, settings)
    return render_template("scenarios/scenario.html", preview=preview, runs=runs_of(scenario),
                           sweep=sweep_context(scenario), adoption=adoption_context(adoption),
                           parent=session().get(Scenario, scenario.parent_id) if scenario.parent_id else None,
                           **context)


@bp.post("/<int:scenario_id>")
def save(scenario_id: int):
    scenario = _scenario(scenario_id)
    form = request.form
    name = form.get(FIELDS.name, scenario.name)
    status = 422
    try:
        if scenario.status == "adopted":
            raise rotation.ScenarioError(
                gettext("phương án đã được thông qua: không sửa được; hãy sao chép để làm phương án mới"))
        expected = form.get(FIELDS.version, type=int)
        if expected is None:
            status = 409
            raise rotation.ScenarioError(gettext("biểu mẫu thiếu số phiên bản của phương án; hãy tải lại trang"))
        if expected != scenario.version:
            status = 409
            raise rotation.ScenarioError(gettext("phương án vừa được người khác sửa; hãy tải lại trang"))
        settings = forms.settings_from_form(form, _settings_of(scenario))
        if not current_scope().covers_unit_codes(session(), settings.unit_codes):
            raise rotation.ScenarioError(gettext("đơn vị ngoài phạm vi quản lý của tài khoản"))
        on = forms.parse_date_field(form.get(FIELDS.date, "").strip(), gettext("Ngày luân chuyển"))
        rotation.validate(settings)
        # Every unit, pin and exclusion must make sense at the rotation date.
        problem.problem_for(session(), scenario, settings, rotation_date=on, name=name)
        rotation.update(session(), scenario, settings=settings, name=name, description=form.get(FIELDS.description, ""),
                        rotation_date=on, expected_version=expected)
        session().commit()
    except rotation.ScenarioError as error:
        session().rollback()
        if isinstance(error, rotation.StaleScenarioError):
            status = 409
        fresh = _scenario(scenario_id)
        typed = {"name": name, "date": form.get(FIELDS.date, ""), "description": form.get(FIELDS.description, "")}
        try:
            shown = forms.settings_from_form(form, _settings_of(fresh))
        except rotation.ScenarioError:
            shown = None
        return _refused("scenarios/_settings.html", "#settings", status,
                        **settings_context(fresh, shown, gettext("Không lưu được: %(reason)s", reason=str(error)), typed),
                        preview=safe_preview(fresh, _settings_of(fresh)))
    if is_partial():
        context = settings_context(scenario)
        response = make_response(render_template("scenarios/_settings.html", saved=True,
                                                 preview=safe_preview(scenario, _settings_of(scenario)),
                                                 **context))
        response.headers["HX-Trigger"] = "scenario-saved"
        return response
    return redirect(url_for(".scenario", scenario_id=scenario_id), 303)


@bp.post("/<int:scenario_id>/giai")
def solve(scenario_id: int):
    scenario = _scenario(scenario_id)
    try:
        run = rotation.start_solve(session(), _runner(), scenario, label=request.form.get(FIELDS.label, "").strip()[:200])
        session().commit()
    except rotation.ScenarioError as error:
        session().rollback()
        return _refused("scenarios/_runs.html", "#runs", scenario=scenario, runs=runs_of(_scenario(scenario_id)),
                        error=gettext("Không giải được: %(reason)s", reason=str(error)))
    if not is_partial():
        return redirect(url_for(".scenario", scenario_id=scenario_id) + f"#run-{run.id}", 303)
    return render_template("scenarios/_runs.html", scenario=scenario, runs=runs_of(scenario))


# --------------------------------------------------------------------------- a run: progress, plan

@bp.get("/run/<int:run_id>")
def run(run_id: int):
    """The plan page; from htmx, the run's progress partial (it polls itself until done)."""
    solve_run = _run(run_id)
    scenario = session().get(Scenario, solve_run.scenario_id)
    view = run_view(solve_run, scenario)
    if is_partial():
        return render_template("scenarios/_run.html", run=view, figures=run_figures(view), compact=request.args.get("gon") == "1")
    context = {"run": view, "scenario": scenario, "figures": run_figures(view), "compact": False}
    if view.plan:
        context.update(plan_context(solve_run, view))
    adoption = session().exec(select(Adoption).where(Adoption.scenario_id == scenario.id)).first()
    context["adoption"] = adoption
    context["adopt_form"] = forms.adopt_form(scenario)
    if adoption is None and view.plan and solve_run.status == "done":
        context["pools_changed"] = views.pools_changed(session(), solve_run)
    return render_template("scenarios/run.html", **context)


@bp.post("/run/<int:run_id>/dung")
def stop(run_id: int):
    solve_run = _run(run_id)
    if solve_run.job_id:
        jobs.request_stop(session(), solve_run.job_id)
        session().commit()
    view = run_view(solve_run, session().get(Scenario, solve_run.scenario_id))
    if not is_partial():
        return redirect(url_for(".run", run_id=run_id), 303)
    return render_template("scenarios/_run.html", run=view, figures={}, compact=request.args.get("gon") == "1")


@bp.post("/run/<int:run_id>/giai-lai")
def resolve(run_id: int):
    solve_run = _run(run_id)
    scenario = _scenario(solve_run.scenario_id)
    try:
        if solve_run.sweep_key is not None:
            new = rotation.start_solve(session(), _runner(), scenario, label=solve_run.label,
                                       sweep=(solve_run.sweep_key, solve_run.sweep_value))
        else:
            new = rotation.start_solve(session(), _runner(), scenario, label=solve_run.label)
        session().commit()
    except rotation.ScenarioError as error:
        session().rollback()
        view = run_view(solve_run, scenario)
        return _refused("scenarios/_run.html", f"#run-{run_id}", run=view, figures={}, compact=False,
                        error=gettext("Không giải lại được: %(reason)s", reason=str(error)))
    return _go(url_for(".run", run_id=new.id))


@bp.post("/run/<int:run_id>/noi")
def relax(run_id: int):
    solve_run = _run(run_id)
    scenario = _scenario(solve_run.scenario_id)
    rule = request.form.get(FIELDS.relax_rule, "")
    subject = request.form.get(FIELDS.relax_subject, "")
    try:
        new = rotation.relax(session(), scenario, RELAX_RULE.get(rule, rule), subject)
        session().commit()
    except rotation.ScenarioError as error:
        session().rollback()
        return _refused("scenarios/_message.html", "#relax-message", message=str(error))
    return _go(url_for(".scenario", scenario_id=new.id))


# --------------------------------------------------------------------------- adoption


@bp.post("/run/<int:run_id>/thong-qua")
@requires(write="adopt")
def adopt(run_id: int):
    solve_run = _run(run_id)
    scenario = _scenario(solve_run.scenario_id)
    typed = {"decision_no": request.form.get(FIELDS.decision_no, "").strip(), "on": request.form.get(FIELDS.date, "").strip(),
             "signed_on": request.form.get(FIELDS.signed_on, "").strip(), "note": request.form.get(FIELDS.note, "")}
    try:
        on, signed_on = forms.adopt_dates(typed["on"], typed["signed_on"])
        rotation.adopt(session(), scenario, solve_run, decision_no=typed["decision_no"], on=on, note=typed["note"],
                       signed_on=signed_on)
        session().commit()
    except rotation.ScenarioError as error:
        session().rollback()
        form = forms.adopt_form(scenario, **typed, error=gettext("Không thông qua được: %(reason)s", reason=str(error)))
        return _refused("scenarios/_adopt_form.html", "#adopt-form", run=run_view(solve_run, scenario),
                        scenario=scenario, adopt_form=form)
    return _go(url_for(".scenario", scenario_id=scenario.id) + "#adoption")


# --------------------------------------------------------------------------- sweeps


@bp.route("/<int:scenario_id>/quet", methods=["GET", "POST"])
def sweep(scenario_id: int):
    scenario = _scenario(scenario_id)
    if request.method == "POST":
        key = request.form.get(FIELDS.sweep_key, "")
        typed = {"key": key, "values": request.form.get(FIELDS.sweep_values, "")}
        try:
            if key not in SWEEP_LABELS:
                raise rotation.ScenarioError(gettext("«Tham số» không quét được"))
            rotation.start_sweep(session(), _runner(), scenario, key, forms.sweep_values(key, typed["values"]))
            session().commit()
        except rotation.ScenarioError as error:
            session().rollback()
            return _refused("scenarios/_sweep.html", "#sweep", scenario=_scenario(scenario_id),
                            sweep=sweep_context(_scenario(scenario_id),
                                                gettext("Không quét được: %(reason)s", reason=str(error)), typed))
        if not is_partial():
            return redirect(url_for(".scenario", scenario_id=scenario_id) + "#sweep", 303)
    if not is_partial():
        return redirect(url_for(".scenario", scenario_id=scenario_id) + "#sweep")
    return render_template("scenarios/_sweep.html", scenario=scenario, sweep=sweep_context(scenario))


# --------------------------------------------------------------------------- comparison

@bp.get("/so-sanh")
def compare():
    ids = []
    for value in request.args.getlist(FIELDS.compare_run):
        try:
            ids.append(int(value))
        except ValueError:
            abort(400, description=gettext("Mã lần giải không hợp lệ: %(value)s", value=value))
    ids = list(dict.fromkeys(ids))
    for run_id in ids:
        _run(run_id)  # 404 for a run outside the user's jurisdiction
    if not 2 <= len(ids) <= 4:
        return make_response(render_template("scenarios/compare.html", comparison=None,
                                             error=gettext("Chọn từ 2 đến 4 phương án đã giải để so sánh.")), 422)
    comparison = views.compare(session(), ids)
    if len(comparison.runs) != len(ids):
        abort(404, description=gettext("Có lần giải không tồn tại."))
    unfinished = [compared.run.id for compared in comparison.runs if compared.run.status != "done" or not compared.plan]
    error = gettext("Lần giải %(ids)s chưa có phương án: chỉ so sánh được các lần giải đã có phương án.",
                    ids=", ".join(f"#{i}" for i in unfinished)) if unfinished else ""
    scopes = {tuple(sorted((c.scenario.settings or {}).get("unit_codes") or [])) for c in comparison.runs}
    return render_template("scenarios/compare.html", comparison=comparison, error=error, scopes_differ=len(scopes) > 1)


# --------------------------------------------------------------------------- drawings
