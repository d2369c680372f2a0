"""Tổ chức: the organisation tree and each unit's titles, holders and cadres."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlmodel import select

from quyhoach.db.models import Title, Unit
from quyhoach.domain.vocab import N_
from quyhoach.services.records import editing, queries
from quyhoach.web.partials import is_partial
from quyhoach.web.auth import current_scope, guarded, requires
from quyhoach.web.db import session

bp = guarded(Blueprint("units", __name__, url_prefix="/to-chuc"), write="edit_records", params={"code": "unit"})

PAGE_SIZE = 50


@bp.get("/")
def tree():
    """The tree; ?mo=CODE opens the path down to that unit (&trang=N: page N of its
    sub-units; &loc=WORDS: only those whose name has these words, with or without diacritics).
    From htmx, only that unit's children: the whole branch when it is expanded or filtered,
    or, with &trang=N, the items of page N that its "Xem thêm" control loads in its place
    (&truoc=1: the control that loads the pages before, in front of them)."""
    code = request.args.get("mo", "").strip()
    page = request.args.get("trang", type=int)
    words = request.args.get("loc", "").strip()[:100]
    if code and is_partial():
        node = queries.unit_children(session(), current_scope(), code, 1 if page is None else page, words)
        if node is None:
            abort(404, description=gettext("Không tìm thấy cơ quan, đơn vị có mã «%(code)s».", code=code) if page is None
                  else gettext("Không có trang %(page)s trong các đơn vị trực thuộc «%(code)s».", page=page, code=code))
        if page is None:
            return render_template("units/_branch.html", nodes=node.children, parent=node)
        return render_template("units/_branch_page.html", parent=node, earlier=bool(request.args.get("truoc")))
    return render_template("units/tree.html", tree=queries.unit_tree(session(), current_scope(), code or None,
                                                                     1 if page is None else page, words))


@bp.get("/<code>")
def unit(code: str):
    """A unit: its path, sub-units, titles with holders and vacant seats, and its cadres.
    From htmx (the pager), only the cadres list."""
    page = queries.unit_page(session(), current_scope(), code, request.args.get("trang", 1, type=int), PAGE_SIZE)
    if page is None:
        abort(404, description=gettext("Không tìm thấy cơ quan, đơn vị có mã «%(code)s».", code=code))
    if is_partial():
        return render_template("units/_cadres.html", page=page)
    return render_template("units/unit.html", page=page)


# --------------------------------------------------------------------------- editing in place
# Units and titles renamed, merged (the 2025 reform merged communes and provinces) or
# closed, each with a reason and, for a merger or a closing, the decision.

FORMS = {
    "rename": N_("Đổi tên đơn vị"), "merge": N_("Hợp nhất vào đơn vị khác"), "close": N_("Giải thể, thôi hoạt động"),
    "title-rename": N_("Đổi tên chức danh"), "title-merge": N_("Hợp nhất vào chức danh khác"),
    "title-close": N_("Thôi sử dụng chức danh"),
}
ACTS = {
    "rename": editing.rename_unit, "merge": editing.merge_unit, "close": editing.close_unit,
    "title-rename": editing.rename_title, "title-merge": editing.merge_title, "title-close": editing.close_title,
}


# A merger or a closing is shown first (what moves, what closes, which pools are kept) and
# written only once confirmed: the same plan both times (editing.units.preview).
PREVIEWED = {"merge": "unit.merge", "close": "unit.close", "title-merge": "title.merge", "title-close": "title.close"}


def _editable_unit(code: str) -> Unit:
    unit = session().exec(select(Unit).where(Unit.code == code)).one_or_none()
    if unit is None or not current_scope().covers(unit.id):
        abort(404, description=gettext("Không tìm thấy cơ quan, đơn vị có mã «%(code)s».", code=code))
    return unit


def _title_of(unit: Unit, title_code: str) -> Title | None:
    title = session().exec(select(Title).where(Title.code == title_code, Title.unit_id == unit.id)).one_or_none()
    if title_code and title is None:
        abort(404)
    return title


def _render(unit: Unit, name: str, title: Title | None, values: dict, error: str = "", problems: dict | None = None,
            status: int = 200, plan: editing.OrgPlan | None = None):
    if name not in FORMS or (name.startswith("title-") and title is None):
        abort(404)
    return make_response(render_template("units/_edit_form.html", unit=unit, name=name, title=title,
                                         heading=FORMS[name], values=values, error=error, problems=problems or {},
                                         units=queries.unit_options(session(), current_scope()), plan=plan,
                                         previewed=name in PREVIEWED), status)


@bp.get("/<code>/sua")
@requires("edit_records")
def edit_form(code: str):
    unit = _editable_unit(code)
    title = _title_of(unit, request.args.get("chuc_danh", ""))
    values = {"name": (title.name if title else unit.name), "short_name": unit.short_name or ""}
    return _render(unit, request.args.get("mau", "rename"), title, values)


@bp.post("/<code>/sua")
def edit(code: str):
    unit = _editable_unit(code)
    name = request.form.get("mau", "")
    title = _title_of(unit, request.form.get("chuc_danh", ""))
    if name not in ACTS or (name.startswith("title-") and title is None):
        abort(404)
    try:
        into = request.form.get("into", "").strip()
        if name == "merge" and into:
            target = session().exec(select(Unit.id).where(Unit.code == into)).first()
            if target is not None and not current_scope().covers(target):
                raise editing.EditError(gettext("đơn vị ngoài phạm vi quản lý của tài khoản"), {"into": gettext("ngoài phạm vi")})
        subject = title.code if title else unit.code
        if name in PREVIEWED and not request.form.get("xac_nhan"):
            editing.reason_of(request.form.get("ly_do", ""))
            plan = editing.preview(session(), PREVIEWED[name], subject, request.form)
            values = {k: v for k, v in request.form.items() if k != "csrf_token"}
            return _render(unit, name, title, values, plan=plan)
        ACTS[name](session(), subject, request.form, reason=request.form.get("ly_do", ""))
        session().commit()
    except editing.EditError as error:
        session().rollback()
        values = {k: v for k, v in request.form.items() if k != "csrf_token"}
        return _render(_editable_unit(code), name, title, values, gettext("Chưa lưu: %(reason)s", reason=str(error)),
                       error.fields, 422)
    flash(gettext("Đã lưu thay đổi về tổ chức."), "success")
    if is_partial():
        response = make_response("", 204)
        response.headers["HX-Refresh"] = "true"
        return response
    return redirect(url_for(".unit", code=code), 303)


@bp.app_context_processor
def _unit_forms() -> dict:
    return {"UNIT_FORMS": FORMS}
