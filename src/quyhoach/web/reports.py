"""Báo cáo: the report kinds with their pickers, report generation in the background with a
self-polling progress partial, downloads, the past reports; and the report pages themselves
(the term-planning report, a cadre's dossier and a rotation scenario's decision report as
HTML, whose print templates make the PDF).

Jurisdiction: a user scoped to a unit (`web.auth.current_scope`) picks among the units of
their subtree only, and a report of a unit, a cadre or a scenario outside it — to make, to
view, to download, or in the list of past reports — is answered 404, as everywhere else.
A report job belongs to who asked for it: another user's is answered 404 too, unless their
role may act on others' reports (`others_reports`).
"""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint, abort, current_app, make_response, redirect, render_template, request, send_file, url_for,
)
from flask_babel import gettext
from pydantic import ValidationError
from sqlmodel import select

from quyhoach import reports
from quyhoach.db.models import Job
from quyhoach.reports import decision as decision_report, dossier_2c, gather, jobs as report_jobs, pdf_builder
from quyhoach.services.platform import audit, jobs, scope as scope_service
from quyhoach.services.planning import views as planning_views
from quyhoach.services.records import queries
from quyhoach.services.planning import world as world_service
from quyhoach.web.auth import NOT_A_RECORD, current_scope, guarded
from quyhoach.web.db import session
from quyhoach.web.filters import current_locale
from quyhoach.web.forms import reports as forms
from quyhoach.web.partials import is_partial

bp = guarded(Blueprint("reports", __name__, url_prefix="/bao-cao"), write="read",
             params={"job_id": "report_job", "fmt": NOT_A_RECORD, "code": "cadre", "pool_id": "pool",
                     "paper": NOT_A_RECORD})

FORMAT_LABELS = {"docx": "Word (DOCX)", "pdf": "PDF", "xlsx": "Excel (XLSX)"}
PAST_LIMIT = 20
PAST_SCANNED = 400     # past reports read to find the PAST_LIMIT a scoped user may see


@bp.record_once
def _remember_app(state) -> None:
    report_jobs.register_app(state.app)


@bp.app_context_processor
def _labels():
    return {"REPORT_KINDS": kind_labels(), "REPORT_FORMATS": FORMAT_LABELS}


def kind_labels() -> dict[str, object]:
    """The report kinds' labels, read from the registry (`reports.registry`) when asked."""
    return {name: kind.label for name, kind in reports.REPORT_KINDS.items()}


def _world():
    return world_service.cached(session())


# --------------------------------------------------------------------------- jurisdiction

def report_scope(world, kind: str, params: dict) -> dict:
    """What a report covers, for jurisdiction (services.platform.scope.report_covers)."""
    return scope_service.report_covers(session(), kind, params)


def _allowed(scope: dict | None) -> bool:
    return current_scope().covers_report(scope)


def _job_allowed(job: Job) -> bool:
    return scope_service.covers_job(current_scope(), session(), job)


def _report_job(job_id: str) -> Job:
    """A report job the user may see (404 otherwise, as for any record outside their units)."""
    found = jobs.get(session(), job_id)
    if found is None or found.kind != "report" or not _job_allowed(found):
        abort(404, description=gettext("Không có việc tạo báo cáo này."))
    return found


def _own_unit():
    """A scoped user's own unit (their reports default to it); None for the whole province."""
    root = current_scope().root_unit_id
    return _world().units.get(root) if root is not None else None


def _unit_options() -> list[tuple[str, str, int]]:
    return queries.unit_options(session(), current_scope())


def _scenario_options() -> list[dict]:
    found = decision_report.decision_scenarios(session())
    if current_scope().province_wide:
        return found
    return [s for s in found if _allowed(report_scope(None, "scenario-decision", {"scenario": s["id"]}))]


def _pool_options() -> list[dict]:
    """The pools whose procedure papers the user may make (those of their units)."""
    from quyhoach.reports import procedure

    scope = current_scope()
    return procedure.pool_choices(_world(), scope.covers)


def _past() -> list[Job]:
    """The reports the user made (every user's, for a role that may act on others'), within their units."""
    scope = current_scope()
    query = select(Job).where(Job.kind == "report")
    if not scope.others_jobs:
        query = query.where(Job.owner == scope.username)
    rows = session().exec(query.order_by(Job.created_at.desc())
                          .limit(PAST_LIMIT if scope.province_wide else PAST_SCANNED)).all()
    return [j for j in rows if _job_allowed(j)][:PAST_LIMIT]


