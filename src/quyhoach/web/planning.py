"""Quy hoạch: the province dashboard, a pool's page (members, findings, gauges, ballots,
history, suggestions), the annual review, the vacancy forecast, the rule sets, and the
planning section of a cadre's dossier.

Handlers parse, call the services, commit once (or roll back) and render. A request from
htmx gets the partial the page includes; a refused change (PoolError 422, StaleError 409)
is answered with its message in place and nothing written.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlmodel import select

from quyhoach.db.models import Cadre, PoolEntry
from quyhoach.domain import eligibility
from quyhoach.domain.structure import BALLOT_STEPS
from quyhoach.services.planning import attention, judging as planning, pools
from quyhoach.services.records import queries
from quyhoach.services.planning import forecast as forecast_service, review_views, views, world as world_service
from quyhoach.services.planning.rulesets import ParameterError
from quyhoach.web import planning_words
from quyhoach.web.partials import is_partial
from quyhoach.web.forms import planning as forms
from quyhoach.web.auth import NOT_A_RECORD, PROVINCE_WIDE_RECORD, current_scope, guarded, requires, scoped
from quyhoach.web.db import session

bp = guarded(Blueprint("planning", __name__, url_prefix="/quy-hoach"), write="edit_records",
             params={"pool_id": "pool", "entry_id": "pool_entry"})

PAGE_SIZE = 50
UNITS_PER_PAGE = 20    # units of the annual review's proposals on one page
DASHBOARD_PAGE_SIZE = 25  # the failing pools; the aggregated gauges follow the list
CANDIDATE_LIMIT = 10
SUGGESTION_LIMIT = 10

@bp.app_context_processor
def _planning_context():
    """The ballot form's field names and steps (labels are the `label` filter's, from domain/vocab.py)."""
    return {
        "BALLOT_STEP_CODES": list(BALLOT_STEPS), "VERSION_FIELD": forms.VERSION, "BALLOT_FORM": forms.BALLOT,
        "BALLOT_COUNTS": forms.BALLOT_COUNTS, "BALLOT_LABELS": forms.BALLOT_LABELS,
    }


for _name, _function in (("age_band", planning_words.age_band), ("param_text", planning_words.param_text),
                         ("param_kind", planning_words.param_kind)):
    bp.add_app_template_global(_function, _name)
bp.add_app_template_filter(planning_words.rule_name, "rule_name")


def _typed(form, name: str) -> str | None:
    """A parameter as typed in a form (`param_input`): a percentage back to a share."""
    text = form.get(name)
    if text is None:
        return None
    if form.get(f"{name}__pt") == "1" and text.strip():
        try:
            return repr(float(text.strip().replace(",", ".")) / 100)
        except ValueError:
            return text
    return text


def _world():
    return world_service.cached(session())


def _today() -> dt.date:
    return dt.date.today()


def _version() -> int:
    """The pool version the form was opened with; a save without one is refused."""
    version = request.form.get(forms.VERSION, type=int)
    if version is None:
        raise pools.StaleError(gettext("biểu mẫu thiếu số phiên bản của danh sách; hãy tải lại trang"))
    return version


def _refused(template: str, status: int, target: str | None = None, **context):
    """A change the services refused: the partial with its message, in place, nothing written."""
    session().rollback()
    response = make_response(render_template(template, **context), status)
    if target and is_partial():
        response.headers["HX-Retarget"] = target
        response.headers["HX-Reswap"] = "outerHTML"
    return response


def _status(error: Exception) -> int:
    return 409 if isinstance(error, pools.StaleError) else 422


# --------------------------------------------------------------------------- dashboard

@bp.get("/")
def dashboard():
    """Pools failing a target, worst first, with counts and aggregated structure; the
    filters (term, level, unit subtree) reload only the results from htmx."""
    args = request.args
    world = _world()
    board = views.dashboard(session(), world, term_code=args.get("nhiem_ky", "").strip(),
                            level=args.get("cap", "").strip(), unit_code=_scoped_code(args.get("don_vi", "").strip()))
    number = max(1, args.get("trang", 1, type=int))
    size = DASHBOARD_PAGE_SIZE
    number = min(number, max(1, -(-len(board.failing) // size)))
    page = queries.Page(board.failing[(number - 1) * size: number * size], len(board.failing), number, size)
    context = {"board": board, "page": page, "args": args}
    if is_partial():
        return render_template("planning/_pools.html", **context)
    return render_template("planning/dashboard.html", terms=views.pool_terms(world),
                           levels=views.level_names(session()), units=queries.unit_options(session(), current_scope()),
                           **context)


# --------------------------------------------------------------------------- pool page

def _scoped_code(requested: str) -> str:
    """The unit filter, held within the user's jurisdiction (their own unit when they ask
    for one outside it, or for the whole province)."""
    scope = current_scope()
    if scope.province_wide:
        return requested
    world = _world()
    unit = views.unit_by_code(world, requested) if requested else None
    if unit is not None and scope.covers(unit.id):
        return requested
    return world.units[scope.root_unit_id].code


def _pool_page(pool_id: int):
    world = _world()
    record = world.pools.get(pool_id)
    page = views.pool_page(session(), world, pool_id) if record and current_scope().covers(record.facts.title.unit_id) else None
    if page is None:
        abort(404, description=gettext("Không tìm thấy danh sách quy hoạch số %(id)s.", id=pool_id))
    return page


def _add_form(page, code: str = "", source: str = "internal", reason: str = "", error: str = ""):
    world = _world()
    cadre = None
    checks: list = []
    if code:
        row = session().exec(select(Cadre.id).where(Cadre.code == code)).first()
        # a cadre outside the user's units is not shown, as one that does not exist
        cadre = world.cadres.get(row) if row is not None and current_scope().covers_cadre(session(), row) else None
        if cadre is not None:
            facts = page.record.facts
            checks = eligibility.check(cadre, facts.title, facts.term, page.rules, world.on, title_index=world.titles)
    return {"code": code, "cadre": cadre, "checks": checks, "source": source, "reason": reason, "error": error}


@bp.get("/<int:pool_id>")
def pool(pool_id: int):
    page = _pool_page(pool_id)
    form = _add_form(page, request.args.get("ma", "").strip(), request.args.get("nguon", "internal"))
    return render_template("planning/pool.html", pool_page=page, form=form, ballot=_ballot_defaults(page))


@bp.get("/<int:pool_id>/them")
def add_form(pool_id: int):
    """The add form with a cadre picked (from the search or a suggestion)."""
    code = request.args.get("ma", "").strip()
    if not is_partial():
        return redirect(url_for(".pool", pool_id=pool_id, ma=code) + "#add-form")
    page = _pool_page(pool_id)
    return render_template(
        "planning/_add_form.html", pool_page=page, form=_add_form(page, code, request.args.get("nguon", "internal"))
    )


@bp.get("/<int:pool_id>/tim-can-bo")
def candidates(pool_id: int):
    """Cadres matching what was typed, each with whether a rule blocks them for this pool."""
    page = _pool_page(pool_id)
    text = request.args.get("q", "").strip()[:200]
    rows = []
    if len(text) >= 2:
        world = _world()
        facts = page.record.facts
        found = queries.search_cadres(session(), queries.CadreSearch(text=text), CANDIDATE_LIMIT, scope=current_scope())
        for row in found.page.items:
            cadre = world.cadres.get(row.cadre.id)
            checks = (eligibility.check(cadre, facts.title, facts.term, page.rules, world.on, title_index=world.titles)
                      if cadre else [])
            rows.append({"row": row, "member": row.cadre.id in page.record.entry_ids,
                         "blocking": [f for f in checks if f.blocking]})
    return render_template("planning/_candidates.html", pool_page=page, rows=rows, text=text)


def _changed(pool_id: int, message: str):
    """After a change: the members, and out of band the gauges, ballots, history, the
    pool's version and a fresh add form."""
    page = _pool_page(pool_id)
    return render_template("planning/_changed.html", pool_page=page, form=_add_form(page), ballot=_ballot_defaults(page),
                           message=message)


