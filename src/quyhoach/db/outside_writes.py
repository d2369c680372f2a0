"""Writes made outside the app, on PostgreSQL: a statement run by hand in psql, a script, a
restore of one table. The planning change log (services.planning.changes) hears every write
the app makes through its sessions; a write the app does not make would leave every process's
planning world and the stored verdicts (`pool_verdict`) current in appearance and wrong.

So each table whose rows feed the planning facts carries a statement trigger: when the
connection that wrote is not the app's, it moves the data stamp and records a change that
says "rebuild whole, judge every pool again". The app's connections say who they are with a
session setting given at connect time (`quyhoach.app = 1`, libpq's `options`: no extra round
trip, see db.engine), so the trigger costs the app one setting read per statement.

A connection pooler in transaction mode that drops the startup options (PgBouncer without
`ignore_startup_parameters = options` passing them through) makes every app write look like
an outside one: nothing is wrong, every write then rebuilds whole (docs/deploy.md).
SQLite has no session settings: there, edit by hand with the app stopped.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

SETTING = "quyhoach.app"
CONNECT_OPTIONS = f"-c {SETTING}=1"
FUNCTION = "quyhoach_write_outside_app"

_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE moved bigint;
BEGIN
    IF coalesce(current_setting('{SETTING}', true), '') = '1' THEN
        RETURN NULL;
    END IF;
    UPDATE datastamp SET counter = counter + 1 WHERE id = 1 RETURNING counter INTO moved;
    IF moved IS NOT NULL THEN
        INSERT INTO planning_change (stamp_from, stamp_to, "full", rules, cadre_ids, pool_ids, tables)
        VALUES (moved - 1, moved, true, true, '[]', '[]', json_build_array(TG_TABLE_NAME));
    END IF;
    RETURN NULL;
END $$
"""


def _trigger(table: str) -> str:
    return f"quyhoach_outside_{table}"


def install(connection: sa.Connection, tables: Iterable[str]) -> None:
    """The function and one statement trigger per table (PostgreSQL; nothing elsewhere)."""
    if connection.dialect.name != "postgresql":
        return
    connection.execute(sa.text(_FUNCTION_SQL))
    for table in sorted(tables):
        connection.execute(sa.text(f'DROP TRIGGER IF EXISTS {_trigger(table)} ON "{table}"'))
        connection.execute(sa.text(
            f'CREATE TRIGGER {_trigger(table)} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"))


def remove(connection: sa.Connection, tables: Iterable[str]) -> None:
    if connection.dialect.name != "postgresql":
        return
    for table in sorted(tables):
        connection.execute(sa.text(f'DROP TRIGGER IF EXISTS {_trigger(table)} ON "{table}"'))
    connection.execute(sa.text(f"DROP FUNCTION IF EXISTS {FUNCTION}()"))
