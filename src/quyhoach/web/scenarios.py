"""Luân chuyển: rotation scenarios (settings, preview of what is in play), background solves
followed by a partial that polls itself, plans with their chains drawn as a graph, sweeps,
the comparison of 2–4 plans, relaxing a rule of an infeasible scenario, adoption.

Handlers parse, call the rotation service, commit once (or roll back) and render. A request
from htmx gets the partial the page includes; a refused change (ScenarioError) comes back
422 with its message in place and nothing written.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap

import networkx as nx
from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext as _l
from markupsafe import Markup, escape
from sqlmodel import select

from quyhoach.db.models import Adoption, Job, PoolEvent, RuleSet, Scenario, SolveRun, Unit
from quyhoach.domain.dates import DateParseError, parse_date
from quyhoach.services.platform import jobs
from quyhoach.services.records import queries
from quyhoach.services import rotation
from quyhoach.services.rotation import views
from quyhoach.services.planning import world as world_service
from quyhoach.web import htmx
from quyhoach.web.auth import guarded, requires, scope_unit_ids
from quyhoach.web.db import session
from quyhoach.web.filters import _number

bp = guarded(Blueprint("scenarios", __name__, url_prefix="/luan-chuyen"), write="edit_scenarios")

MODE_LABELS = {"hard": _l("bắt buộc"), "soft": _l("khuyến khích"), "off": _l("không xét")}
TARGET_LABELS = {"female": _l("Cán bộ nữ"), "minority": _l("Cán bộ dân tộc thiểu số"), "young": _l("Cán bộ trẻ")}
WEIGHT_LABELS = {
    "fit": (_l("Mức phù hợp"), _l("điểm cho mỗi điểm phù hợp (0–100) của người giữ mỗi vị trí")),
    "development": (_l("Giá trị phát triển"), _l("điểm cho mỗi điểm phát triển của một lượt điều động (khác địa phương, khác đơn vị, khác cấp)")),
    "structure": (_l("Cơ cấu"), _l("điểm trừ cho mỗi người thiếu so với chỉ tiêu cơ cấu khuyến khích")),
    "moves": (_l("Số lượt điều động"), _l("điểm trừ cho mỗi lượt điều động: càng lớn càng ít xáo trộn")),
    "baseline": (_l("Bám phương án đã duyệt"), _l("điểm trừ cho mỗi cán bộ bố trí khác phương án đã duyệt")),
}
STATUS_LABELS = {
    "queued": _l("Đang chờ"), "running": _l("Đang giải"), "done": _l("Đã có phương án"), "failed": _l("Lỗi"),
    "stopped": _l("Đã dừng"), "infeasible": _l("Không có phương án"), "unknown": _l("Chưa tìm được phương án"),
    "invalid": _l("Dữ liệu không hợp lệ"), "draft": _l("Dự thảo"), "adopted": _l("Đã thông qua"),
}
STATUS_BADGE = {"done": "ok", "adopted": "ok", "queued": "neutral", "running": "warn", "draft": "neutral"}
PLAN_STATUS = {"optimal": _l("tối ưu (đã chứng minh)"), "feasible": _l("khả thi, chưa chứng minh tối ưu"),
               "infeasible": _l("không có phương án thỏa mãn mọi quy định bắt buộc"),
               "unknown": _l("hết thời gian mà chưa tìm được phương án"), "invalid": _l("dữ liệu không hợp lệ")}
PHASE_LABELS = {"relaxation": _l("Nới lỏng, tính cận trên"), "search": _l("Tìm kiếm phương án"),
                "alternatives": _l("Tìm phương án thay thế"), "diagnosis": _l("Chẩn đoán xung đột")}
KIND_LABELS = {"fills_vacancy": _l("Lấp vị trí trống"), "replaces": _l("Thay người chuyển đi"), "move": _l("Điều động")}
TERM_LABELS = {"fit": _l("Mức phù hợp với vị trí"), "development": _l("Giá trị phát triển cán bộ"),
               "structure": _l("Thiếu hụt cơ cấu (người)"), "moves": _l("Số lượt điều động"),
               "baseline": _l("Khác phương án đã duyệt (người)")}
SWEEP_LABELS = {"female": _l("Tỷ lệ cán bộ nữ tối thiểu"), "minority": _l("Tỷ lệ cán bộ dân tộc thiểu số tối thiểu"),
                "young": _l("Tỷ lệ cán bộ trẻ tối thiểu"), "moves": _l("Trọng số số lượt điều động")}
RELAX_LABELS = {
    "must_fill": _l("Không bắt buộc lấp mọi vị trí khuyết"),
    "non_local": _l("«Không là người địa phương» thành khuyến khích (trừ điểm thay vì cấm)"),
    "target": _l("Chỉ tiêu cơ cấu này thành khuyến khích"),
    "max_leaving": _l("Bỏ giới hạn số người đi của đơn vị"),
    "max_arriving": _l("Bỏ giới hạn số người đến của đơn vị"),
    "pinned": _l("Bỏ bố trí cố định này"),
    "forbidden": _l("Bỏ loại trừ này"),
    "family": _l("Giữ nguyên các xung đột QĐ 114 đã có (chỉ cấm xung đột mới)"),
}
# The diagnosis names a unit's limits by the row; the scenario by the setting.
RELAX_RULE = {"leave": "max_leaving", "arrive": "max_arriving"}
LEGAL_WHY = {
    "pool": _l("Chỉ điều động cán bộ trong quy hoạch (QĐ 65, R1): quy định của văn bản, không nới được trong phương án."),
    "precheck": _l("Cán bộ chưa đạt tiêu chuẩn quy hoạch: cần xử lý ở danh sách quy hoạch, không nới trong phương án."),
    "rating": _l("Xếp loại các năm gần nhất (QĐ 65, R9): tiêu chuẩn bắt buộc theo văn bản."),
    "service": _l("Thời gian công tác còn lại tối thiểu (QĐ 65, R7): tiêu chuẩn bắt buộc theo văn bản."),
    "rank": _l("Chức vụ tương đương (QĐ 65, R6): quy định bắt buộc theo văn bản."),
    "qualification": _l("Tiêu chuẩn trình độ của chức danh: quy định bắt buộc theo văn bản."),
    "discipline": _l("Thời hạn sau kỷ luật (P13): quy định bắt buộc theo văn bản."),
    "tenure": _l("Thời gian giữ chức vụ tối thiểu trước khi luân chuyển (R8): quy định bắt buộc theo văn bản."),
    "head_terms": _l("Người đứng đầu không quá hai nhiệm kỳ liên tiếp ở một nơi (R5): quy định bắt buộc theo văn bản."),
}
RUNS_SHOWN = 12


@bp.record_once
def _labels(state):
    # Globals, not a context processor: the imported macros see them too.
    state.app.jinja_env.globals.update({"MODE_LABELS": MODE_LABELS, "TARGET_LABELS": TARGET_LABELS, "WEIGHT_LABELS": WEIGHT_LABELS,
            "RUN_STATUS": STATUS_LABELS, "STATUS_BADGE": STATUS_BADGE, "PLAN_STATUS": PLAN_STATUS,
            "PHASE_LABELS": PHASE_LABELS, "KIND_LABELS": KIND_LABELS, "TERM_LABELS": TERM_LABELS,
            "SWEEP_LABELS": SWEEP_LABELS})


def _partial() -> bool:
    return bool(htmx) and not htmx.history_restore_request


def _runner():
    return current_app.extensions["quyhoach.jobs"]


def _in_scope(scenario: Scenario | None) -> bool:
    """A user scoped to a unit works only on scenarios whose units in play are all theirs
    (a province-wide scenario is outside every commune's jurisdiction)."""
    allowed = scope_unit_ids()
    if allowed is None or scenario is None:
        return True
    codes = (scenario.settings or {}).get("unit_codes") or []
    if not codes:
        return False
    ids = session().exec(select(Unit.id).where(Unit.code.in_(codes))).all()
    return len(ids) == len(set(codes)) and all(i in allowed for i in ids)


def _scenario(scenario_id: int) -> Scenario:
    scenario = session().get(Scenario, scenario_id)
    if scenario is not None and not _in_scope(scenario):
        scenario = None
    if scenario is None:
        abort(404, description=gettext("Không tìm thấy phương án số %(id)s.", id=scenario_id))
    return scenario


def _run(run_id: int) -> SolveRun:
    # The frozen problem (~3 MB for a province) is read only where a page needs it.
    run = session().get(SolveRun, run_id, options=[_defer_problem()])
    if run is not None and not _in_scope(session().get(Scenario, run.scenario_id)):
        run = None
    if run is None:
        abort(404, description=gettext("Không tìm thấy lần giải số %(id)s.", id=run_id))
    return run


def _refused(template: str, target: str | None = None, status: int = 422, **context):
    """A change the service refused: the partial with its message, in place, nothing written."""
    session().rollback()
    response = make_response(render_template(template, **context), status)
    if target and _partial():
        response.headers["HX-Retarget"] = target
        response.headers["HX-Reswap"] = "outerHTML"
    return response


def _go(url: str):
    """After a change that leads to another page: a redirect, or HX-Redirect for htmx."""
    if _partial():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, 303)


