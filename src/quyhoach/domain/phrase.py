"""A sentence the rules say, translatable: its Vietnamese text plus the msgid and arguments it
was made from. The one way a finding's message, its evidence, an explanation or a forecast's
words carry their language.

`Phrase(N_("còn %(months)s tháng công tác"), months=52)` is a `str` (the Vietnamese rendering,
so the CLI, the reports and every `"; ".join(...)` read it unchanged) that also keeps
`template` (the N_-marked msgid) and `args`. A page renders it in its own language with
`phrase.render(gettext, locale)` (the web's `say` filter); the domain stays free of Flask.

Arguments, each rendered in the reader's language:
- a `Phrase` (a sub-sentence, a vocabulary label `Phrase(label)`, `Phrase.lowered(label)`);
- `Share(0.583)`: a percentage ("58,3%" / "58.3%"); a float: a decimal number ("1,5" / "1.5");
- an int: as is (years and counts, never grouped: "2025"); a date: dd/mm/yyyy in both languages;
- a tuple: its items rendered and joined with "; "; a str: data (a name, a unit), as is.

`to_json()` / `Phrase.from_json()` keep a phrase in JSON (stored results): {"t": msgid, "a": args}.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from .numbers import format_number, format_percent

Translate = Callable[[str], str]


class Share(float):
    """A share shown as a percentage, at most one decimal."""

    __slots__ = ()


class Phrase(str):
    """Vietnamese text that remembers its msgid and arguments (see the module's doc)."""

    template: str
    args: Mapping[str, Any]
    lowercase: bool

    def __new__(cls, template: str, /, **args: Any) -> Phrase:
        text = template % {k: _text(v, _same, "vi") for k, v in args.items()} if args else template
        phrase = str.__new__(cls, text)
        phrase.template, phrase.args, phrase.lowercase = template, args, False
        return phrase

    @classmethod
    def lowered(cls, template: str) -> Phrase:
        """A label written in lower case inside a sentence ("kỷ luật khiển trách")."""
        phrase = str.__new__(cls, template.lower())
        phrase.template, phrase.args, phrase.lowercase = template, {}, True
        return phrase

    def render(self, translate: Translate, locale: str, book: Mapping[str, Any] | None = None) -> str:
        """The phrase in `translate`'s language (`gettext`), numbers as `locale` writes them;
        an argument found in `book` (a stored plan's words) rendered from its entry."""
        text = translate(self.template)
        if self.lowercase:
            return text.lower()
        if not self.args:
            return text
        values = {k: _text(v, translate, locale, book) for k, v in self.args.items()}
        try:
            return text % values
        except (KeyError, TypeError, ValueError):  # a catalogue entry with a wrong placeholder
            return self.template % {k: _text(v, _same, "vi") for k, v in self.args.items()}

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"t": self.template}
        if self.args:
            data["a"] = {k: _encode(v) for k, v in self.args.items()}
        if self.lowercase:
            data["l"] = 1
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Phrase:
        if data.get("l"):
            return cls.lowered(data["t"])
        return cls(data["t"], **{k: _decode(v) for k, v in (data.get("a") or {}).items()})


def say(value: Any, translate: Translate, locale: str, book: Mapping[str, Any] | None = None) -> str:
    """Any text in the reader's language: a Phrase (or the solver's twin, or either's JSON form)
    rendered; a text found in `book` (a stored plan's `words`: {Vietnamese text: JSON form})
    rendered from its entry; anything else as is (an old stored message, a name)."""
    if isinstance(value, Phrase):
        return value.render(translate, locale, book)
    if isinstance(value, str) and hasattr(value, "to_json"):
        return Phrase.from_json(value.to_json()).render(translate, locale, book)
    if isinstance(value, Mapping) and "t" in value:
        return Phrase.from_json(value).render(translate, locale, book)
    if value is None:
        return ""
    if book and isinstance(value, str) and value in book:
        return Phrase.from_json(book[value]).render(translate, locale, book)
    return str(value)


def _same(text: str) -> str:
    return text


def _text(value: Any, translate: Translate, locale: str, book: Mapping[str, Any] | None = None) -> str:
    if isinstance(value, Phrase):
        return value.render(translate, locale, book) if translate is not _same else str(value)
    if isinstance(value, str):
        if book and value in book and translate is not _same:
            return Phrase.from_json(book[value]).render(translate, locale, book)
        return value
    if isinstance(value, Share):
        return format_percent(value, 1, locale, trim=True)
    if isinstance(value, bool) or isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_number(value, 2, locale, trim=True)
    if isinstance(value, dt.date):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    if isinstance(value, (tuple, list)):
        return "; ".join(_text(v, translate, locale, book) for v in value)
    return str(value)


def _encode(value: Any) -> Any:
    if isinstance(value, Phrase):
        return value.to_json()
    if isinstance(value, Share):
        return {"p": float(value)}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, (tuple, list)):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, Mapping):
        if "t" in value:
            return Phrase.from_json(value)
        if "p" in value:
            return Share(value["p"])
        if "d" in value:
            return dt.date.fromisoformat(value["d"])
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    return value


__all__ = ["Phrase", "Share", "say"]