@bp.get("/")
def index():
    world = _world()
    terms = planning_views.pool_terms(world)
    default_term = ""
    try:
        default_term = gather.resolve_term(world)
    except gather.ReportError:
        pass
    own = _own_unit()
    from quyhoach.reports import letterhead

    issuers = letterhead.issuers(world, own)
    units = _unit_options()
    # the term-planning form's unit and term (asked again by its pickers: the texts written last time follow)
    asked_unit = request.args.get(forms.FIELDS["unit"], own.code if own else "").strip()
    chosen_unit = asked_unit if any(code == asked_unit for code, _, _ in units) or (not asked_unit and own is None) \
        else (own.code if own else "")
    asked_term = request.args.get(forms.FIELDS["term"], "").strip()
    chosen_term = asked_term if any(t.code == asked_term for t in terms) else default_term
    return render_template("reports/index.html", f=forms.FIELDS, kinds=reports.REPORT_KINDS, units=units,
                           issuers=issuers, default_issuer=letterhead.default_issuer(world, own).key,
                           whole_province=own is None, own_unit=own.code if own else "", chosen_unit=chosen_unit,
                           terms=terms, chosen_term=chosen_term,
                           last_texts=report_jobs.last_texts(session(), chosen_unit, chosen_term) if chosen_term else {},
                           scenarios=_scenario_options(), pools=_pool_options(), past=_past(),
                           pdf_missing=pdf_builder.unavailable())


def _title(kind: str, params: dict) -> str:
    label = str(reports.REPORT_KINDS[kind].label)
    if kind == "scenario-decision":
        from quyhoach.db.models import Scenario

        found = session().get(Scenario, int(params["scenario"]))
        return f"{label} — «{found.name}»" + (f" ({gettext('lần giải #%(id)s', id=params['run'])})"
                                              if params.get("run") else "")
    if "pool" in params:
        chosen = [c for c in _pool_options() if str(c["id"]) == str(params["pool"])]
        return f"{label} — {chosen[0]['label']}, {chosen[0]['term']}" if chosen else label
    parts = [params.get(k) for k in ("term", "unit", "cadre") if params.get(k)]
    return f"{label} — {', '.join(parts)}" if parts else f"{label} — {gettext('toàn tỉnh')}"


def _in_page_language(params: dict) -> dict:
    """The paper is written in the language the officer reads the page in (`reports.lang`):
    English is asked in the params (kept with the job), Vietnamese is the default."""
    language = current_locale()
    if language != "vi":
        params["lang"] = language
    return params


@bp.post("/tao")
def create():
    """Check the choices, then hand the report to the background runner."""
    try:
        asked = forms.ReportRequest.from_form(request.form)
    except forms.UnknownKind:
        abort(400, description=gettext("Không có loại báo cáo này."))
    except ValidationError:         # a code longer than any the page offers: a forged request
        abort(400)
    kind, needs, params, formats = asked.kind, asked.needs, asked.params(), list(asked.formats)
    own = _own_unit()
    if "unit" in needs and not params.get("unit") and own is not None:
        params["unit"] = own.code        # a scoped user's report is of their own units
    _in_page_language(params)
    world = _world()
    error = ""
    try:
        _check(world, kind, needs, params)
    except gather.ReportError as problem:
        error = str(problem)
    scope = report_scope(world, kind, params)
    if not _allowed(scope):
        abort(404)
    if error:
        return _refused(error)
    import uuid

    folder = Path(current_app.instance_path) / "reports" / uuid.uuid4().hex
    job = jobs.submit(session(), current_app.extensions["quyhoach.jobs"], "report",
                      {"kind": kind, "params": params, "formats": formats, "scope": scope,
                       "database_url": current_app.config["DATABASE_URL"], "out_dir": str(folder)},
                      _title(kind, params), owner=current_scope().username)
    job_id = job.id
    session().commit()          # the runner gets the job now that its row is there to read
    stored = jobs.get(session(), job_id)
    if is_partial():
        return render_template("reports/_job.html", job=stored)
    return redirect(url_for(".job", job_id=job_id))


def _check(world, kind: str, needs: tuple[str, ...], params: dict) -> None:
    """What the report needs is there (the term resolved in `params`); ReportError says what
    is missing; a record outside the user's units answers 404."""
    if "cadre" in needs:
        if not params.get("cadre"):
            raise gather.ReportError(gettext("chưa nhập mã cán bộ"))
        if not any(c.code == params["cadre"] for c in world.cadres.values()):
            if not current_scope().province_wide:
                abort(404)
            raise gather.ReportError(gettext("không có cán bộ mã «%(code)s»", code=params["cadre"]))
    if params.get("unit") and planning_views.unit_by_code(world, params["unit"]) is None:
        raise gather.ReportError(gettext("không có đơn vị mã «%(code)s»", code=params["unit"]))
    if "scenario" in needs:
        _check_decision(params)
    if "pool" in needs:
        _check_pool(world, kind, params)
    if "term" in needs:
        params["term"] = gather.resolve_term(world, params.get("term", ""))
    _check_issuer(world, params)