def _percent(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return ""
    return _number(value * 100, decimals) + "%"


@bp.app_template_filter("pct")
def pct_filter(value, decimals: int = 0) -> str:
    return _percent(value, decimals)


@bp.app_template_filter("seconds")
def seconds_filter(value) -> str:
    if value is None:
        return ""
    return _number(value, 1 if value < 100 else 0) + " s"


# --------------------------------------------------------------------------- runs: status, progress

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


def _run_figures(view: RunView) -> dict:
    if not view.plan or view.status not in ("done", "infeasible", "unknown"):
        return {}
    return views.figures_of(session(), view.run, view.job.result if view.job else None)


# --------------------------------------------------------------------------- list

def _last_runs(scenario_ids: list[int]) -> dict[int, SolveRun]:
    if not scenario_ids:
        return {}
    rows = session().exec(select(SolveRun).where(SolveRun.scenario_id.in_(scenario_ids))
                          .options(_defer_problem()).order_by(SolveRun.id.desc())).all()
    last: dict[int, SolveRun] = {}
    for row in rows:
        last.setdefault(row.scenario_id, row)
    return last


def _defer_problem():
    import sqlalchemy as sa

    return sa.orm.defer(SolveRun.problem)


@bp.get("/")
def index():
    scenarios = [s for s in session().exec(select(Scenario).order_by(Scenario.id.desc())).all() if _in_scope(s)]
    last = _last_runs([s.id for s in scenarios])
    done_runs = session().exec(select(SolveRun.id, SolveRun.scenario_id, SolveRun.label, SolveRun.objective,
                                      SolveRun.moves).where(SolveRun.status == "done").order_by(SolveRun.id.desc())).all()
    adopted = {a.scenario_id: a for a in session().exec(select(Adoption))}
    views_by = {sid: run_view(run) for sid, run in last.items()}
    return render_template("scenarios/index.html", scenarios=scenarios, last=views_by, adopted=adopted,
                           done_runs=done_runs, form=_new_form(), names={s.id: s.name for s in scenarios})


def _new_form(**values) -> dict:
    form = {"name": "", "date": _default_date().strftime("%d/%m/%Y"), "error": ""}
    form.update(values)
    return form


def _default_date() -> dt.date:
    """The first day of next month: rotations take effect from a month's start."""
    today = dt.date.today()
    return dt.date(today.year + (today.month == 12), today.month % 12 + 1, 1)


@bp.post("/")
def create():
    name = request.form.get("ten", "").strip()
    date_text = request.form.get("ngay", "").strip()
    try:
        on = _date(date_text, gettext("Ngày luân chuyển"))
        scenario = rotation.create(session(), name=name, rotation_date=on, settings=rotation.ScenarioSettings(),
                                   description=request.form.get("mo_ta", ""))
        session().commit()
    except rotation.ScenarioError as error:
        form = _new_form(name=name, date=date_text, error=gettext("Không tạo được: %(reason)s", reason=str(error)))
        return _refused("scenarios/_new_form.html", "#new-form", form=form)
    return _go(url_for(".scenario", scenario_id=scenario.id))


def _date(text: str, field: str) -> dt.date:
    try:
        value = parse_date(text)
    except (DateParseError, ValueError, OverflowError):
        value = None
    if value is None:
        raise rotation.ScenarioError(gettext("«%(field)s» phải có dạng dd/mm/yyyy", field=field))
    return value


@bp.post("/<int:scenario_id>/sao-chep")
def copy(scenario_id: int):
    scenario = _scenario(scenario_id)
    new = rotation.copy(session(), scenario)
    session().commit()
    return _go(url_for(".scenario", scenario_id=new.id))


# --------------------------------------------------------------------------- scenario page

def _preview(scenario: Scenario, settings: rotation.ScenarioSettings):
    """What the settings put in play, built from the records at the rotation date (pins
    and exclusions left out, so a stale pin does not hide the preview; they are checked
    on their own)."""
    world = world_service.cached(session(), scenario.rotation_date)
    loose = rotation.ScenarioSettings.from_dict({**settings.to_dict(), "pinned": [], "forbidden": []})
    built = rotation.build_problem(world, loose, scenario.rotation_date, scenario.name)
    error = ""
    try:
        rotation.build_problem(world, settings, scenario.rotation_date, scenario.name)
    except rotation.ScenarioError as exc:
        error = str(exc)
    problem = built.problem
    unit_names = {u.id: u.name for u in problem.units}
    open_posts = [{"id": p.id, "name": p.name, "unit": unit_names.get(p.unit, p.unit), "why": built.opened[p.id],
                   "must_fill": p.must_fill} for p in problem.posts if p.holder is None]
    return {
        "built": built, "problem": problem, "error": error, "open": open_posts,
        "holders": sum(1 for p in problem.posts if p.holder), "unit_names": unit_names,
        "posts": sorted(problem.posts, key=lambda p: (unit_names.get(p.unit, p.unit), -p.rank, p.name)),
        "pool_cadres": sum(1 for c in problem.cadres if c.in_pool),
        "hard_targets": sum(1 for t in problem.targets if t.hard),
    }


def _settings_context(scenario: Scenario, settings: rotation.ScenarioSettings | None = None, error: str = "",
                      typed: dict | None = None) -> dict:
    settings = settings or rotation.ScenarioSettings.from_dict(scenario.settings)
    rule_sets = session().exec(select(RuleSet.code, RuleSet.name, RuleSet.valid_from)
                               .where(RuleSet.domain == "planning").order_by(RuleSet.valid_from)).all()
    return {"scenario": scenario, "settings": settings, "error": error, "typed": typed or {},
            "units": queries.unit_options(session()), "rule_sets": rule_sets,
            "readonly": scenario.status == "adopted"}


def _runs_of(scenario: Scenario) -> list[RunView]:
    runs = session().exec(select(SolveRun).where(SolveRun.scenario_id == scenario.id, SolveRun.sweep_key.is_(None))
                          .options(_defer_problem()).order_by(SolveRun.id.desc()).limit(RUNS_SHOWN)).all()
    return [run_view(r, scenario) for r in runs]


@bp.get("/<int:scenario_id>")
def scenario(scenario_id: int):
    scenario = _scenario(scenario_id)
    settings = rotation.ScenarioSettings.from_dict(scenario.settings)
    if _partial() and request.args.get("phan") == "xem-truoc":
        return render_template("scenarios/_preview.html", scenario=scenario, preview=_safe_preview(scenario, settings))
    adoption = session().exec(select(Adoption).where(Adoption.scenario_id == scenario.id)).first()
    context = _settings_context(scenario, settings)
    preview = _safe_preview(scenario, settings)
    return render_template("scenarios/scenario.html", preview=preview, runs=_runs_of(scenario),
                           sweep=_sweep_context(scenario), adoption=_adoption_context(adoption),
                           parent=session().get(Scenario, scenario.parent_id) if scenario.parent_id else None,
                           **context)


def _safe_preview(scenario: Scenario, settings: rotation.ScenarioSettings) -> dict:
    try:
        return _preview(scenario, settings)
    except rotation.ScenarioError as error:
        return {"failed": str(error)}


def _int(form, name: str, field: str, lo: int, hi: int, default: int | None = None, optional: bool = False) -> int | None:
    text = form.get(name, "").strip()
    if not text:
        if optional:
            return None
        if default is not None:
            return default
        raise rotation.ScenarioError(gettext("«%(field)s» chưa nhập", field=field))
    try:
        value = int(text)
    except ValueError:
        raise rotation.ScenarioError(gettext("«%(field)s» phải là số nguyên", field=field)) from None
    if not lo <= value <= hi:
        raise rotation.ScenarioError(gettext("«%(field)s» phải từ %(lo)s đến %(hi)s", field=field, lo=lo, hi=hi))
    return value


def _share(form, name: str, field: str) -> float:
    text = form.get(name, "").strip().replace(",", ".").rstrip("%").strip()
    try:
        value = float(text)
        if not math.isfinite(value):
            raise ValueError(text)
    except ValueError:
        raise rotation.ScenarioError(gettext("«%(field)s» phải là một tỷ lệ phần trăm, ví dụ 30", field=field)) from None
    if not 0 <= value <= 100:
        raise rotation.ScenarioError(gettext("«%(field)s» phải từ 0 đến 100%%", field=field))
    return round(value / 100, 4)


def _assignments(form, prefix: str, what: str) -> list[dict]:
    """Pinned or forbidden moves: the kept rows, plus the new one when a cadre code is typed."""
    items = []
    count = _int(form, f"{prefix}-n", what, 0, 500, default=0)
    for index in range(count):
        if form.get(f"{prefix}-{index}-giu"):
            post = form.get(f"{prefix}-{index}-vt") or None
            items.append({"cadre": form.get(f"{prefix}-{index}-cb", "").strip(), "post": post})
    code = form.get(f"{prefix}-moi-cb", "").strip()
    if code:
        post = form.get(f"{prefix}-moi-vt", "")
        if post == "":
            raise rotation.ScenarioError(gettext("%(what)s: chọn vị trí cho cán bộ %(code)s", what=what, code=code))
        items.append({"cadre": code, "post": None if post == "__o_lai__" else post})
    seen = set()
    for item in items:
        key = (item["cadre"], item["post"])
        if key in seen:
            raise rotation.ScenarioError(gettext("%(what)s: %(code)s được nhập hai lần", what=what, code=item["cadre"]))
        seen.add(key)
    return items


def settings_from_form(form, base: rotation.ScenarioSettings) -> rotation.ScenarioSettings:
    """The scenario form read into settings; every refusal names its field."""
    settings = rotation.ScenarioSettings.from_dict(base.to_dict())
    settings.unit_codes = [c for c in form.getlist("don_vi") if c]
    for name, attr, allowed in (("lap_khuyet", "fill_vacancies", ("hard", "soft")),
                                ("ngoai_dia_phuong", "non_local", ("hard", "soft"))):
        value = form.get(name, getattr(settings, attr))
        if value not in allowed:
            field = gettext("Lấp vị trí khuyết") if attr == "fill_vacancies" else gettext("Không là người địa phương")
            raise rotation.ScenarioError(gettext("«%(field)s» phải là bắt buộc hoặc khuyến khích", field=field))
        setattr(settings, attr, value)
    settings.retiring_within_months = _int(form, "nghi_huu", gettext("Số tháng trước khi nghỉ hưu"), 0, 120)
    settings.term_limit_opens_post = bool(form.get("het_nhiem_ky"))
    settings.resolve_family_conflicts = bool(form.get("xung_dot"))
    settings.pools_in_play = bool(form.get("quy_hoach"))
    settings.rotate_equivalent = bool(form.get("tuong_duong"))
    settings.non_local_penalty = _int(form, "tru_diem_dia_phuong", gettext("Điểm trừ người địa phương"), 0, 100,
                                      default=settings.non_local_penalty)
    for attribute in rotation.TARGET_ATTRIBUTES:
        label = str(TARGET_LABELS[attribute])
        mode = form.get(f"ct_{attribute}_che_do", settings.targets[attribute].mode)
        if mode not in MODE_LABELS:
            raise rotation.ScenarioError(gettext("Chỉ tiêu «%(field)s»: chế độ không hợp lệ", field=label))
        share = _share(form, f"ct_{attribute}_ty_le", gettext("Chỉ tiêu %(field)s", field=label.lower()))
        settings.targets[attribute] = rotation.TargetSetting(mode, share)
    settings.target_min_seats = _int(form, "ct_so_ghe", gettext("Số vị trí tối thiểu để xét chỉ tiêu đơn vị"), 1, 50,
                                     default=settings.target_min_seats)
    settings.max_leaving_per_unit = _int(form, "toi_da_di", gettext("Số người đi tối đa mỗi đơn vị"), 0, 100, optional=True)
    settings.max_arriving_per_unit = _int(form, "toi_da_den", gettext("Số người đến tối đa mỗi đơn vị"), 0, 100, optional=True)
    settings.weights = {name: _int(form, f"w_{name}", str(WEIGHT_LABELS[name][0]), 0, 10_000)
                        for name in WEIGHT_LABELS}
    settings.pinned = _assignments(form, "co_dinh", gettext("Bố trí cố định"))
    settings.forbidden = _assignments(form, "loai_tru", gettext("Loại trừ"))
    rule_set = form.get("bo_quy_dinh", "").strip()
    settings.rule_set = rule_set
    text = form.get("thoi_gian", "").strip().replace(",", ".")
    try:
        settings.time_limit = float(text)
        if not math.isfinite(settings.time_limit):
            raise ValueError(text)
    except ValueError:
        raise rotation.ScenarioError(gettext("«Thời gian giải tối đa» phải là số giây")) from None
    if not 1 <= settings.time_limit <= 600:
        raise rotation.ScenarioError(gettext("«Thời gian giải tối đa» phải từ 1 đến 600 giây"))
    return settings


@bp.post("/<int:scenario_id>")
def save(scenario_id: int):
    scenario = _scenario(scenario_id)
    form = request.form
    name = form.get("ten", scenario.name)
    status = 422
    try:
        expected = form.get("phien_ban", type=int)
        if expected is not None and expected != scenario.version:
            status = 409
            raise rotation.ScenarioError(gettext("phương án vừa được người khác sửa; hãy tải lại trang"))
        if scenario.status == "adopted":
            raise rotation.ScenarioError(gettext("phương án đã được thông qua: không sửa được; hãy sao chép để làm phương án mới"))
        settings = settings_from_form(form, rotation.ScenarioSettings.from_dict(scenario.settings))
        on = _date(form.get("ngay", "").strip(), gettext("Ngày luân chuyển"))
        rotation.validate(settings)
        # Every unit, pin and exclusion must make sense at the rotation date.
        world = world_service.cached(session(), on)
        rotation.build_problem(world, settings, on, name)
        rotation.update(session(), scenario, settings=settings, name=name, description=form.get("mo_ta", ""),
                        rotation_date=on, expected_version=form.get("phien_ban", type=int))
        session().commit()
    except rotation.ScenarioError as error:
        session().rollback()
        fresh = _scenario(scenario_id)
        typed = {"name": name, "date": form.get("ngay", ""), "description": form.get("mo_ta", "")}
        try:
            shown = settings_from_form(form, rotation.ScenarioSettings.from_dict(fresh.settings))
        except rotation.ScenarioError:
            shown = None
        return _refused("scenarios/_settings.html", "#settings", status,
                        **_settings_context(fresh, shown, gettext("Không lưu được: %(reason)s", reason=str(error)), typed),
                        preview=_safe_preview(fresh, rotation.ScenarioSettings.from_dict(fresh.settings)))
    if _partial():
        context = _settings_context(scenario)
        response = make_response(render_template("scenarios/_settings.html", saved=True,
                                                 preview=_safe_preview(scenario, rotation.ScenarioSettings.from_dict(scenario.settings)),
                                                 **context))
        response.headers["HX-Trigger"] = "scenario-saved"
        return response
    return redirect(url_for(".scenario", scenario_id=scenario_id), 303)


@bp.post("/<int:scenario_id>/giai")
def solve(scenario_id: int):
    scenario = _scenario(scenario_id)
    try:
        run = rotation.start_solve(session(), _runner(), scenario, label=request.form.get("nhan", "").strip()[:200])
    except rotation.ScenarioError as error:
        session().rollback()
        return _refused("scenarios/_runs.html", "#runs", scenario=scenario, runs=_runs_of(_scenario(scenario_id)),
                        error=gettext("Không giải được: %(reason)s", reason=str(error)))
    if not _partial():
        return redirect(url_for(".scenario", scenario_id=scenario_id) + f"#run-{run.id}", 303)
    return render_template("scenarios/_runs.html", scenario=scenario, runs=_runs_of(scenario))


# --------------------------------------------------------------------------- a run: progress, plan

@bp.get("/run/<int:run_id>")
def run(run_id: int):
    """The plan page; from htmx, the run's progress partial (it polls itself until done)."""
    solve_run = _run(run_id)
    scenario = session().get(Scenario, solve_run.scenario_id)
    view = run_view(solve_run, scenario)
    if _partial():
        return render_template("scenarios/_run.html", r=view, figures=_run_figures(view), compact=request.args.get("gon") == "1")
    context = {"r": view, "scenario": scenario, "figures": _run_figures(view), "compact": False}
    if view.plan:
        context.update(_plan_context(solve_run, view))
    adoption = session().exec(select(Adoption).where(Adoption.scenario_id == scenario.id)).first()
    context["adoption"] = adoption
    context["adopt_form"] = _adopt_form(scenario)
    return render_template("scenarios/run.html", **context)


def _plan_context(solve_run: SolveRun, view: RunView) -> dict:
    problem = solve_run.problem
    cadres = views.cadres_of(problem)
    posts = {p["id"]: p for p in problem.get("posts", [])}
    units = {u["id"]: u.get("name") or u["id"] for u in problem.get("units", [])}
    plan = view.plan
    moves = sorted(plan.get("moves", []), key=lambda m: (units.get(m.get("to_unit"), ""), m["to_post"]))
    chains = plan.get("chains", [])
    svg = rotation_graph(plan, cadres, posts, units)
    diagnosis = plan.get("diagnosis") or None
    conflicts = []
    if diagnosis:
        for conflict in diagnosis.get("conflicts", []):
            rule = RELAX_RULE.get(conflict["rule"], conflict["rule"])
            conflicts.append({**conflict, "relax_rule": rule if rule in rotation.RELAXABLE else None,
                              "relax_label": RELAX_LABELS.get(rule), "why": LEGAL_WHY.get(conflict["rule"])})
    return {"cadres": cadres, "posts": posts, "units": units, "moves": moves, "chains": chains, "graph": svg,
            "diagnosis": diagnosis, "conflicts": conflicts, "structure": plan.get("structure", []),
            "warnings": plan.get("warnings", [])}


@bp.post("/run/<int:run_id>/dung")
def stop(run_id: int):
    solve_run = _run(run_id)
    if solve_run.job_id:
        jobs.request_stop(session(), solve_run.job_id)
        session().commit()
    view = run_view(solve_run, session().get(Scenario, solve_run.scenario_id))
    if not _partial():
        return redirect(url_for(".run", run_id=run_id), 303)
    return render_template("scenarios/_run.html", r=view, figures={}, compact=request.args.get("gon") == "1")


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
    except rotation.ScenarioError as error:
        session().rollback()
        view = run_view(solve_run, scenario)
        return _refused("scenarios/_run.html", f"#run-{run_id}", r=view, figures={}, compact=False,
                        error=gettext("Không giải lại được: %(reason)s", reason=str(error)))
    return _go(url_for(".run", run_id=new.id))


@bp.post("/run/<int:run_id>/noi")
def relax(run_id: int):
    solve_run = _run(run_id)
    scenario = _scenario(solve_run.scenario_id)
    rule = request.form.get("quy_dinh", "")
    subject = request.form.get("doi_tuong", "")
    try:
        new = rotation.relax(session(), scenario, RELAX_RULE.get(rule, rule), subject)
        session().commit()
    except rotation.ScenarioError as error:
        session().rollback()
        return _refused("scenarios/_message.html", "#relax-message", message=str(error))
    return _go(url_for(".scenario", scenario_id=new.id))


# --------------------------------------------------------------------------- adoption

def _adopt_form(scenario: Scenario, **values) -> dict:
    form = {"decision_no": "", "on": scenario.rotation_date.strftime("%d/%m/%Y"), "note": "", "error": ""}
    form.update(values)
    return form


@bp.post("/run/<int:run_id>/thong-qua")
@requires(write="adopt")
def adopt(run_id: int):
    solve_run = _run(run_id)
    scenario = _scenario(solve_run.scenario_id)
    typed = {"decision_no": request.form.get("so_qd", "").strip(), "on": request.form.get("ngay", "").strip(),
             "note": request.form.get("ghi_chu", "")}
    try:
        on = _date(typed["on"], gettext("Ngày hiệu lực"))
        rotation.adopt(session(), scenario, solve_run, decision_no=typed["decision_no"], on=on, note=typed["note"])
        session().commit()
    except rotation.ScenarioError as error:
        session().rollback()
        form = _adopt_form(scenario, **typed, error=gettext("Không thông qua được: %(reason)s", reason=str(error)))
        return _refused("scenarios/_adopt_form.html", "#adopt-form", r=run_view(solve_run, scenario),
                        scenario=scenario, adopt_form=form)
    return _go(url_for(".scenario", scenario_id=scenario.id) + "#adoption")


def _adoption_context(adoption: Adoption | None) -> dict | None:
    if adoption is None:
        return None
    solve_run = session().get(SolveRun, adoption.run_id)
    plan = solve_run.plan if solve_run else {}
    names = views.figures_of(session(), solve_run).get("names", {}) if solve_run else {}
    moves = plan.get("moves", [])
    pools = session().exec(select(PoolEvent.pool_id).where(PoolEvent.rule == "P12", PoolEvent.on == adoption.adopted_on,
                                                           PoolEvent.reason.contains(adoption.decision_no))).all()
    rule_set = session().exec(select(RuleSet).where(RuleSet.code == (solve_run.rule_set if solve_run else ""))).first()
    return {"adoption": adoption, "run": solve_run, "moves": moves, "names": names, "pools": sorted(set(pools)),
            "rule_set": rule_set}


# --------------------------------------------------------------------------- sweeps

def _sweep_context(scenario: Scenario, error: str = "", typed: dict | None = None) -> dict:
    runs = session().exec(select(SolveRun).where(SolveRun.scenario_id == scenario.id, SolveRun.sweep_key.is_not(None))
                          .options(_defer_problem()).order_by(SolveRun.id.desc())).all()
    key = runs[0].sweep_key if runs else None
    latest: dict[float, SolveRun] = {}
    for r in runs:
        if r.sweep_key == key:
            latest.setdefault(r.sweep_value, r)
    points = [run_view(r, scenario) for _, r in sorted(latest.items())]
    pending = any(not p.finished for p in points)
    chart = sweep_chart(key, points) if points and not pending else Markup("")
    return {"key": key, "points": points, "pending": pending, "chart": chart, "error": error,
            "typed": typed or {"key": "female", "values": "25, 30, 35"}, "keys": SWEEP_LABELS}


def _sweep_values(key: str, text: str) -> list[float]:
    values = []
    for part in text.replace(";", " ").replace(",", " ").split():
        try:
            number = float(part.rstrip("%"))
        except ValueError:
            raise rotation.ScenarioError(gettext("«Các giá trị» phải là các số, ví dụ 25 30 35")) from None
        if not math.isfinite(number):
            raise rotation.ScenarioError(gettext("«Các giá trị» phải là các số, ví dụ 25 30 35"))
        if key in rotation.TARGET_ATTRIBUTES:
            if not 0 <= number <= 100:
                raise rotation.ScenarioError(gettext("«Các giá trị» là tỷ lệ phần trăm, từ 0 đến 100"))
            number = round(number / 100, 4)
        elif number != int(number) or not 0 <= number <= 10_000:
            raise rotation.ScenarioError(gettext("«Các giá trị» của trọng số phải là số nguyên từ 0 đến 10.000"))
        values.append(number)
    return sorted(set(values))


@bp.route("/<int:scenario_id>/quet", methods=["GET", "POST"])
def sweep(scenario_id: int):
    scenario = _scenario(scenario_id)
    if request.method == "POST":
        key = request.form.get("tham_so", "")
        typed = {"key": key, "values": request.form.get("gia_tri", "")}
        try:
            if key not in SWEEP_LABELS:
                raise rotation.ScenarioError(gettext("«Tham số» không quét được"))
            rotation.start_sweep(session(), _runner(), scenario, key, _sweep_values(key, typed["values"]))
        except rotation.ScenarioError as error:
            session().rollback()
            return _refused("scenarios/_sweep.html", "#sweep", scenario=_scenario(scenario_id),
                            sweep=_sweep_context(_scenario(scenario_id), gettext("Không quét được: %(reason)s", reason=str(error)), typed))
        if not _partial():
            return redirect(url_for(".scenario", scenario_id=scenario_id) + "#sweep", 303)
    if not _partial():
        return redirect(url_for(".scenario", scenario_id=scenario_id) + "#sweep")
    return render_template("scenarios/_sweep.html", scenario=scenario, sweep=_sweep_context(scenario))


# --------------------------------------------------------------------------- comparison

@bp.get("/so-sanh")
def compare():
    ids = []
    for value in request.args.getlist("run"):
        try:
            ids.append(int(value))
        except ValueError:
            abort(400, description=gettext("Mã lần giải không hợp lệ: %(value)s", value=value))
    ids = list(dict.fromkeys(ids))
    for run_id in ids:
        _run(run_id)  # 404 for a run outside the user's jurisdiction
    if not 2 <= len(ids) <= 4:
        return make_response(render_template("scenarios/compare.html", c=None,
                                             error=gettext("Chọn từ 2 đến 4 phương án đã giải để so sánh.")), 422)
    c = views.compare(session(), ids)
    if len(c.runs) != len(ids):
        abort(404, description=gettext("Có lần giải không tồn tại."))
    unfinished = [r.run.id for r in c.runs if r.run.status != "done" or not r.plan]
    error = gettext("Lần giải %(ids)s chưa có phương án: chỉ so sánh được các lần giải đã có phương án.",
                    ids=", ".join(f"#{i}" for i in unfinished)) if unfinished else ""
    return render_template("scenarios/compare.html", c=c, error=error)


# --------------------------------------------------------------------------- drawings

NODE_W, NODE_H, GAP, ROW_GAP, PER_LINE, MARGIN = 170, 54, 96, 30, 5, 14


def _wrap(text: str, width: int, lines: int) -> list[str]:
    parts = textwrap.wrap(text, width) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][: width - 1].rstrip() + "…"
    return parts


