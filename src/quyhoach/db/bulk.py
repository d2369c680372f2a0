"""Inserting many rows at once, in the session's transaction (an import's thousands of
records, their audit entries).

PostgreSQL: COPY … FROM STDIN through psycopg (the rows streamed as one command: no
statement per row, no parameters compiled per row). Elsewhere (SQLite), and for a few
rows: one Core INSERT executed many times (the driver's executemany). Not the ORM's bulk
insert, which splits rows by which of their values are None into thousands of batches.

A column a row leaves out gets its default (the model's, computed once per call); a None
is written as NULL. After a COPY the table is analysed, in the same transaction, so that the
queries that follow plan for the rows it now has: its size, and the columns lookups go by
(keys, indexed and foreign-key columns; the other columns' figures, a wide table's long texts,
cost most of the time and guide no lookup; autovacuum takes them after the commit).

COPY does not pass through the session's execute events, so what was written is told to
`observers` (the planning change log registers one: it must know which cadres an import
touched, as it knows from any other write)."""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

COPY_FROM = 200          # rows from which PostgreSQL gets a COPY rather than an executemany
EXECUTEMANY_CHUNK = 5000

# (session, table name, rows) after rows were written by COPY
Observer = Callable[[Session, str, list[dict[str, Any]]], None]
observers: list[Observer] = []


class Encoded(NamedTuple):
    """A JSON column's value with its JSON text already made (the audit's entries, whose
    hashes cover that text): COPY sends the text as it is, rather than encoding the value
    again; an INSERT gives the value to the column's own serializer."""

    text: str
    value: Any


def insert_rows(session: Session, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (dicts by column name) into `table` in the session's transaction."""
    if not rows:
        return
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    copy = session.get_bind().dialect.name == "postgresql" and len(rows) >= COPY_FROM
    for keys, group in groups.items():
        if copy:
            _copy(session, table, keys, group)
            for observe in observers:
                observe(session, table.name, group)
        else:
            json_keys = [k for k in keys if isinstance(table.c[k].type, sa.JSON)]
            if json_keys:
                group = [{**row, **{k: row[k].value for k in json_keys if type(row[k]) is Encoded}} for row in group]
            for start in range(0, len(group), EXECUTEMANY_CHUNK):
                session.execute(table.insert(), group[start:start + EXECUTEMANY_CHUNK])


def _defaults(table: sa.Table, keys: tuple[str, ...]) -> dict[str, Any]:
    """The values the columns a row leaves out get (what Core's INSERT would give them)."""
    out: dict[str, Any] = {}
    for column in table.columns:
        if column.name in keys or column.default is None:
            continue
        default = column.default
        if getattr(default, "is_scalar", False):
            out[column.name] = default.arg  # type: ignore[attr-defined]
        elif getattr(default, "is_callable", False):
            out[column.name] = default.arg(None)  # type: ignore[attr-defined]
    return out


def _converter(column: sa.Column[Any], dialect: sa.Dialect) -> Callable[[Any], Any] | None:
    """What Core would do to a value of `column` before the driver sees it, where COPY must do
    it itself: a JSON document wrapped for psycopg (or its text, when `Encoded`), a type decorator's own step (an aware
    datetime checked and put in UTC)."""
    from psycopg.types.json import Json

    if isinstance(column.type, sa.JSON):
        return lambda value: value.text if type(value) is Encoded else Json(value)
    if isinstance(column.type, sa.types.TypeDecorator) \
            and type(column.type).process_bind_param is not sa.types.TypeDecorator.process_bind_param:
        decorator = column.type
        return lambda value: decorator.process_bind_param(value, dialect)
    return None


def _copy(session: Session, table: sa.Table, keys: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    dialect = session.get_bind().dialect
    defaults = _defaults(table, keys)
    converters = [_converter(table.c[k], dialect) for k in keys]
    fixed = tuple(convert(v) if (convert := _converter(table.c[k], dialect)) else v for k, v in defaults.items())
    session.flush()  # what the ORM holds goes first, in order
    driver = session.connection().connection.driver_connection
    assert driver is not None
    columns = ", ".join(f'"{name}"' for name in (*keys, *defaults))
    values = itemgetter(*keys) if len(keys) > 1 else (lambda row: (row[keys[0]],))
    convert_at = [(i, convert) for i, convert in enumerate(converters) if convert]
    with driver.cursor() as cursor:
        with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                out = [*values(row), *fixed]
                for i, convert in convert_at:
                    out[i] = convert(out[i])
                copy.write_row(out)
        # The planner's figures for the table, now: in the same transaction, the next lookups
        # (the codes of the rows just written, the next list's references) otherwise plan for
        # the table as it was (empty: a scan per lookup, minutes for 30,000 cadres).
        analysed = ", ".join(f'"{name}"' for name in lookup_columns(table))
        cursor.execute(f'ANALYZE "{table.name}" ({analysed})')


def lookup_columns(table: sa.Table) -> list[str]:
    """The columns a lookup goes by: the key, unique, indexed and foreign-key columns."""
    names = {c.name for c in table.columns if c.primary_key or c.index or c.unique or c.foreign_keys}
    for index in table.indexes:
        names.update(c.name for c in index.columns if isinstance(c, sa.Column))
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint):
            names.update(c.name for c in constraint.columns)
    return [c.name for c in table.columns if c.name in names]
