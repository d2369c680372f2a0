"""Dates as the users write them: dd/mm/yyyy."""

from __future__ import annotations

import datetime as dt
import re

DATE_FORMAT = "%d/%m/%Y"
_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_MY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{4})\s*$")


class DateParseError(ValueError):
    """A date that is not dd/mm/yyyy or does not exist."""


def format_date(value: dt.date | None) -> str:
    """'07/03/1975'; an empty string for no date."""
    if value is None:
        return ""
    return value.strftime(DATE_FORMAT)


def parse_date(value: object) -> dt.date | None:
    """Read dd/mm/yyyy (also d/m/yyyy, dd.mm.yyyy, dd-mm-yyyy), ISO yyyy-mm-dd,
    mm/yyyy (the first of that month, as dossiers often give only month and year),
    or a spreadsheet date cell. Empty gives None; anything else raises DateParseError
    with a message in Vietnamese."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for pattern, order in ((_DMY, "dmy"), (_ISO, "ymd"), (_MY, "my")):
        match = pattern.match(text)
        if not match:
            continue
        parts = [int(p) for p in match.groups()]
        if order == "dmy":
            day, month, year = parts
        elif order == "ymd":
            year, month, day = parts
        else:
            (month, year), day = parts, 1
        try:
            return dt.date(year, month, day)
        except ValueError as exc:
            raise DateParseError(f"ngày không tồn tại: '{text}'") from exc
    raise DateParseError(f"không đúng dạng ngày/tháng/năm (dd/mm/yyyy): '{text}'")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (31/01 + 1 = 28/02)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from start to end (negative when end is earlier)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return months


def age_on(birth: dt.date, on: dt.date) -> int:
    """Age in whole years on a date."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
