"""Jinja filters: dates dd/mm/yyyy, numbers the Vietnamese way, vocabulary labels."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask_babel import gettext

from quyhoach.domain import vocab
from quyhoach.domain.dates import age_on, format_date


def _number(value, decimals: int = 0) -> str:
    """1.234,5 as Vietnamese writes numbers."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",").replace("\u202f", ".")


def _label(code, vocabulary: str) -> str:
    if code is None:
        return ""
    return gettext(vocab.VOCABULARIES[vocabulary].label(code))


def _age(birth: dt.date | None, on: dt.date | None = None) -> str:
    if birth is None:
        return ""
    return str(age_on(birth, on or dt.date.today()))


def init_app(app: Flask) -> None:
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["number"] = _number
    app.jinja_env.filters["label"] = _label
    app.jinja_env.filters["age"] = _age
    app.jinja_env.globals["RATING_SHORT"] = vocab.RATING_SHORT
    app.jinja_env.globals["today"] = dt.date.today