@bp.post("/<int:pool_id>/them")
def add(pool_id: int):
    page = _pool_page(pool_id)
    code = request.form.get("ma", "").strip()
    reason = request.form.get("ly_do", "")
    source = request.form.get("nguon", "internal")
    try:
        if not code:
            raise pools.PoolError(gettext("chưa chọn cán bộ"))
        if not current_scope().visible("cadre", session(), code):   # answered as for a code that does not exist
            raise pools.PoolError(gettext("không có cán bộ mã «%(code)s»", code=code))
        entry = pools.add_entry(session(), pool_id, code, reason=reason, on=_today(), source=source,
                                expected_version=_version())
        session().commit()
    except pools.PoolError as error:
        form = _add_form(page, code, source, reason, gettext("Không thêm được: %(reason)s", reason=str(error)))
        return _refused("planning/_add_form.html", _status(error), "#add-form", pool_page=page, form=form)
    name = _world().cadres[entry.cadre_id].name
    if not is_partial():
        return redirect(url_for(".pool", pool_id=pool_id))
    return _changed(pool_id, gettext("Đã đưa %(name)s vào danh sách.", name=name))


@bp.post("/<int:pool_id>/ra/<int:entry_id>")
def remove(pool_id: int, entry_id: int):
    page = _pool_page(pool_id)
    if views.entry_in_pool(session(), pool_id, entry_id) is None:
        abort(404, description=gettext("Cán bộ này không có trong danh sách."))
    reason = request.form.get("ly_do", "")
    try:
        entry = pools.exit_entry(session(), entry_id, reason=reason, on=_today(), expected_version=_version())
        session().commit()
    except pools.PoolError as error:
        return _refused("planning/_exit_form.html", _status(error), f"#exit-form-{entry_id}", pool_page=page,
                        entry_id=entry_id, reason=reason,
                        error=gettext("Không đưa ra được: %(reason)s", reason=str(error)))
    name = _world().cadres[entry.cadre_id].name
    if not is_partial():
        return redirect(url_for(".pool", pool_id=pool_id))
    return _changed(pool_id, gettext("Đã đưa %(name)s ra khỏi danh sách.", name=name))


