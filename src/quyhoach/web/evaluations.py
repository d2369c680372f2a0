"""Đánh giá: ratings by unit and year and the signs of inflated ratings (E4 breaches, ratings
that never change, good or better in a year with a discipline, monthly scores against the
year's rating, units against comparable units). Each flag links to its evidence: the dossier
or the unit's ratings of that year."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, abort, make_response, render_template, request, url_for
from flask_babel import gettext
from markupsafe import Markup, escape

from quyhoach.domain.numbers import format_number
from quyhoach.reports import gather
from quyhoach.services.evaluations import analytics
from quyhoach.services.planning import views as planning_views
from quyhoach.services.records import queries
from quyhoach.services.planning import world as world_service
from quyhoach.web.partials import is_partial
from quyhoach.web.auth import current_scope, guarded
from quyhoach.web.db import session
from quyhoach.web.filters import current_locale

bp = guarded(Blueprint("evaluations", __name__, url_prefix="/danh-gia"), write="read", params={"code": "unit"})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _world():
    return world_service.cached(session())


def scoped_unit(world, code: str):
    """The unit asked for (404 outside the user's units); a scoped user defaults to their unit."""
    scope = current_scope()
    unit = planning_views.unit_by_code(world, code) if code else None
    if code and (unit is None or not scope.covers(unit.id)):
        abort(404, description=gettext("Không có đơn vị mã «%(code)s».", code=code))
    if unit is None and not scope.province_wide:
        unit = world.units.get(scope.root_unit_id)
    return unit


E4_ROWS = 50     # units of the E4 table on one page (a merged province has over a thousand)
LISTED = 50      # cadres of a list on the page (constant ratings, disciplined): the Excel file has them all


def e4_page(ev: analytics.Analytics, number: int) -> queries.Page:
    """One page of the E4 table's units (those breaking most often first)."""
    return queries.Page.of(ev.matrix(), number, E4_ROWS)


def e4_rows(ev: analytics.Analytics, page: queries.Page) -> Markup:
    """The rows of one page of the E4 table (units × years): drawn in Python, one format per
    cell, and kept with the figures per language and page (Jinja, a macro call, a translation
    and a URL per cell, took ≈ 85 ms a visit for 149 units)."""
    locale = current_locale()
    key = ("e4", locale, page.number, page.size)
    if key not in ev.drawn:
        base = url_for("evaluations.unit", code="~")[:-1]
        # the translations with their placeholders, escaped once (the numbers put in are integers)
        title = str(escape(gettext("%(n)s được xếp loại; mức trần %(cap)s")))
        over = str(escape(gettext("vượt %(n)s")))

        def pct(share: float) -> str:
            return format_number(share * 100, 1 if (share * 1000) % 10 else 0, locale) + "%"

        out = []
        for unit, years in page.items:
            code = quote(unit.code, safe="")
            cells = [f'<tr><td><a href="{base}{code}">{escape(unit.name)}</a></td>']
            for y in ev.years:
                c = years.get(y)
                if c is None:
                    cells.append('<td class="ok"></td>')
                    continue
                cells.append(
                    f'<td class="{"over" if c.breaks else "ok"}"><a href="{base}{code}?nam={y}" '
                    f'title="{title % {"n": c.rated, "cap": c.cap}}">{c.excellent}/{c.good_or_better} '
                    f'({pct(c.share)})</a>'
                    + (f' <span class="small">{over % {"n": c.excess}}</span>' if c.breaks else "") + "</td>")
            cells.append("</tr>")
            out.append("".join(cells))
        ev.drawn[key] = Markup("\n".join(out))
    return ev.drawn[key]


@bp.get("/")
def index():
    world = _world()
    unit = scoped_unit(world, request.args.get("don_vi", "").strip())
    ev = analytics.evaluation_analytics(session(), world, unit_id=unit.id if unit else None)
    page = e4_page(ev, request.args.get("trang", 1, type=int))
    context = {"ev": ev, "unit": unit, "e4_rows": e4_rows(ev, page), "e4_page": page, "listed": LISTED}
    if is_partial() and request.args.get("phan") == "e4":
        return render_template("evaluations/_e4_table.html", **context)
    if is_partial():
        return render_template("evaluations/_analytics.html", **context)
    return render_template("evaluations/index.html", units=queries.unit_options(session(), current_scope()), **context)


@bp.get("/xuat.xlsx")
def export():
    from quyhoach.reports import xlsx_builder   # openpyxl: only when a list is downloaded

    world = _world()
    unit = scoped_unit(world, request.args.get("don_vi", "").strip())
    ev = analytics.evaluation_analytics(session(), world, unit_id=unit.id if unit else None)
    head = gather.heading(world, "Kết quả đánh giá, xếp loại cán bộ" + (f" — {unit.name}" if unit else " toàn tỉnh"),
                          world.on)
    response = make_response(xlsx_builder.evaluations(ev, head))
    response.headers["Content-Type"] = XLSX
    name = f"danh-gia-xep-loai-{unit.code if unit else 'toan-tinh'}.xlsx"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/don-vi/<code>")
def unit(code: str):
    """The evidence behind a unit's flags: its yearly ratings (one year or all)."""
    world = _world()
    found = planning_views.unit_by_code(world, code)
    if found is None:
        abort(404, description=gettext("Không có đơn vị mã «%(code)s».", code=code))
    year = request.args.get("nam", type=int)
    ev = analytics.evaluation_analytics(session(), world, unit_id=found.id)
    own = [u for u in ev.unit_years if u.unit.id == found.id]
    rows = analytics.unit_ratings(session(), world, found.id, year)
    comparison = next((c for c in ev.comparisons if c.unit.id == found.id), None)
    return render_template("evaluations/unit.html", unit=found, year=year, rows=rows, own=own, ev=ev,
                           comparison=comparison)
