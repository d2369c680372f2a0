"""A printed "danh sách trích ngang" of a pool, imported as it is, in one go (issue 17).

The list as offices print it: a title block naming the title and the term ("DANH SÁCH
QUY HOẠCH ... CHỨC DANH Giám đốc Sở Nội vụ, NHIỆM KỲ 2025–2030"), a two-row header with
three rating columns whose header names the years, one row per person. `run` reads it
and works out:

- each person matched to an existing cadre by code, or by name and birth date; when it is
  unsure (several cadres fit, or only a near match: the same name born the same year on
  another day, or the same birth date under a name spelt a little differently) it asks,
  and the user's answer per row comes back in `choices` ("match_<row>": a cadre's id or
  "new");
- the cadres to create (the rows matched to nobody), and the fields of the matched ones
  that the list changes (birth date and its precision, sex, ethnicity, home town, unit and
  position...): before → after in the preview, updated as the cadre import updates (only
  the columns the list has; an empty cell leaves the value as it is; the stored name
  stays, since matching settled who it is; a birth date the list gives less precisely
  than the one stored, and that agrees with it, "1968" for 07/03/1968, leaves it as is);
- the ratings to record, one per year column;
- the pool entries to add for the title and term of the title block (asked for, in
  `choices` "title" and "term", when the title block does not say them clearly).

All of it goes through the importer's own check and write (importer.run_rows: the same
checks, the same scope, one audit entry per record), cadres first, then ratings, then the
pool; everything or nothing. A check (dry_run) writes in the session to see what would
happen and rolls it back: the session must hold nothing pending when it is called.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from quyhoach.db.models import Cadre, Pool, PoolEntry, Posting, Term, Title
from quyhoach.domain import vocab
from quyhoach.domain.vocab import N_
from quyhoach.domain.text import fold
from quyhoach.services.records import importer
from quyhoach.services.records.cells import date_words
from quyhoach.services.records.tabular import (
    CADRES, Column, ParsedRow, Problem, ReadInfo, ReadOptions, Sheet, header_matcher, parse, precision_of, read_table,
)

KIND = "trich_ngang"
TITLE = N_("Danh sách trích ngang quy hoạch (bản in)")
NEW = "new"
# The columns of a cadre a printed list may carry: every column of the cadres' list (its
# qualifications, party dates... when the office prints them); those it leaves out, and its
# empty cells, leave the values as they are.
PERSON_KEYS = tuple(c.key for c in CADRES.columns)
_YEAR = re.compile(r"^\s*(?:năm\s+)?((?:19|20)\d\d)\s*$", re.IGNORECASE)
_TERM = re.compile(r"nhiem\s*ky\s*:?\s*((?:19|20)\d\d)\s*[-–—/]\s*((?:19|20)\d\d)")
_TITLE = re.compile(r"chuc\s*danh\s*:?\s*(.+?)\s*(?:[,;.(]|nhiem\s*ky|$)")
_SIGNED_ON = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")


@dataclass
class Person:
    """One row of the list and who it is."""

    row: int
    values: dict[str, Any]
    ratings: dict[int, str]                     # year -> rating (vocabulary key)
    how: str = ""                               # "code", "name", "new", "ask"
    cadre_id: int | None = None
    cadre_code: str | None = None
    cadre_label: str = ""
    candidates: list[tuple[int, str]] = field(default_factory=list)  # (cadre id, words) when asked
    chosen: str = ""                            # the user's answer, as posted
    in_pool: bool = False
    stored_birth: tuple[dt.date | None, str] | None = None  # the matched cadre's birth date and its precision

    @property
    def name(self) -> str:
        return self.values.get("full_name") or ""

    @property
    def birth(self) -> str:
        return date_words(self.values.get("birth_date"))

    def rating_words(self) -> list[tuple[int, str]]:
        return [(year, vocab.RATING_SHORT.get(key, key)) for year, key in sorted(self.ratings.items())]


@dataclass
class TrichNgangResult:
    filename: str
    dry_run: bool
    kind: str = KIND
    reading: ReadInfo | None = None
    problems: list[Problem] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    heading: str = ""                           # the title block as read
    title: tuple[int, str, str] | None = None   # id, code, name
    term: tuple[int, str, str] | None = None
    title_guessed: bool = False                 # read from the title block (not chosen)
    titles: list[tuple[str, str]] = field(default_factory=list)  # the select: (code, name)
    terms: list[tuple[str, str]] = field(default_factory=list)
    added_on: dt.date | None = None
    parts: dict[str, importer.ImportResult] = field(default_factory=dict)
    written: bool = False

    @property
    def questions(self) -> int:
        return sum(1 for p in self.people if p.how == "ask") + (self.title is None) + (self.term is None)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.questions

    @property
    def to_create(self) -> list[Person]:
        return [p for p in self.people if p.how == "new"]

    def counts(self, kind: str) -> tuple[int, int, int]:
        part = self.parts.get(kind)
        return (part.created, part.updated, part.unchanged) if part else (0, 0, 0)

    def message(self) -> str:
        cadres, changed, _same = self.counts("cadres")
        created, updated, _same = self.counts("evaluations")
        entries = self.counts("pools")[0]
        verb = "sẽ thêm" if self.dry_run else "đã thêm"
        return (f"«{self.filename}»: {len(self.people)} người; {verb} {cadres} cán bộ (cập nhật {changed}), "
                f"{created} kết quả xếp loại (cập nhật {updated}), {entries} người vào quy hoạch.")


def run(session: Session, data: bytes, filename: str, *, choices: dict[str, str] | None = None,
        dry_run: bool = False, scope: set[int] | None = None, options: ReadOptions | None = None) -> TrichNgangResult:
    """Check a printed trích ngang and, unless dry_run, anything is wrong or a question is
    open, write it (flush only; the caller commits). A check rolls the session back."""
    choices = choices or {}
    result = TrichNgangResult(filename, dry_run)
    years, heading = _probe(data, filename, options)
    result.years, result.heading = years, heading
    sheet = _sheet(years)
    table = read_table(data, filename, sheet, options)
    rows, problems = parse(sheet, table)
    result.reading = table.info
    result.problems.extend(problems)
    _title_and_term(session, result, choices)
    result.people = [_person(row, years) for row in rows]
    _match(session, result, choices, scope)
    if result.problems or result.questions or not result.people:
        if not result.people and not result.problems:
            result.problems.append(Problem(0, "", "tệp không có dòng dữ liệu nào dưới dòng tiêu đề"))
        return result
    _mark_in_pool(session, result)
    try:
        _write(session, result, scope, table.letter_of)
    finally:
        if dry_run or not result.ok:
            session.rollback()
    result.written = result.ok and not dry_run
    return result


# -- reading ----------------------------------------------------------------------

def _rating_column(year: int) -> Column:
    return Column(f"rating_{year}", str(year), "rating")


def _sheet(years: list[int]) -> Sheet:
    """The cadres' list, every column optional (a row matched by name needs no code), and
    a rating column per year."""
    columns = tuple(dataclasses.replace(c, required=c.key == "full_name") for c in CADRES.columns)
    return dataclasses.replace(CADRES, columns=columns + tuple(_rating_column(y) for y in years),
                               key=("code", "full_name", "birth_date"))


def _probe(data: bytes, filename: str, options: ReadOptions | None) -> tuple[list[int], str]:
    """The rating years (the header's year cells) and the text above the header."""
    from quyhoach.services.records import layout, reading

    options = options or ReadOptions()
    limits = options.limits or reading.Limits()
    base = header_matcher(_sheet([]))

    def match(text: str) -> str | None:
        year = _YEAR.match(text or "")
        return f"rating_{year.group(1)}" if year else base(text)

    try:
        book = reading.open_book(data, filename, limits)
    except reading.ReadError:
        return [], ""  # read_table says why
    try:
        best: tuple[Any, list[Any]] | None = None
        names = book.sheet_names
        indexes = [names.index(options.sheet)] if options.sheet in names else list(range(len(names)))
        for index in indexes:
            head = []
            for row in book.rows(index, reading.Notes(), limits):
                if any(v is not None and str(v).strip() for v in row.cells):
                    head.append(row)
                    if len(head) >= layout.HEAD_ROWS:
                        break
            header = layout.find_header(head, match)
            if header is not None and (best is None or header.score > best[0].score):
                best = (header, head)
    except reading.ReadError:
        return [], ""
    finally:
        book.close()
    if best is None:
        return [], ""
    header, head = best
    years = sorted(int(k.removeprefix("rating_")) for k in header.columns if k.startswith("rating_"))
    above = [" ".join(layout.cell_text(v) for v in row.cells if layout.cell_text(v)) for row in head
             if row.number < header.row]
    return years, "\n".join(t for t in above if t)


def _person(row: ParsedRow, years: list[int]) -> Person:
    values = {k: row.values.get(k) for k in PERSON_KEYS}
    ratings = {y: row.values.get(f"rating_{y}") for y in years if row.values.get(f"rating_{y}")}
    return Person(row.row, values, ratings)


# -- the title and the term ---------------------------------------------------------

def _title_and_term(session: Session, result: TrichNgangResult, choices: dict[str, str]) -> None:
    titles = session.exec(select(Title).order_by(Title.rank.desc(), Title.name)).all()
    terms = session.exec(select(Term).order_by(Term.start_date)).all()
    result.titles = [(t.code, t.name) for t in titles]
    result.terms = [(t.code, t.name) for t in terms]
    text = fold(" ".join(result.heading.split()))
    title = next((t for t in titles if t.code == choices.get("title")), None)
    if title is None and not choices.get("title"):
        found = _TITLE.search(text)
        named = found.group(1) if found else ""
        exact = [t for t in titles if fold(t.name) == named]
        within = sorted((t for t in titles if fold(t.name) and fold(t.name) in named), key=lambda t: -len(t.name))
        pick = exact or within[:1]
        if len(exact) <= 1 and pick:
            title = pick[0]
            result.title_guessed = True
    term = next((t for t in terms if t.code == choices.get("term")), None)
    if term is None and not choices.get("term"):
        years = _TERM.search(text)
        if years:
            fits = [t for t in terms if (t.start_date.year, t.end_date.year) == (int(years.group(1)), int(years.group(2)))]
            if title is not None:
                fits = [t for t in fits if t.kind == title.term_kind] or fits
            if len(fits) == 1:
                term = fits[0]
    result.title = (title.id, title.code, title.name) if title is not None and title.id is not None else None
    result.term = (term.id, term.code, term.name) if term is not None and term.id is not None else None
    signed = _SIGNED_ON.search(text)
    try:
        result.added_on = dt.date(int(signed.group(3)), int(signed.group(2)), int(signed.group(1))) if signed else None
    except ValueError:
        result.added_on = None
    result.added_on = result.added_on or dt.date.today()


# -- who is who ---------------------------------------------------------------------

def _words(cadre: Any) -> str:
    return f"{cadre.code} — {cadre.full_name}, sinh {date_words(cadre.birth_date)}"


def _near_name(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


def _match(session: Session, result: TrichNgangResult, choices: dict[str, str], scope: set[int] | None) -> None:
    """Who each row is. A scoped officer is not shown cadres outside their units: a row
    that fits only such cadres is refused without naming them."""
    people = result.people
    codes = sorted({p.values["code"] for p in people if p.values.get("code")})
    by_code = {c.code: c for c in session.exec(select(Cadre).where(Cadre.code.in_(codes)))} if codes else {}
    years = sorted({p.values["birth_date"].year for p in people if p.values.get("birth_date")})
    born: dict[int, list[Any]] = {}
    if years:
        query = select(Cadre).where(sa.or_(*(Cadre.birth_date.between(dt.date(y, 1, 1), dt.date(y, 12, 31))
                                             for y in years)))
        for cadre in session.exec(query):
            born.setdefault(cadre.birth_date.year, []).append(cadre)
    hidden = _outside(session, [*by_code.values(), *(c for found in born.values() for c in found)], scope)
    outside = "ngoài phạm vi quản lý của tài khoản; không nhập được người này (liên hệ cán bộ cấp tỉnh)"
    for person in people:
        v = person.values
        cadre = by_code.get(v.get("code") or "")
        if cadre is not None and cadre.id in hidden:
            result.problems.append(Problem(person.row, CADRES.column("code").header,
                                           f"cán bộ mã «{cadre.code}» công tác ở đơn vị {outside}", cadre.code))
            continue
        if cadre is not None and fold(cadre.full_name) == fold(v.get("full_name")):
            _take(person, cadre, "code")
            continue
        if cadre is not None:
            result.problems.append(Problem(person.row, CADRES.column("code").header,
                                           f"mã «{cadre.code}» là của «{cadre.full_name}», không phải «{person.name}»; "
                                           "hãy sửa mã hoặc họ tên", cadre.code))
            continue
        birth, name = v.get("birth_date"), fold(v.get("full_name"))
        same_year = born.get(birth.year, []) if birth else []
        exact = [c for c in same_year if fold(c.full_name) == name and c.birth_date == birth]
        near = [c for c in same_year if c not in exact and (
            fold(c.full_name) == name or (c.birth_date == birth and _near_name(fold(c.full_name), name)))]
        candidates = [c for c in exact + near if c.id not in hidden]
        if len(candidates) < len(exact + near) and not candidates:
            result.problems.append(Problem(person.row, CADRES.column("full_name").header,
                                           f"có cán bộ cùng họ tên, cùng năm sinh ở đơn vị {outside}", person.name))
            continue
        exact = [c for c in exact if c.id not in hidden]
        near = [c for c in near if c.id not in hidden]
        if len(exact) == 1 and not near:
            _take(person, exact[0], "name")
        elif candidates:
            person.how = "ask"
            person.candidates = [(c.id, _words(c)) for c in candidates if c.id is not None]
        else:
            person.how = "new"
        answer = choices.get(f"match_{person.row}", "")
        person.chosen = answer
        if person.how == "ask" and answer:
            chosen = next((c for c in candidates if str(c.id) == answer), None)
            if chosen is not None:
                _take(person, chosen, "chosen")
            elif answer == NEW:
                person.how = "new"
        if person.how == "new" and not v.get("code"):
            result.problems.append(Problem(person.row, CADRES.column("code").header,
                                           "không tìm thấy cán bộ này: cần mã cán bộ để thêm mới"))


def _outside(session: Session, cadres: list[Any], scope: set[int] | None) -> set[int]:
    """The ids of the cadres none of whose current units is in scope."""
    if scope is None or not cadres:
        return set()
    ids = sorted({c.id for c in cadres})
    inside = set(session.exec(select(Posting.cadre_id).where(
        Posting.cadre_id.in_(ids), Posting.end_date.is_(None), Posting.unit_id.in_(sorted(scope)))).all())
    return set(ids) - inside


def _take(person: Person, cadre: Any, how: str) -> None:
    person.how, person.cadre_id, person.cadre_code, person.cadre_label = how, cadre.id, cadre.code, _words(cadre)
    person.stored_birth = (cadre.birth_date, cadre.birth_date_precision or "day")


_PRECISION = {"year": 0, "month": 1, "day": 2}


def _known_values(person: Person) -> dict[str, Any]:
    """A matched cadre's row for the cadre import: its stored code and name (matching
    settled who it is), the list's other fields; a birth date the list gives less (or as)
    precisely than the stored one, and that agrees with it, leaves it as it is."""
    values = {**person.values, "code": person.cadre_code, "full_name": None}
    birth = values.get("birth_date")
    stored, stored_precision = person.stored_birth or (None, "day")
    if birth is not None and stored is not None:
        precision = precision_of(birth) or "day"
        agrees = birth.year == stored.year and (precision == "year" or birth.month == stored.month) \
            and (precision != "day" or birth == stored)
        if agrees and _PRECISION[precision] <= _PRECISION.get(stored_precision, 2):
            values["birth_date"] = None
    return values


def _mark_in_pool(session: Session, result: TrichNgangResult) -> None:
    assert result.title is not None and result.term is not None
    pool = session.exec(select(Pool.id).where(Pool.title_id == result.title[0], Pool.term_id == result.term[0])).first()
    if pool is None:
        return
    ids = sorted({p.cadre_id for p in result.people if p.cadre_id is not None})
    inside = set(session.exec(select(PoolEntry.cadre_id).where(PoolEntry.pool_id == pool,
                                                               PoolEntry.cadre_id.in_(ids))).all()) if ids else set()
    for person in result.people:
        person.in_pool = person.cadre_id in inside


# -- writing ------------------------------------------------------------------------

def _write(session: Session, result: TrichNgangResult, scope: set[int] | None, letter_of: Any) -> None:
    """Cadres, then ratings, then the pool, through the importer; stops at the first part
    with problems (the next ones would only repeat them)."""
    assert result.title is not None and result.term is not None
    present = {k for k in PERSON_KEYS if any(p.values.get(k) is not None for p in result.people)}
    new = [ParsedRow(p.row, dict(p.values)) for p in result.to_create]
    known = [ParsedRow(p.row, _known_values(p)) for p in result.people if p.cadre_id is not None]
    cadres = sorted(new + known, key=lambda r: r.row)
    code_of = {p.row: p.cadre_code or p.values.get("code") for p in result.people}
    ratings = [ParsedRow(p.row, {"cadre_code": code_of[p.row], "period": "year", "year": year, "period_no": 0,
                                 "rating": rating})
               for p in result.people for year, rating in sorted(p.ratings.items())]
    entries = [ParsedRow(p.row, {"title_code": result.title[1], "term": result.term[1], "cadre_code": code_of[p.row],
                                 "full_name": p.name, "added_on": result.added_on,
                                 "reason": f"Danh sách trích ngang «{result.filename}»"})
               for p in result.people if not p.in_pool]
    parts = (("cadres", cadres, present), ("evaluations", ratings, {"cadre_code", "period", "year", "period_no", "rating"}),
             ("pools", entries, {"title_code", "term", "cadre_code", "full_name", "added_on", "reason"}))
    for kind, rows, columns in parts:
        part = importer.run_rows(session, kind, rows, result.filename, columns, scope=scope, letter_of=letter_of)
        result.parts[kind] = part
        result.problems.extend(part.problems)
        if part.problems:
            break
    result.problems.sort(key=lambda p: p.row)
