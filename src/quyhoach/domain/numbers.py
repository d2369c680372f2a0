"""Numbers and percentages as the reader's language writes them, through Babel (CLDR).

Vietnamese: "1.234,5" and "25%"; English: "1,234.5" and "25%". One place instead of a
hand-written formatter per page and per report.

`decimals` is exact by default ("1,0"); with `trim=True` it is a maximum and trailing zeros
go ("12,5%", "25%").
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

DEFAULT_LOCALE = "vi"


def _pattern(decimals: int, trim: bool) -> str:
    if decimals <= 0:
        return "#,##0"
    return "#,##0." + ("#" if trim else "0") * decimals


def format_number(value: float | int | None, decimals: int = 0, locale: str = DEFAULT_LOCALE, *,
                  trim: bool = False) -> str:
    """A number with thousands grouped and `decimals` decimals; "" for None."""
    if value is None:
        return ""
    return _decimal(value, _pattern(decimals, trim), locale or DEFAULT_LOCALE)


@lru_cache(maxsize=8192, typed=True)
def _decimal(value: float | int, pattern: str, locale: str) -> str:
    """Babel's formatting (`format_decimal`), remembered: a page of figures repeats the same small
    numbers; the locale and the pattern are parsed once (a whole-province check formats tens of
    thousands of distinct figures)."""
    parsed, where = _parsed(pattern, locale)
    return str(parsed.apply(value, where))


@lru_cache(maxsize=64)
def _parsed(pattern: str, locale: str) -> tuple[NumberPattern, Locale]:
    return parse_pattern(pattern), Locale.parse(locale)


def format_percent(share: float | None, decimals: int = 0, locale: str = DEFAULT_LOCALE, *,
                   trim: bool = False) -> str:
    """A share (0.25) as a percentage ("25%"); "" for None."""
    if share is None:
        return ""
    return _decimal(share, _pattern(decimals, trim) + "%", locale or DEFAULT_LOCALE)   # Babel's format_percent


__all__ = ["format_number", "format_percent"]
