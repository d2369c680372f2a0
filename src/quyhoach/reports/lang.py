"""The language a paper is written in: Vietnamese (the source language) or English, asked
with the report (param "lang": the web form's page language, the job's params, `quyhoach
report … --lang en`).

`reports.build` makes the paper under `written_in(app, lang)` (Flask-Babel's `force_locale`
in an app context of its own), so every builder, template and chart reads the same locale:
the fixed words through `_()` (gettext: the msgid is the Vietnamese, the English is in
translations/en), what the rules said through `say()` (a `domain.phrase.Phrase` rendered in
the paper's language), numbers and shares through `number()` / `share()`. Outside such a
context (a test calling a builder directly, the CLI's checks) everything reads as Vietnamese,
unchanged. Names of people, units, titles and terms are data: as stored, in both languages;
dates stay dd/mm/yyyy.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from flask_babel import force_locale, get_locale, gettext

from quyhoach.domain.numbers import DEFAULT_LOCALE, format_number, format_percent
from quyhoach.domain.phrase import Phrase, say as _say_in

LANGUAGES = ("vi", "en")


def _(text: str, **variables: Any) -> str:
    """A fixed text of a paper in its language (gettext; `%(name)s` filled from `variables`)."""
    return gettext(text, **variables)


def N_(text: str) -> str:
    """Marks a text for extraction; translated where it is used (`_(constant)`)."""
    return text


def asked(params: dict | None) -> str:
    """The language a report's params ask for: "en", else Vietnamese."""
    lang = str((params or {}).get("lang") or "").strip().lower()
    return lang if lang in LANGUAGES else DEFAULT_LOCALE


def locale() -> str:
    """The paper's language ("vi" outside `written_in`)."""
    try:
        found = get_locale()
    except (RuntimeError, KeyError):       # no app, or an app without Babel
        return DEFAULT_LOCALE
    return str(found or DEFAULT_LOCALE)


def english() -> bool:
    return locale() != DEFAULT_LOCALE


@contextmanager
def written_in(app, lang: str) -> Iterator[None]:
    """Everything made inside is written in `lang` (an app context of its own, so a job run
    outside any request translates too)."""
    if app is None:
        yield
        return
    with app.app_context(), force_locale(lang):
        yield


def say(value: Any, book: Mapping[str, Any] | None = None) -> str:
    """What the rules or the solver said (a Phrase, or a stored plan's text found in its
    `book` of words) in the paper's language; Vietnamese as is."""
    if value is None:
        return ""
    lang = locale()
    if lang == DEFAULT_LOCALE and isinstance(value, str):
        return value
    return _say_in(value, gettext, lang, book)


def rule_name(name: Any) -> str:
    """A rule's name in the paper's language: N_-marked text (gettext), or a Phrase (said)."""
    if not name:
        return ""
    if isinstance(name, Phrase):
        return say(name)
    return gettext(name)


def share(value: float, decimals: int = 1) -> str:
    """A share as a percentage: "58,3%" in Vietnamese, "58.3%" in English."""
    return format_percent(value, decimals, locale(), trim=True)


def number(value: float | int, decimals: int = 0) -> str:
    return format_number(value, decimals, locale())


def decimal_mark() -> str:
    return "," if locale() == DEFAULT_LOCALE else "."


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]
