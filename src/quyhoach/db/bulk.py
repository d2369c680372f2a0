"""Inserting many rows at once, in the session's transaction (an import's thousands of
records, their audit entries).

PostgreSQL: COPY … FROM STDIN through psycopg (the rows streamed as one command: no
statement per row, no parameters compiled per row). Elsewhere (SQLite), and for a few
rows: one Core INSERT executed many times (the driver's executemany). Not the ORM's bulk
insert, which splits rows by which of their values are None into thousands of batches.

A column a row leaves out gets its default (the model's, computed once per call); a None
is written as NULL. After a COPY the table is analysed, in the same transaction, so that the
queries that follow plan for the rows it now has. COPY does not pass through the session's execute events, so what was
written is told to `observers` (the planning change log registers one: it must know which
cadres an import touched, as it knows from any other write)."""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

COPY_FROM = 200          # rows from which PostgreSQL gets a COPY rather than an executemany
EXECUTEMANY_CHUNK = 5000

# (session, table name, rows) after rows were written by COPY
Observer = Callable[[Session, str, list[dict[str, Any]]], None]
observers: list[Observer] = []


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
    it itself: a JSON document wrapped for psycopg, a type decorator's own step (an aware
    datetime checked and put in UTC)."""
    from psycopg.types.json import Json

    if isinstance(column.type, sa.JSON):
        return Json
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
        cursor.execute(f'ANALYZE "{table.name}"')
