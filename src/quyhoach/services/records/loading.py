"""The loaders' common part: a Loader resolves references and writes one kind of row;
the kinds live in the load_* modules, one per list (units and titles, cadres, postings,
evaluations, votes, disciplines, conclusions, family relations, pools), and
importer.LOADERS names them. The importer's plan (importer._Plan) matches, merges and
compares; a loader checks and writes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Session, SQLModel, select

from quyhoach.db import bulk
from quyhoach.db.models import Cadre

from quyhoach.services.records.tabular import ParsedRow, Problem, Sheet

CHUNK = 500
ARRAY_CHUNK = 50_000  # values per lookup on PostgreSQL, in one array parameter


# Model fields a loader produces, and the column of the list each comes from (the others
# have the column's own key; derived fields such as search_text are not compared).
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "ethnicity_code": ("ethnicity",), "hometown_unit_id": ("hometown_unit_code",), "unit_id": ("unit_code",),
    "title_id": ("title_code",), "cadre_id": ("cadre_code",), "relative_id": ("relative_code",),
    "level_id": ("level",), "_parent_code": ("parent_code",), "added_reason": ("reason",),
    "added_words": ("reason",),   # the default reason's words (load_pools), written with the reason
    "_post": ("unit_code", "title_code", "position", "position_since"),
    "birth_date_precision": ("birth_date",),  # "1968" made 07/03/1968 (or back) changes the birth date
}
NOT_COMPARED = frozenset({"updated_at", "created_at", "search_text", "sort_key", "name_key", "status", "id"})
DERIVED = ("search_text", "sort_key", "name_key", "updated_at")


def chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def batch_size(session: Session) -> int:
    """How many values one lookup (`is_in`) takes on the session's database."""
    return ARRAY_CHUNK if session.get_bind().dialect.name == "postgresql" else CHUNK


def is_in(session: Session, column: Any, values: list) -> sa.ColumnElement[bool]:
    """`column IN values`. On PostgreSQL `column = ANY(array)`: one parameter however many
    values, so that neither the driver nor the server parses and plans thousands of
    placeholders (30,000 codes read back after an import: 60 queries of 500 before)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, values, type_=postgresql.ARRAY(column.type)))
    return column.in_(values)


def among(session: Session, column: Any, values: list) -> Iterator[sa.ColumnElement[bool]]:
    """`column IN values` as one condition per batch of values (see `is_in`)."""
    for chunk in chunks(values, batch_size(session)):
        yield is_in(session, column, chunk)


def insert_rows(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """Insert rows in bulk in the session's transaction (COPY on PostgreSQL): db/bulk.py."""
    bulk.insert_rows(session, model.__table__, rows)  # type: ignore[attr-defined]


class Loader:
    """Resolves references and writes one kind of row. Subclasses fill `check` and `write`."""

    sheet: Sheet
    model: type[SQLModel]

    def __init__(self, session: Session) -> None:
        self.session = session
        self.problems: list[Problem] = []
        self._existing: dict[tuple, int] = {}

    # -- helpers -----------------------------------------------------------------
    def problem(self, row: ParsedRow, key: str, message: str) -> None:
        value = row.values.get(key)
        self.problems.append(Problem(row.row, self.sheet.column(key).header, message,
                                     "" if value is None else str(value)))

    def codes(self, model: type[SQLModel], codes: Iterable[str]) -> dict[str, int]:
        wanted = sorted({c for c in codes if c})
        found: dict[str, int] = {}
        for where in among(self.session, model.code, wanted):
            found.update(self.session.exec(select(model.code, model.id).where(where)).all())
        return found

    def resolve(self, row: ParsedRow, key: str, mapping: dict[str, int], what: str) -> int | None:
        code = row.values.get(key)
        if code is None:
            return None
        if code not in mapping:
            self.problem(row, key, f"không có {what} mã «{code}» trong cơ sở dữ liệu")
            return None
        return mapping[code]

    # -- the three steps ---------------------------------------------------------
    def check(self, rows: list[ParsedRow]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def identity(self, record: dict[str, Any]) -> tuple:
        raise NotImplementedError

    def load_existing(self, records: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    def plan(self, records: list[dict[str, Any]]) -> tuple[int, int]:
        self.load_existing(records)
        updated = sum(1 for r in records if self.identity(r) in self._existing)
        return len(records) - updated, updated

    def write(self, records: list[dict[str, Any]]) -> None:
        """Insert new rows; update, in existing ones, only the fields that change (an
        unchanged record is not written at all). In bulk."""
        inserts = []
        updates: dict[frozenset[str], list[dict[str, Any]]] = {}
        fields_of: dict[tuple[str, ...], tuple[str, ...]] = {}  # a record's keys -> the model's fields among them
        for record in records:
            shape = tuple(record)
            fields = fields_of.get(shape)
            if fields is None:
                fields = fields_of[shape] = tuple(k for k in shape if not k.startswith("_"))
            values = {k: record[k] for k in fields}
            existing = self._existing.get(self.identity(record))
            if existing is None:
                inserts.append(values)
                continue
            changed = self.fields_to_write(record, values)
            if changed:
                update = {k: values[k] for k in changed}
                updates.setdefault(frozenset(update), []).append({**update, "id": existing})
        insert_rows(self.session, self.model, inserts)
        for group in updates.values():
            for chunk in chunks(group, 2000):
                self.session.execute(sa.update(self.model), chunk)

    def fields_to_write(self, record: dict[str, Any], values: dict[str, Any]) -> set[str]:
        """The model fields of an existing record that the file changes (with their derived
        fields); all of them when the change is not known."""
        changed = record.get("_changed")
        if changed is None:
            return set(values)
        keys = set(changed)
        fields = {name for name in values if name not in NOT_COMPARED
                  and set(FIELD_COLUMNS.get(name, (name,))) & keys}
        if fields:
            fields |= {name for name in DERIVED if name in values}
        return fields


class CadreRowsLoader(Loader):
    """Rows that belong to a cadre (by code) and are identified by some of their fields."""

    def cadre_ids(self, rows: list[ParsedRow]) -> dict[str, int]:
        return self.codes(Cadre, (r.values["cadre_code"] for r in rows))

    def identity(self, record):
        return tuple(record[k] for k in self.identity_fields)

    identity_fields: tuple[str, ...] = ()

    def load_existing(self, records):
        cadre_ids = sorted({r["cadre_id"] for r in records if r["cadre_id"] is not None})
        model = self.model
        columns = [getattr(model, k) for k in self.identity_fields]
        self._existing = {}
        for where in among(self.session, model.cadre_id, cadre_ids):
            for found in self.session.exec(select(model.id, *columns).where(where)):
                self._existing[tuple(found[1:])] = found[0]
