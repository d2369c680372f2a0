"""Nhập dữ liệu: upload, dry run, import; templates to download."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("imports", __name__, url_prefix="/nhap-du-lieu")


@bp.get("/")
def index():
    return render_template("imports/index.html")
