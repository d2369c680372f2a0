"""Cán bộ: search as you type and the dossier (sơ yếu lý lịch)."""

from __future__ import annotations

import datetime as dt
import math

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext

from quyhoach.services.records import queries
from quyhoach.services.rotation import views as rotation_views
from quyhoach.web.partials import is_partial
from quyhoach.web.auth import guarded, scope_unit_ids
from quyhoach.web.db import session

bp = guarded(Blueprint("cadres", __name__, url_prefix="/can-bo"), write="edit_records")

# The search form's parameters, named as the address bar shows them.
MINORITY = {"thieu-so": True, "kinh": False}


def _search_args() -> queries.CadreSearch:
    args = request.args
    return queries.CadreSearch(
        text=args.get("q", "").strip()[:200],
        unit_code=args.get("don_vi", "").strip(),
        sex=args.get("gioi_tinh", "").strip(),
        minority=MINORITY.get(args.get("dan_toc", "")),
        page=args.get("trang", 1, type=int),
        scope=frozenset(scope) if (scope := scope_unit_ids()) is not None else None,
    )


@bp.app_template_global()
def page_url(number: int) -> str:
    """The current address with another page number (?trang=), other parameters kept."""
    args = request.args.to_dict()
    args["trang"] = number
    return url_for(request.endpoint, **(request.view_args or {}), **args)


@bp.get("/")
def search():
    """The search page; from htmx (typing, a filter, the pager) only the results."""
    result = queries.search_cadres(session(), _search_args(), current_app.config["SEARCH_LIMIT"])
    if is_partial():
        return render_template("cadres/_results.html", result=result)
    return render_template("cadres/search.html", result=result, units=queries.unit_options(session()))


@bp.get("/dang-luan-chuyen")
def rotated():
    """Cán bộ đang luân chuyển (and on secondment): who is away, where, since when and until
    when it is planned to end (R8: a rotation lasts at least 36 months)."""
    rows = rotation_views.rotated_cadres(session(), scope=scope_unit_ids())
    return render_template("cadres/rotated.html", rows=rows, today=dt.date.today())


@bp.get("/<code>")
def dossier(code: str):
    allowed = scope_unit_ids()
    if allowed is not None and not (queries.cadre_unit_ids(session(), code) & allowed):
        abort(404, description=gettext("Không tìm thấy cán bộ có mã «%(code)s».", code=code))
    record = queries.dossier(session(), code)
    if record is None:
        abort(404, description=gettext("Không tìm thấy cán bộ có mã «%(code)s».", code=code))
    return render_template("cadres/dossier.html", dossier=record, chart=month_chart(record.months))


def month_chart(months, width: int = 560, height: int = 180) -> dict | None:
    """Geometry of a small line chart of monthly scores (SVG drawn by the template).

    Months without a score break the line. The vertical axis spans the scores in
    steps of 10 (5 when the spread is small), within 0..100.
    """
    scores = [(i, m.score) for i, m in enumerate(months) if m is not None and m.score is not None]
    if not scores:
        return None
    values = [s for _, s in scores]
    low = max(0, math.floor((min(values) - 1) / 10) * 10)
    high = min(100, math.ceil((max(values) + 1) / 10) * 10)
    if high <= low:
        low, high = max(0, high - 10), max(high, 10)
    step = 5 if high - low <= 20 else 10
    left, right, top, bottom = 36, 10, 10, 24
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(month_index: int) -> float:
        return round(left + plot_w * (month_index + 0.5) / 12, 1)

    def y(score: float) -> float:
        return round(top + plot_h * (high - score) / (high - low), 1)

    segments, current = [], []
    previous = None
    for index, score in scores:
        if previous is not None and index != previous + 1:
            segments.append(current)
            current = []
        current.append(f"{x(index)},{y(score)}")
        previous = index
    segments.append(current)
    return {
        "width": width, "height": height, "left": left, "right": width - right,
        "top": top, "bottom": height - bottom,
        "segments": [" ".join(points) for points in segments if len(points) > 1],
        "points": [{"x": x(i), "y": y(s), "month": i + 1, "score": s} for i, s in scores],
        "ticks": [{"y": y(v), "value": v} for v in range(int(low), int(high) + 1, step)],
        "months": [{"x": x(i), "label": i + 1} for i in range(12)],
    }