def _ballot_defaults(page, **values) -> dict:
    """The ballot form as typed, by model field (empty: the first member, key cadres, today)."""
    first = page.members[0].entry_id if page.members else None
    form = {"entry": first, "step": "key_cadres", "held_on": page.on.strftime("%d/%m/%Y"),
            **{name: "" for name in forms.BALLOT_COUNTS}, "error": ""}
    form.update(values)
    return form


@bp.post("/<int:pool_id>/phieu")
def ballot(pool_id: int):
    page = _pool_page(pool_id)
    typed = forms.BallotForm.typed(request.form)
    try:
        if typed["entry"] is None or views.entry_in_pool(session(), pool_id, typed["entry"]) is None:
            raise pools.PoolError(gettext("chưa chọn cán bộ trong danh sách"))
        form = forms.BallotForm.read(typed)
        pools.record_ballot(session(), form.entry, step=form.step, held_on=form.held_on,
                            expected_version=_version(), **form.counts)
        session().commit()
    except (pools.PoolError, forms.FormError) as error:
        form = _ballot_defaults(page, **typed, error=gettext("Không ghi được: %(reason)s", reason=str(error)))
        return _refused("planning/_ballot_form.html", _status(error), "#ballot-form", pool_page=page, ballot=form)
    if not is_partial():
        return redirect(url_for(".pool", pool_id=pool_id) + "#ballots")
    return _changed(pool_id, gettext("Đã ghi kết quả phiếu."))


@bp.get("/<int:pool_id>/goi-y")
def suggestions(pool_id: int):
    """Eligible candidates ranked by score (loaded lazily: it reads the whole province)."""
    page = _pool_page(pool_id)
    found = planning.suggestions(_world(), pool_id, limit=SUGGESTION_LIMIT, within=current_scope().cadre_ids(session()))
    if is_partial():
        return render_template("planning/_suggestions.html", pool_page=page, suggestions=found)
    return render_template("planning/suggestions.html", pool_page=page, suggestions=found)


