"""Tổng quan: the landing page."""

from __future__ import annotations

from flask import Blueprint, render_template

from quyhoach.services import queries
from quyhoach.web.db import session

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    return render_template("home/index.html", stats=queries.province_stats(session()))
