"""Tổng quan: the landing page (the pages for what does not exist or is refused: web/errors.py)."""

from __future__ import annotations

from flask import Blueprint, render_template

from quyhoach.services.records import queries
from quyhoach.web.db import session
from quyhoach.web.auth import current_scope, guarded

bp = guarded(Blueprint("home", __name__), write="edit_records")


@bp.get("/")
def index():
    return render_template(
        "home/index.html",
        stats=queries.province_stats(session(), current_scope()),
        top_units=queries.units_by_cadres(session(), current_scope(), limit=10),
    )