# --------------------------------------------------------------------------- annual review

def _review_unit(world):
    return views.unit_by_code(world, _scoped_code(request.values.get("don_vi", "").strip()))


def _review_rows(world, unit):
    worklist = review_views.review_worklist(session(), world, unit_id=unit.id if unit else None)
    return worklist, review_views.review_rows(session(), world, worklist, unit.id if unit else None)


def _review_context(world, unit) -> dict:
    worklist, rows = _review_rows(world, unit)
    short = review_views.short_pools(world, worklist)
    short_page = queries.Page.of(short, request.args.get("trang", 1, type=int), PAGE_SIZE)
    # the proposals by unit, UNITS_PER_PAGE units a page (a province's review lists hundreds)
    groups = queries.Page.of(review_views.review_units(rows), request.values.get("trang_dx", 1, type=int), UNITS_PER_PAGE)
    return {"worklist": worklist, "rows": rows, "groups": groups.items, "group_page": groups, "short": short_page,
            "unit": unit, "counted": views.counted_through(world)}


@bp.get("/ra-soat")
def review():
    world = _world()
    unit = _review_unit(world)
    context = _review_context(world, unit)
    if is_partial() and request.args.get("phan") == "thieu":
        return render_template("planning/_short_pools.html", **context)
    if is_partial():
        return render_template("planning/_worklist.html", **context)
    return render_template("planning/review.html", units=queries.unit_options(session(), current_scope()), **context)


@bp.get("/ra-soat/tien-do")
def review_progress():
    world = _world()
    unit = _review_unit(world)
    _, rows = _review_rows(world, unit)
    return render_template("planning/_review_progress.html", rows=rows, unit=unit)


def _review_entry(entry_id: int | None) -> PoolEntry | None:
    """A pool entry the user may decide on (one outside their scope is answered as missing)."""
    entry = session().get(PoolEntry, entry_id) if entry_id else None
    if entry is not None and not current_scope().visible("pool", session(), entry.pool_id):
        return None
    return entry


def _choice(value: str) -> bool:
    if value not in ("accept", "reject"):
        raise pools.PoolError(gettext("hãy chọn «Đưa ra khỏi quy hoạch» hoặc «Giữ lại»"))
    return value == "accept"


@bp.post("/ra-soat/quyet-dinh")
def decide():
    """One worklist row: keep the cadre or take them out, for all the reasons shown."""
    data = request.form
    entry_id = data.get("muc", type=int)
    rules = [r.strip() for r in data.getlist("quy_tac") if r.strip()]
    choice = data.get("quyet_dinh", "")
    reason = data.get("ly_do", "")
    entry = _review_entry(entry_id)
    if entry is None or not rules:
        abort(404, description=gettext("Không có mục rà soát này."))
    cadre = _world().cadres.get(entry.cadre_id)
    item = {"entry_id": entry_id, "rules": rules, "reason": reason, "name": cadre.name if cadre else ""}
    try:
        decisions = pools.decide_review_entry(session(), entry.id, rules=rules, review_year=_today().year,
                                              accept=_choice(choice), reason=reason, on=_today())
        session().commit()
    except pools.PoolError as error:
        return _refused("planning/_decision.html", _status(error), None, item=item, decision=None,
                        error=gettext("Chưa ghi được: %(reason)s", reason=str(error)))
    if not is_partial():
        return redirect(url_for(".review"))
    response = make_response(render_template("planning/_decision.html", item=item, decision=decisions[-1], error=""))
    response.headers["HX-Trigger"] = "review-decided"
    return response


