"""Jinja filters: dates dd/mm/yyyy, numbers the Vietnamese way, vocabulary labels."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask_babel import get_locale, gettext

from quyhoach.domain import vocab
from quyhoach.domain.dates import age_on, format_date
from quyhoach.domain.numbers import DEFAULT_LOCALE, format_number, format_percent
from quyhoach.domain.phrase import say as _say_in


def current_locale() -> str:
    """The language of the page being drawn ("vi" outside a request: a job's report)."""
    return str(get_locale() or DEFAULT_LOCALE)


def _number(value, decimals: int = 0) -> str:
    """1.234,5 as Vietnamese writes numbers (1,234.5 in English): Babel, in the page's language."""
    return format_number(value, decimals, current_locale())


def _percent(share, decimals: int = 1) -> str:
    """A share as a percentage, at most `decimals` decimals: 0,583 -> "58,3%"."""
    return format_percent(share, decimals, current_locale(), trim=True)


def _label(code, vocabulary: str, default: str | None = None) -> str:
    """The translated label of a code: `{{ rating|label("rating") }}`, the one way a page names
    a code (labels live in domain/vocab.py). An unknown code shows `default`, or itself."""
    if code is None:
        return ""
    known = vocab.VOCABULARIES[vocabulary]
    if code not in known.codes and default is not None:
        return default
    return gettext(known.label(code))


def say(text, book=None) -> str:
    """What the rules and the solver said, in the page's language: `{{ finding.message|say }}`,
    `{{ item|say }}`, a stored plan's text `{{ conflict.message|say(plan.words) }}`. A Phrase
    (or its JSON form, or a text in `book`) is translated with its numbers written for the
    language; plain text (a name, an old stored message) is shown as is."""
    locale = current_locale()
    if locale == DEFAULT_LOCALE and isinstance(text, str):
        return text   # Vietnamese is the source language: a Phrase's text is its Vietnamese
    return _say_in(text, gettext, locale, book)


def _age(birth: dt.date | None, on: dt.date | None = None) -> str:
    if birth is None:
        return ""
    return str(age_on(birth, on or dt.date.today()))


def init_app(app: Flask) -> None:
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["number"] = _number
    app.jinja_env.filters["label"] = _label
    app.jinja_env.filters["age"] = _age
    app.jinja_env.filters["say"] = say
    app.jinja_env.globals["RATING_SHORT"] = vocab.RATING_SHORT
    app.jinja_env.globals["today"] = dt.date.today
