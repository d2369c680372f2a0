"""Tổng quan: the landing page, and the Vietnamese page for what does not exist."""

from __future__ import annotations

from flask import Blueprint, render_template
from werkzeug.exceptions import NotFound

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


@bp.app_errorhandler(404)
def not_found(error: NotFound):
    # Werkzeug's own English description is replaced; a handler's own message is kept.
    message = error.description if error.description != NotFound.description else None
    return render_template("home/not_found.html", message=message), 404
