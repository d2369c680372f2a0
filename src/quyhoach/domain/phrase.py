"""A sentence the rules say, translatable: its Vietnamese text plus the msgid and arguments it
was made from. The one way a finding's message, its evidence, an explanation or a forecast's
words carry their language.

`Phrase(N_("còn %(months)s tháng công tác"), months=52)` is a `str` (the Vietnamese rendering,
so the CLI, the reports and every `"; ".join(...)` read it unchanged) that also keeps
`template` (the N_-marked msgid) and `args`. A page renders it in its own language with
`phrase.render(gettext, locale)` (the web's `say` filter); the domain stays free of Flask.

Arguments, each rendered in the reader's language:
- a `Phrase` (a sub-sentence, a vocabulary label `Phrase(label)`, `Phrase.lowered(label)`);
- `Share(0.583)`: a percentage ("58,3%" / "58.3%"); `Num(1.5)`: a decimal number ("1,5" / "1.5");
- an int: as is (years and counts, never grouped: "2025"); a str: data (a name, a unit, a date
  already written dd/mm/yyyy, the same in both languages), as is;
- a list of items: `Phrase.joined(items)` ("a; b"), each item in the reader's language.
The Vietnamese text is `template % args` (each argument's `str` is its Vietnamese: no
conversion at construction, the rules build ~100,000 of them for a province).

`to_json()` / `Phrase.from_json()` keep a phrase in JSON (stored results): {"t": msgid, "a": args};
`stored(text)` is a text as a record keeps it (its Vietnamese, and its JSON when it is a Phrase).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from .numbers import format_number, format_percent

Translate = Callable[[str], str]


class Share(float):
    """A share shown as a percentage, at most one decimal ("58,3%" as text: its Vietnamese)."""

    __slots__ = ()

    def __str__(self) -> str:
        return _vi_percent(float(self))


class Num(float):
    """A decimal number ("99,5" as text: its Vietnamese; "99.5" rendered in English)."""

    __slots__ = ()

    def __str__(self) -> str:
        return format_number(float(self), 2, "vi", trim=True)


@lru_cache(maxsize=4096)
def _vi_percent(share: float) -> str:
    return format_percent(share, 1, "vi", trim=True)


class Phrase(str):
    """Vietnamese text that remembers its msgid and arguments (see the module's doc)."""

    lowercase = False   # a label written in lower case (`lowered`)

    @property
    def template(self) -> str:
        return self._said[0]  # type: ignore[attr-defined, no-any-return]

    @property
    def args(self) -> Mapping[str, Any]:
        return self._said[1]  # type: ignore[attr-defined, no-any-return]

    def __new__(cls, template: str, /, **args: Any) -> Phrase:
        # the rules make ~100,000 findings for a province: no conversion here, every argument's
        # text is its Vietnamese (a str, an int, a Phrase, a Share, a Num; dates come as text)
        phrase = str.__new__(cls, template % args if args else template)
        phrase._said = (template, args)  # type: ignore[attr-defined]
        return phrase

    @classmethod
    def of(cls, template: str) -> Phrase:
        """A phrase without arguments, made once (the rules say the same few words often)."""
        phrase = _CONSTANTS.get(template)
        if phrase is None:
            phrase = _CONSTANTS[template] = cls(template)
        return phrase

    @classmethod
    def joined(cls, items: Sequence[str], separator: str = "; ") -> Phrase:
        """Items joined, each said in the reader's language: "a; b; c"."""
        return cls(separator.join(f"%(i{n})s" for n in range(len(items))), **{f"i{n}": i for n, i in enumerate(items)})

    @classmethod
    def lowered(cls, template: str) -> Phrase:
        """A label written in lower case inside a sentence ("kỷ luật khiển trách")."""
        phrase = str.__new__(cls, template.lower())
        phrase._said, phrase.lowercase = (template, {}), True  # type: ignore[attr-defined]
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
            return str.__str__(self)

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


_CONSTANTS: dict[str, Phrase] = {}


def stored(text: str, limit: int = 500) -> tuple[str, dict[str, Any] | None]:
    """A text as a record keeps it: its Vietnamese (at most `limit` characters: the column, and
    what a report or an export prints) and, for a `Phrase` (words the app wrote), its JSON,
    which a page says in the reader's language (`say`); a person's own words have none: they
    are shown as typed."""
    if isinstance(text, Phrase):
        return str.__str__(text)[:limit], text.to_json()
    return text[:limit], None


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
        return format_percent(float(value), 1, locale, trim=True)
    if isinstance(value, Num):
        return format_number(float(value), 2, locale, trim=True)
    if isinstance(value, bool) or isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_number(float(value), 2, locale, trim=True)
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
    if isinstance(value, Num):
        return {"n": float(value)}
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
        if "n" in value:
            return Num(value["n"])
        if "d" in value:
            return dt.date.fromisoformat(value["d"])
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    return value


__all__ = ["Phrase", "Share", "say", "stored"]