def _check_issuer(world, params: dict) -> None:
    """The issuing body asked for is one this paper may be issued by (the Board, the
    Provincial Committee, or the commune's Party Committee of a commune's paper)."""
    from quyhoach.reports import letterhead

    if not params.get("issuer"):
        return
    unit = planning_views.unit_by_code(world, params["unit"]) if params.get("unit") else _own_unit()
    if params["issuer"] not in letterhead.issuers(world, unit):
        raise gather.ReportError(gettext("cơ quan ban hành không hợp lệ cho phạm vi báo cáo này"))


def _check_pool(world, kind: str, params: dict) -> None:
    """The pool of a procedure paper exists, and the paper can be made for it (the minutes
    need a recorded ballot); ReportError says what is missing. Outside the user's units: 404."""
    from quyhoach.reports import procedure

    try:
        pool_id = int(params.get("pool") or "")
    except ValueError:
        raise gather.ReportError(gettext("chưa chọn danh sách quy hoạch")) from None
    if pool_id not in world.pools:
        if not current_scope().province_wide:
            abort(404)
        raise gather.ReportError(gettext("không có danh sách quy hoạch số %(id)s", id=pool_id))
    if not _allowed(report_scope(world, kind, params)):
        abort(404)
    paper = {k: p for p, k in procedure.KIND_OF_PAPER.items()}[kind]
    try:
        procedure.check(session(), world, pool_id, paper)
    except procedure.ProcedureError as problem:
        raise gather.ReportError(str(problem)) from None


def _refused(error: str):
    """A report that cannot be made: said in place (htmx) or as the 422 page."""
    if is_partial():
        return make_response(render_template("reports/_refused.html", error=error), 422)
    abort(422, description=error)


def _check_decision(params: dict) -> None:
    """The scenario (and run) of a decision report exist and have a plan to report on;
    ReportError says what is missing. Outside the user's units: 404."""
    from quyhoach.db.models import Adoption, Scenario, SolveRun

    try:
        scenario_id = int(params.get("scenario") or "")
        run_id = int(params["run"]) if params.get("run") else None
    except ValueError:
        raise gather.ReportError(gettext("chưa chọn phương án luân chuyển")) from None
    scenario = session().get(Scenario, scenario_id)
    if scenario is None:
        raise gather.ReportError(gettext("không có phương án số %(id)s", id=scenario_id))
    if not _allowed(report_scope(_world(), "scenario-decision", params)):
        abort(404)
    adoption = session().exec(select(Adoption).where(Adoption.scenario_id == scenario_id)).first()
    if adoption is not None and run_id not in (None, adoption.run_id):
        raise gather.ReportError(gettext("phương án đã được thông qua theo lần giải #%(id)s", id=adoption.run_id))
    query = select(SolveRun.id).where(SolveRun.scenario_id == scenario_id, SolveRun.status == "done")
    if run_id is not None:
        query = query.where(SolveRun.id == run_id)
    if adoption is None and session().exec(query).first() is None:
        raise gather.ReportError(gettext("phương án «%(name)s» chưa có lần giải nào có phương án", name=scenario.name)
                                 if run_id is None else gettext("lần giải #%(id)s chưa có phương án", id=run_id))


@bp.get("/viec/<job_id>")
def job(job_id: str):
    found = _report_job(job_id)
    if is_partial():
        return render_template("reports/_job.html", job=found)
    return render_template("reports/job.html", job=found)


@bp.post("/viec/<job_id>/dung")
def stop(job_id: str):
    _report_job(job_id)
    found = jobs.request_stop(session(), job_id)
    session().commit()
    if is_partial():
        return render_template("reports/_job.html", job=found)
    return redirect(url_for(".job", job_id=job_id))


@bp.get("/tai/<job_id>/<fmt>")
def download(job_id: str, fmt: str):
    found = _report_job(job_id)
    if found.status != jobs.DONE:
        abort(404, description=gettext("Báo cáo chưa sẵn sàng."))
    name = (found.result.get("files") or {}).get(fmt)
    if not name:
        abort(404, description=gettext("Báo cáo này không có tệp %(fmt)s.", fmt=fmt.upper()))
    path = _folder(found) / name
    if not path.is_file():
        abort(404, description=gettext("Tệp báo cáo không còn trên máy chủ; hãy tạo lại."))
    audit.record_read(session(), "report", name)
    return send_file(path, mimetype=reports.MEDIA_TYPES.get(fmt, "application/octet-stream"), as_attachment=True,
                     download_name=name)


