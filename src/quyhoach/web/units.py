"""Tổ chức: the organisation tree and each unit's titles, holders and cadres."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext

from quyhoach.services.records import queries
from quyhoach.web.partials import is_partial
from quyhoach.web.auth import guarded, in_scope
from quyhoach.web.db import session

bp = guarded(Blueprint("units", __name__, url_prefix="/to-chuc"), write="edit_records")

PAGE_SIZE = 50


@bp.get("/")
def tree():
    """The tree; ?mo=CODE opens the path down to that unit. From htmx, only that
    unit's children (what a node loads when it is expanded)."""
    code = request.args.get("mo", "").strip()
    if code and is_partial():
        children = queries.unit_children(session(), code)
        if children is None:
            abort(404, description=gettext("Không tìm thấy cơ quan, đơn vị có mã «%(code)s».", code=code))
        return render_template("units/_branch.html", nodes=children, parent_code=code)
    return render_template("units/tree.html", tree=queries.unit_tree(session(), code or None))


@bp.get("/<code>")
def unit(code: str):
    """A unit: its path, sub-units, titles with holders and vacant seats, and its cadres.
    From htmx (the pager), only the cadres list."""
    page = queries.unit_page(session(), code, request.args.get("trang", 1, type=int), PAGE_SIZE)
    if page is not None and not in_scope(page.unit.id):
        page = None  # outside the user's jurisdiction: as if it did not exist
    if page is None:
        abort(404, description=gettext("Không tìm thấy cơ quan, đơn vị có mã «%(code)s».", code=code))
    if is_partial():
        return render_template("units/_cadres.html", page=page)
    return render_template("units/unit.html", page=page)