@bp.post("/ra-soat/quyet-dinh-don-vi")
def decide_unit():
    """Several rows of one unit decided at once (the rows ticked, each for the reasons shown):
    all of them, or none when one is refused (its cadre named)."""
    data = request.form
    choice = data.get("quyet_dinh", "")
    reason = data.get("ly_do", "")
    world = _world()
    picked = []
    for entry_id in dict.fromkeys(data.getlist("muc", type=int)):
        entry = _review_entry(entry_id)
        rules = [r.strip() for r in data.getlist(f"quy_tac_{entry_id}") if r.strip()]
        if entry is not None and rules:
            picked.append((entry, rules))
    error = ""
    try:
        accept = _choice(choice)
        if not picked:
            raise pools.PoolError(gettext("chưa chọn cán bộ nào"))
        for entry, rules in picked:
            try:
                pools.decide_review_entry(session(), entry.id, rules=rules, review_year=_today().year,
                                          accept=accept, reason=reason, on=_today())
            except pools.PoolError as refused:
                cadre = world.cadres.get(entry.cadre_id)
                raise pools.PoolError(f"{cadre.name if cadre else entry.cadre_id}: {refused}") from refused
        session().commit()
    except pools.PoolError as refused:
        session().rollback()
        error = gettext("Chưa ghi được, không cán bộ nào được quyết định: %(reason)s", reason=str(refused))
    if not is_partial() and not error:
        return redirect(url_for(".review", don_vi=data.get("don_vi", "")))
    world = _world()
    context = _review_context(world, _review_unit(world))
    if not is_partial():
        context["units"] = queries.unit_options(session(), current_scope())
    response = make_response(render_template("planning/_worklist.html" if is_partial() else "planning/review.html",
                                             bulk_error=error, bulk_unit=data.get("nhom", type=int), **context),
                             422 if error else 200)
    if not error:
        response.headers["HX-Trigger"] = "review-decided"
    return response


# --------------------------------------------------------------------------- forecast

@bp.get("/du-bao")
def forecast():
    world = _world()
    unit = views.unit_by_code(world, _scoped_code(request.args.get("don_vi", "").strip()))
    view = forecast_service.vacancy_forecast(session(), world, unit_ids=world.subtree(unit.id) if unit else None, unit=unit)
    # ?chua_ke_can=1: only the seats falling vacant within 12 months with no eligible successor
    # (the Tổng quan item's link: the same list as the item counts)
    shown = attention.uncovered_soon(view.forecast) if request.args.get("chua_ke_can") == "1" else None
    year = request.args.get("nam", type=int)
    context = {"forecast": view, "shown": shown, "year": year,
               "years": _forecast_years(view.forecast, shown, year, request.args.get("trang", 1, type=int))}
    if is_partial():
        return render_template("planning/_forecast.html", **context)
    return render_template("planning/forecast.html", units=queries.unit_options(session(), current_scope()), **context)


YEAR_ROWS = 20     # vacancies of a year the forecast shows before "the whole year" (a province has thousands)


def _forecast_years(fc, shown, year: int | None, number: int) -> list[tuple]:
    """Each year with vacancies (those `shown` only, when filtered) and the page of them shown:
    the first YEAR_ROWS of every year, or one year (`nam`) paged by PAGE_SIZE."""
    keep = None if shown is None else {id(v) for v in shown}
    out = []
    for row in fc.years:
        if year is not None and row.year != year:
            continue
        vacancies = [v for v in row.vacancies if keep is None or id(v) in keep]
        if vacancies:
            out.append((row, queries.Page.of(vacancies, number, PAGE_SIZE) if year is not None
                        else queries.Page.of(vacancies, 1, YEAR_ROWS)))
    return out


# --------------------------------------------------------------------------- rule sets

@bp.get("/bo-quy-dinh")
def rule_sets():
    return render_template("planning/rule_sets.html", rows=views.rule_set_rows(session(), _today()))


@bp.post("/bo-quy-dinh/<code>/<key>")
@requires(write="rule_sets")
@scoped(code=PROVINCE_WIDE_RECORD, key=NOT_A_RECORD)
def parameter(code: str, key: str):
    text = _typed(request.form, "gia_tri") or ""
    reason = request.form.get("ly_do", "")
    try:
        _, changes = views.set_parameter(session(), code, key, text, world=_world(), reason=reason)
        session().commit()
    except ParameterError as error:
        row = views.param_row(session(), code, key)
        if row is None:
            session().rollback()
            abort(404, description=gettext("Không có tham số này."))
        return _refused("planning/_param.html", 422, None, code=code, param=row, typed=request.form.get("gia_tri", ""),
                        reason=reason, in_force=views.rule_set_in_force(session(), code, _today()),
                        error=gettext("Không lưu được: %(reason)s", reason=str(error)))
    row = views.param_row(session(), code, key)
    if not is_partial():
        return redirect(url_for(".rule_sets") + f"#param-{code}-{key}")
    return render_template("planning/_param.html", code=code, param=row, typed=None, error="", saved=True,
                           changes=changes, in_force=views.rule_set_in_force(session(), code, _today()))