def _short_name(name: str) -> str:
    """"Nguyễn Thị Thu Hương" → "N. T. T. Hương" when a full name does not fit under an arrow."""
    words = name.split()
    if len(name) <= 14 or len(words) < 2:
        return name
    return " ".join(w[0] + "." for w in words[:-1]) + " " + words[-1]


def rotation_graph(plan: dict, cadres: dict, posts: dict, units: dict) -> Markup:
    """The vacancy chains and cycles of a plan as SVG: posts are boxes, a move is an arrow
    from the post a cadre leaves to the post they take, labelled with the cadre. networkx
    finds the chains (weakly connected components) and orders each one (topological order,
    or the cycle); each chain is laid out on its own rows, five posts a line, longest first."""
    moves = plan.get("moves", [])
    if not moves:
        return Markup("")
    graph = nx.DiGraph()
    for move in moves:
        source = move.get("from_post") or f"ngoai:{move['cadre']}"
        graph.add_edge(source, move["to_post"], cadre=move["cadre"])
    components = []
    for nodes in nx.weakly_connected_components(graph):
        sub = graph.subgraph(nodes)
        try:
            cycle = nx.find_cycle(sub)
            order = [u for u, _v in cycle]
            kind = "cycle"
        except nx.NetworkXNoCycle:
            order = list(nx.topological_sort(sub))
            kind = "chain"
        components.append((kind, order, sub))
    components.sort(key=lambda c: (-len(c[1]), c[1][0]))

    parts: list[str] = []
    width = MARGIN * 2 + PER_LINE * NODE_W + (PER_LINE - 1) * GAP
    opened_label = escape(gettext("để trống"))
    outside_label = escape(gettext("ngoài danh sách vị trí"))
    # Lines of slots: a long chain takes lines of its own; short ones share a line
    # (first fit, longest first), each with its caption above its first post.
    lines_of: list[list[tuple[int, int]]] = []      # per line: (component index, first slot)
    free: list[int] = []                            # free slots left on each shared line
    placement: dict[int, tuple[int, int]] = {}      # component -> (first line, first slot)
    for index, (_kind, order, _sub) in enumerate(components):
        if len(order) > PER_LINE:
            placement[index] = (len(lines_of), 0)
            for _ in range(math.ceil(len(order) / PER_LINE)):
                lines_of.append([])
                free.append(0)
            continue
        line = next((i for i, room in enumerate(free) if room >= len(order)), None)
        if line is None:
            lines_of.append([])
            free.append(PER_LINE)
            line = len(lines_of) - 1
        placement[index] = (line, PER_LINE - free[line])
        free[line] -= len(order)
    line_h = 18 + 16 + NODE_H + ROW_GAP
    top_of = [MARGIN + i * line_h for i in range(len(lines_of))]
    # a cycle closes under its last line: give that line more room
    extra = [0] * len(lines_of)
    for index, (kind, order, _sub) in enumerate(components):
        if kind == "cycle":
            extra[placement[index][0] + (len(order) - 1) // PER_LINE] = 18
    for i in range(1, len(top_of)):
        top_of[i] = top_of[i - 1] + line_h + extra[i - 1]

    for number, (kind, order, sub) in enumerate(components, 1):
        first_line, first_slot = placement[number - 1]
        caption = (gettext("Vòng %(n)s: %(k)s lượt điều động khép kín", n=number, k=sub.number_of_edges()) if kind == "cycle"
                   else gettext("Chuỗi %(n)s: %(k)s lượt điều động", n=number, k=sub.number_of_edges()))
        cx = MARGIN + first_slot * (NODE_W + GAP)
        parts.append(f'<text class="caption" x="{cx}" y="{top_of[first_line] + 11}">{escape(caption)}</text>')
        positions = {}
        for index, node in enumerate(order):
            line, col = divmod(index, PER_LINE)
            positions[node] = (MARGIN + (first_slot + col) * (NODE_W + GAP), top_of[first_line + line] + 34)
        last_line = first_line + (len(order) - 1) // PER_LINE
        for node in order:
            x0, y0 = positions[node]
            if node.startswith("ngoai:"):
                title_lines, unit_line, cls = [str(outside_label)], "", "node node-outside"
                tip = outside_label
            else:
                post = posts.get(node, {})
                name = post.get("name") or node
                unit_name = units.get(post.get("unit"), post.get("unit", ""))
                title_lines = [str(escape(t)) for t in _wrap(name, 26, 2)]
                unit_line = str(escape(_wrap(unit_name, 28, 1)[0])) if unit_name and unit_name not in name else ""
                vacated = sub.in_degree(node) == 0 and kind == "chain"
                cls = "node node-open" if vacated else "node"
                tip = escape(f"{name} · {unit_name}")
            parts.append(f'<g class="{cls}"><title>{tip}</title>'
                         f'<rect x="{x0}" y="{y0}" width="{NODE_W}" height="{NODE_H}" rx="4"/>')
            for i, text in enumerate(title_lines):
                parts.append(f'<text x="{x0 + 7}" y="{y0 + 15 + i * 13}">{text}</text>')
            if unit_line:
                parts.append(f'<text class="unit" x="{x0 + 7}" y="{y0 + NODE_H - 7}">{unit_line}</text>')
            if cls == "node node-open":
                parts.append(f'<text class="open" x="{x0 + NODE_W - 6}" y="{y0 + NODE_H - 7}" text-anchor="end">{opened_label}</text>')
            parts.append("</g>")
        for u, v, data in sub.edges(data=True):
            (ux, uy), (vx, vy) = positions[u], positions[v]
            cadre = cadres.get(data["cadre"], {})
            name = cadre.get("name") or data["cadre"]
            label = escape(_short_name(name))
            tip = escape(f"{name} ({data['cadre']})")
            if vy == uy and vx > ux:        # the next post on the same line
                x1, x2, ym = ux + NODE_W, vx - 2, uy + NODE_H / 2
                path = f"M{x1},{ym} L{x2},{ym}"
                lx, ly = (x1 + x2) / 2, ym - 6
            elif vy > uy:                   # wrapping to the next line: down, left, down
                x1, y1 = ux + NODE_W / 2, uy + NODE_H
                x2, y2 = vx + NODE_W / 2, vy - 2
                ymid = y1 + (vy - y1) / 2 + 6
                path = f"M{x1},{y1} L{x1},{ymid} L{x2},{ymid} L{x2},{y2}"
                lx, ly = (x1 + x2) / 2, ymid - 4
            else:                           # closing a cycle: under its last line, back to the start
                bottom = top_of[last_line] + 34 + NODE_H + 16
                x1, y1 = ux + NODE_W / 2 + 10, uy + NODE_H
                if vy == uy:                # under the line, up into the first post
                    x2, y2 = vx + NODE_W / 2 - 10, vy + NODE_H + 2
                    path = f"M{x1},{y1} L{x1},{bottom} L{x2},{bottom} L{x2},{y2}"
                    lx, ly = (x1 + x2) / 2, bottom - 4
                else:                       # several lines: along the left margin, into its side
                    ym = vy + NODE_H / 2
                    path = f"M{x1},{y1} L{x1},{bottom} L{MARGIN / 2},{bottom} L{MARGIN / 2},{ym} L{vx - 2},{ym}"
                    lx, ly = (x1 + MARGIN) / 2, bottom - 4
            parts.append(f'<g class="edge"><title>{tip}</title><path d="{path}" marker-end="url(#arrow)"/>'
                         f'<text x="{lx}" y="{ly}" text-anchor="middle">{label}</text></g>')
    y = top_of[-1] + line_h + extra[-1] - ROW_GAP + 6 if lines_of else MARGIN
    height = y + MARGIN
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-label="{escape(gettext("Sơ đồ các chuỗi điều động"))}">'
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>')
    return Markup(head + "".join(parts) + "</svg>")


def sweep_chart(key: str | None, points: list[RunView]) -> Markup:
    """Objective and number of moves against the swept value: two small line charts side
    by side, sharing the horizontal axis."""
    rows = [(p.run.sweep_value, p.run.objective, p.run.moves) for p in points
            if p.run.objective is not None and p.run.sweep_value is not None]
    if len(rows) < 1:
        return Markup("")
    as_share = key in rotation.TARGET_ATTRIBUTES
    xs = [r[0] for r in rows]

    def x_text(v: float) -> str:
        return _percent(v) if as_share else _number(v)

    def chart(values: list[float], title: str) -> str:
        w, h, left, right, top, bottom = 420, 220, 64, 16, 34, 34
        lo_x, hi_x = min(xs), max(xs)
        lo_y, hi_y = min(values), max(values)
        # round ticks (1, 2 or 5 × 10^k) covering the values with a little room
        span = max(hi_y - lo_y, 1)
        step = 10 ** math.floor(math.log10(span / 4)) if span >= 4 else 1
        for factor in (1, 2, 5, 10):
            if span / (step * factor) <= 4:
                step *= factor
                break
        lo_y = math.floor(lo_y / step) * step - (step if lo_y % step == 0 else 0)
        hi_y = math.ceil(hi_y / step) * step + (step if hi_y % step == 0 else 0)
        ticks = [lo_y + i * step for i in range(int(round((hi_y - lo_y) / step)) + 1)]

        def px(v):
            return left + (0.5 if hi_x == lo_x else (v - lo_x) / (hi_x - lo_x)) * (w - left - right)

        def py(v):
            return top + (1 - (v - lo_y) / (hi_y - lo_y)) * (h - top - bottom)

        out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
               f'aria-label="{escape(title)}"><text class="title" x="{left}" y="15">{escape(title)}</text>']
        for v in ticks:
            out.append(f'<line class="grid" x1="{left}" x2="{w - right}" y1="{py(v):.1f}" y2="{py(v):.1f}"/>'
                       f'<text class="axis" x="{left - 6}" y="{py(v) + 4:.1f}" text-anchor="end">{escape(_number(v))}</text>')
        for x in xs:
            out.append(f'<text class="axis" x="{px(x):.1f}" y="{h - bottom + 16}" text-anchor="middle">{escape(x_text(x))}</text>')
        line = " ".join(f"{px(x):.1f},{py(v):.1f}" for x, v in zip(xs, values))
        out.append(f'<polyline class="line" points="{line}"/>')
        for x, v in zip(xs, values):
            out.append(f'<circle class="dot" cx="{px(x):.1f}" cy="{py(v):.1f}" r="4"/>'
                       f'<text class="value" x="{px(x):.1f}" y="{py(v) - 8:.1f}" text-anchor="middle">{escape(_number(v))}</text>')
        out.append("</svg>")
        return "".join(out)

    objective = chart([r[1] for r in rows], gettext("Giá trị mục tiêu"))
    moves = chart([r[2] or 0 for r in rows], gettext("Số lượt điều động"))
    return Markup(f'<div class="sweep-charts"><figure class="chart">{objective}</figure>'
                  f'<figure class="chart">{moves}</figure></div>')
