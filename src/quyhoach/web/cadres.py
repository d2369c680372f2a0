"""Cán bộ: search and the dossier."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("cadres", __name__, url_prefix="/can-bo")


@bp.get("/")
def search():
    return render_template("cadres/search.html")