def _folder(job: Job) -> Path:
    return Path(job.payload["out_dir"])


# --------------------------------------------------------------------------- the report pages

@bp.get("/quy-hoach")
def term_planning():
    """The term-planning report as a page (its PDF is this page's print template)."""
    world = _world()
    code = request.args.get(forms.FIELDS["unit"], "").strip()
    own = _own_unit()
    if not code and own is not None:
        code = own.code
    if not _allowed(report_scope(world, "term-planning", {"unit": code})):
        abort(404)
    try:
        term = gather.resolve_term(world, request.args.get(forms.FIELDS["term"], "").strip())
        report = gather.term_planning(session(), world, unit_code=code, term_code=term,
                                      texts=report_jobs.last_texts(session(), code, term))
    except gather.ReportError as problem:
        abort(404, description=str(problem))
    return render_template("reports/term_planning.html", r=report, pdf=False, list_limit=None)


def _cadre_in_scope(code: str) -> None:
    if not _allowed(report_scope(None, "dossier", {"cadre": code})):
        abort(404, description=gettext("Không tìm thấy cán bộ có mã «%(code)s».", code=code))


@bp.get("/ho-so/<code>")
def dossier(code: str):
    """The preview of the printed paper: form 2C with the evaluation timeline attached, from
    the same template and words as its PDF."""
    _cadre_in_scope(code)
    try:
        form = dossier_2c.gather(session(), _world(), code)
    except gather.ReportError as problem:
        abort(404, description=str(problem))
    return render_template("reports/dossier.html", r=form.attachment, pdf=False, **dossier_2c.context(form))


def _file_response(built, fmt: str):
    """A paper made in the request, as a download (or the engine's missing-part message, 503)."""
    if fmt in built.errors:
        return make_response(render_template("reports/unavailable.html", message=built.errors[fmt]), 503)
    response = make_response(built.files[fmt])
    response.headers["Content-Type"] = reports.MEDIA_TYPES[fmt]
    response.headers["Content-Disposition"] = f'attachment; filename="{built.filename(fmt)}"'
    return response


@bp.get("/ho-so/<code>.<fmt>")
def dossier_file(code: str, fmt: str):
    """A dossier is small: made in the request."""
    if fmt not in reports.REPORT_KINDS["dossier"].formats:
        abort(404)
    _cadre_in_scope(code)
    try:
        built = reports.build(session(), _world(), current_app._get_current_object(), "dossier",
                              _in_page_language({"cadre": code}), [fmt])
    except gather.ReportError as problem:
        abort(404, description=str(problem))
    return _file_response(built, fmt)


@bp.get("/danh-sach/<int:pool_id>/<paper>.<fmt>")
def pool_paper(pool_id: int, paper: str, fmt: str):
    """A pool's procedure paper (reports.procedure), linked from the pool page: small, made in the request."""
    from quyhoach.reports import procedure

    kind = procedure.KIND_OF_PAPER.get(paper)
    if kind is None or fmt not in reports.REPORT_KINDS[kind].formats:
        abort(404)
    world = _world()
    if pool_id not in world.pools or not _allowed(report_scope(world, kind, {"pool": pool_id})):
        abort(404, description=gettext("Không tìm thấy danh sách quy hoạch số %(id)s.", id=pool_id))
    try:
        built = reports.build(session(), world, current_app._get_current_object(), kind,
                              _in_page_language({"pool": pool_id}), [fmt])
    except gather.ReportError as problem:
        abort(404, description=str(problem))
    return _file_response(built, fmt)


@bp.get("/quyet-dinh")
def decision():
    """A rotation scenario's decision report as a page (its PDF is this page's print
    template): ?phuong_an=<scenario id>, optionally &lan_giai=<run id> for the draft of a
    plan other than the scenario's latest."""
    params = {name: request.args.get(forms.FIELDS[name], "").strip() for name in ("scenario", "run")}
    params = {k: v for k, v in params.items() if v}
    try:
        _check_decision(params)
        report = decision_report.scenario_decision(session(), _world(), params["scenario"], params.get("run"))
    except gather.ReportError as problem:
        abort(404, description=str(problem))
    return render_template("reports/scenario_decision.html", r=report, pdf=False, params=params)