@bp.post("/bo-quy-dinh/<code>/phien-ban-moi")
@requires(write="rule_sets")
@scoped(code=PROVINCE_WIDE_RECORD)
def new_rule_set(code: str):
    """Journey 4: a new regulation entered as a new rule set from this one, its numbers typed
    in the form; every pool is judged under both on the new set's first day and the verdicts
    that change are listed, as a preview (nothing kept) or once created."""
    data = request.form
    form = {"code": data.get("ma", "").strip()[:40], "name": data.get("ten", "").strip()[:200],
            "basis": data.get("can_cu", "").strip()[:300], "valid_from": data.get("hieu_luc_tu", "").strip(),
            "params": {k[2:]: data.get(k, "") for k in data if k.startswith("p_") and not k.endswith("__pt")}}
    preview = data.get("xem_truoc") == "1"
    params = {key: _typed(data, f"p_{key}") or "" for key in form["params"]}
    base_rows = views.rule_set_rows(session(), _today())
    base = next((r for r in base_rows if r.data.code == code), None)
    try:
        row, changes = views.new_version(session(), _world(), code, code=form["code"], name=form["name"],
                                         legal_basis=form["basis"], valid_from_text=form["valid_from"], params=params)
        if preview:
            on = max(_world().on, row.valid_from)
            session().rollback()
            return render_template("planning/_new_version.html", base=code, base_row=base, form=form, created=None,
                                   changes=changes, preview_on=on, error="")
        session().commit()
    except ParameterError as error:
        return _refused("planning/_new_version.html", 422, None, base=code, base_row=base, form=form, created=None,
                        changes=None, error=gettext("Chưa tạo được: %(reason)s", reason=str(error)))
    if not is_partial():
        return redirect(url_for(".rule_sets") + f"#bo-{row.code}")
    return render_template("planning/_new_version.html", base=code, base_row=base, form=form, created=row, changes=changes,
                           error="", base_end=row.valid_from - dt.timedelta(days=1))


# --------------------------------------------------------------------------- a cadre's eligibility

@bp.get("/can-bo/<code>")
@scoped(code="cadre")
def cadre_eligibility(code: str):
    """Journey 3 on the dossier: the pools the cadre is in with their findings, and every
    finding for a title (and term) picked from those above the cadre."""
    cadre_id = session().exec(select(Cadre.id).where(Cadre.code == code)).first()
    if cadre_id is None:
        abort(404, description=gettext("Không tìm thấy cán bộ có mã «%(code)s».", code=code))
    result = views.cadre_eligibility(_world(), cadre_id, title_code=request.args.get("chuc_danh", "").strip(),
                                     term_code=request.args.get("nhiem_ky", "").strip())
    if is_partial():
        return render_template("planning/_eligibility.html", eligibility=result)
    return render_template("planning/eligibility.html", eligibility=result)


@bp.get("/can-bo/<code>/chuc-danh")
@scoped(code="cadre")
def title_picker(code: str):
    """The eligibility page's title picker, searched as one types: the matching titles above
    the cadre, each a link that shows the findings for it."""
    cadre_id = session().exec(select(Cadre.id).where(Cadre.code == code)).first()
    result = views.cadre_eligibility(_world(), cadre_id) if cadre_id is not None else None
    if result is None:
        abort(404, description=gettext("Không tìm thấy cán bộ có mã «%(code)s».", code=code))
    text = request.args.get("q", "").strip()[:100]
    return render_template("planning/_title_matches.html", eligibility=result, text=text,
                           matches=views.title_matches(result.options, text))
