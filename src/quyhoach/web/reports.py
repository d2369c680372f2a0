"""Báo cáo: the report kinds with their pickers, report generation in the background with a
self-polling progress partial, downloads, the past reports; and the report pages themselves
(the term-planning report and a cadre's dossier as HTML, whose print templates make the PDF).
"""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint, abort, current_app, make_response, redirect, render_template, request, send_file, url_for,
)
from flask_babel import gettext, lazy_gettext as _l
from sqlmodel import select

from quyhoach import reports
from quyhoach.db.models import Job
from quyhoach.reports import gather, jobs as report_jobs, pdf_builder
from quyhoach.services import jobs, planning_views, queries
from quyhoach.services import world as world_service
from quyhoach.web import htmx
from quyhoach.web.db import session

bp = Blueprint("reports", __name__, url_prefix="/bao-cao")

KIND_LABELS = {
    "term-planning": _l("Báo cáo quy hoạch nhiệm kỳ"),
    "dossier": _l("Sơ yếu lý lịch (mẫu 2C) và quá trình đánh giá"),
    "evaluations": _l("Kết quả đánh giá, xếp loại và dấu hiệu chưa thực chất"),
}
FORMAT_LABELS = {"docx": "Word (DOCX)", "pdf": "PDF", "xlsx": "Excel (XLSX)"}
PAST_LIMIT = 20


@bp.record_once
def _remember_app(state) -> None:
    report_jobs.register_app(state.app)


@bp.app_context_processor
def _labels():
    return {"REPORT_KINDS": KIND_LABELS, "REPORT_FORMATS": FORMAT_LABELS}


def _partial() -> bool:
    return bool(htmx) and not htmx.history_restore_request


def _world():
    return world_service.cached(session())


def _past() -> list[Job]:
    return list(session().exec(select(Job).where(Job.kind == "report").order_by(Job.created_at.desc()).limit(PAST_LIMIT)))


@bp.get("/")
def index():
    world = _world()
    terms = planning_views.pool_terms(world)
    default_term = ""
    try:
        default_term = gather.resolve_term(world)
    except gather.ReportError:
        pass
    return render_template("reports/index.html", units=queries.unit_options(session()), terms=terms,
                           default_term=default_term, past=_past(), pdf_missing=pdf_builder.unavailable())


def _title(kind: str, params: dict) -> str:
    label = str(KIND_LABELS[kind])
    parts = [params.get(k) for k in ("term", "unit", "cadre") if params.get(k)]
    return f"{label} — {', '.join(parts)}" if parts else f"{label} — {gettext('toàn tỉnh')}"


@bp.post("/tao")
def create():
    """Check the choices, then hand the report to the background runner."""
    form = request.form
    kind = form.get("loai", "")
    if kind not in reports.KINDS:
        abort(400, description=gettext("Không có loại báo cáo này."))
    params = {"unit": form.get("don_vi", "").strip(), "term": form.get("nhiem_ky", "").strip(),
              "cadre": form.get("ma", "").strip()}
    params = {k: v for k, v in params.items() if v}
    formats = [f for f in form.getlist("dinh_dang") if f in reports.KIND_FORMATS[kind]] or list(reports.KIND_FORMATS[kind])
    world = _world()
    error = ""
    try:
        if kind == "dossier":
            if not params.get("cadre"):
                raise gather.ReportError(gettext("chưa nhập mã cán bộ"))
            if not any(c.code == params["cadre"] for c in world.cadres.values()):
                raise gather.ReportError(gettext("không có cán bộ mã «%(code)s»", code=params["cadre"]))
        if params.get("unit") and planning_views.unit_by_code(world, params["unit"]) is None:
            raise gather.ReportError(gettext("không có đơn vị mã «%(code)s»", code=params["unit"]))
        if kind == "term-planning":
            params["term"] = gather.resolve_term(world, params.get("term", ""))
    except gather.ReportError as problem:
        error = str(problem)
    if error:
        if _partial():
            return make_response(render_template("reports/_refused.html", error=error), 422)
        abort(422, description=error)
    import uuid

    folder = Path(current_app.instance_path) / "reports" / uuid.uuid4().hex
    job = jobs.submit(session(), current_app.extensions["quyhoach.jobs"], "report",
                      {"kind": kind, "params": params, "formats": formats,
                       "database_url": current_app.config["DATABASE_URL"], "out_dir": str(folder)},
                      _title(kind, params))
    job_id = job.id
    stored = jobs.get(session(), job_id)
    if _partial():
        return render_template("reports/_job.html", job=stored)
    return redirect(url_for(".job", job_id=job_id))


@bp.get("/viec/<job_id>")
def job(job_id: str):
    found = jobs.get(session(), job_id)
    if found is None or found.kind != "report":
        abort(404, description=gettext("Không có việc tạo báo cáo này."))
    if _partial():
        return render_template("reports/_job.html", job=found)
    return render_template("reports/job.html", job=found)


@bp.post("/viec/<job_id>/dung")
def stop(job_id: str):
    found = jobs.request_stop(session(), job_id)
    if found is None or found.kind != "report":
        abort(404)
    session().commit()
    if _partial():
        return render_template("reports/_job.html", job=found)
    return redirect(url_for(".job", job_id=job_id))


@bp.get("/tai/<job_id>/<fmt>")
def download(job_id: str, fmt: str):
    found = jobs.get(session(), job_id)
    if found is None or found.kind != "report" or found.status != jobs.DONE:
        abort(404, description=gettext("Báo cáo chưa sẵn sàng."))
    name = (found.result.get("files") or {}).get(fmt)
    if not name:
        abort(404, description=gettext("Báo cáo này không có tệp %(fmt)s.", fmt=fmt.upper()))
    path = _folder(found) / name
    if not path.is_file():
        abort(404, description=gettext("Tệp báo cáo không còn trên máy chủ; hãy tạo lại."))
    return send_file(path, mimetype=reports.MEDIA_TYPES[fmt], as_attachment=True, download_name=name)


def _folder(job: Job) -> Path:
    return Path(job.payload["out_dir"])


# --------------------------------------------------------------------------- the report pages

@bp.get("/quy-hoach")
def term_planning():
    """The term-planning report as a page (its PDF is this page's print template)."""
    world = _world()
    try:
        report = gather.term_planning(session(), world, unit_code=request.args.get("don_vi", "").strip(),
                                      term_code=request.args.get("nhiem_ky", "").strip())
    except gather.ReportError as problem:
        abort(404, description=str(problem))
    return render_template("reports/term_planning.html", r=report, pdf=False, list_limit=None)


@bp.get("/ho-so/<code>")
def dossier(code: str):
    try:
        report = gather.dossier(session(), _world(), code)
    except gather.ReportError as problem:
        abort(404, description=str(problem))
    return render_template("reports/dossier.html", r=report, pdf=False)


@bp.get("/ho-so/<code>.<fmt>")
def dossier_file(code: str, fmt: str):
    """A dossier is small: made in the request."""
    if fmt not in reports.KIND_FORMATS["dossier"]:
        abort(404)
    try:
        built = reports.build(session(), _world(), current_app._get_current_object(), "dossier", {"cadre": code}, [fmt])
    except gather.ReportError as problem:
        abort(404, description=str(problem))
    if fmt in built.errors:
        return make_response(render_template("reports/unavailable.html", message=built.errors[fmt]), 503)
    response = make_response(built.files[fmt])
    response.headers["Content-Type"] = reports.MEDIA_TYPES[fmt]
    response.headers["Content-Disposition"] = f'attachment; filename="{built.filename(fmt)}"'
    return response
