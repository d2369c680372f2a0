"""Tổ chức: the organisation tree and each unit's titles."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("units", __name__, url_prefix="/to-chuc")


@bp.get("/")
def tree():
    return render_template("units/tree.html")
