"""Tổng quan: what needs attention now, within the user's units, each item linking to its
list filtered to it (the pages for what does not exist or is refused: web/errors.py).

Every item is read from a service that already decides it (the planning world's judgements,
the review worklist, the vacancy forecast, the rotation runs, the report jobs, the audit log);
this page only counts and links. The planning items read the cached planning world, so a
visit costs a few small queries once the world is built.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user
from sqlmodel import select

from quyhoach.db.models import AuditEntry, Job
from quyhoach.services.planning import attention, world as world_service
from quyhoach.services.platform import scope as scope_service
from quyhoach.services.records import history, queries
from quyhoach.services.rotation import views as rotation_views
from quyhoach.web.auth import current_scope, guarded
from quyhoach.web.db import session

bp = guarded(Blueprint("home", __name__), write="edit_records")

RECENT_CHANGES = 8
CHANGES_SCANNED = 200      # a scoped user's changes are picked from the latest this many
REPORTS_SHOWN = 5
REPORTS_DAYS = 14
# Not "changes": reading a file, signing in, the accounts (the audit page has them all).
QUIET_ACTIONS = ("file.", "auth.", "user.")
# An audit entity's first part → the kind of record the scope checks and the page that shows it.
ENTITY_PAGES = {"cadre": ("cadre", "cadres.history", "code"), "unit": ("unit", "units.unit", "code"),
                "pool": ("pool", "planning.pool", "pool_id"), "scenario": ("scenario", "scenarios.scenario", "scenario_id")}


def may(permission: str) -> bool:
    """The signed-in user holds the permission (every permission with sign-in switched off, as in tests)."""
    return not current_user.is_authenticated or current_user.can(permission)


@dataclass
class ChangeRow:
    entry: AuditEntry
    action_parts: tuple[str, ...]
    entity_parts: list[tuple[str, str]]
    endpoint: str | None
    args: dict


def _visible(scope, kind: str, value: str) -> bool:
    """The scope's per-request sets for the kinds a page of entries names often; the guard's
    check for the others."""
    if kind == "cadre":
        return scope.covers_cadre_code(session(), value)
    if kind == "unit":
        return scope.covers_unit_code(session(), value)
    if kind == "pool":
        return value.isdigit() and scope.covers_pool(session(), int(value))
    return scope.visible(kind, session(), value)


def _change_link(entity: str, scope) -> tuple[bool, str | None, dict]:
    """Whether the user may see the entry, and the page of its record (None: no page)."""
    first = entity.split("|", 1)[0].split("/", 1)[0]
    prefix, _, value = first.partition(":")
    page = ENTITY_PAGES.get(prefix)
    if page is None:
        return scope.province_wide, None, {}
    kind, endpoint, arg = page
    if not _visible(scope, kind, value):
        return False, None, {}
    return True, endpoint, {arg: int(value) if arg.endswith("_id") else value}


def recent_changes(scope, username: str | None) -> list[ChangeRow]:
    """The latest changes others made to records the user may see, newest first (read from
    the newest entries down, no count of the whole log)."""
    query = select(AuditEntry).where(*(sa.not_(AuditEntry.action.startswith(p)) for p in QUIET_ACTIONS))
    if username:
        query = query.where(AuditEntry.actor != username)
    entries = session().exec(query.order_by(AuditEntry.seq.desc())
                             .limit(RECENT_CHANGES if scope.province_wide else CHANGES_SCANNED)).all()
    rows = []
    for entry in entries:
        seen, endpoint, args = _change_link(entry.entity, scope)
        if seen:
            rows.append(ChangeRow(entry, history.action_parts(entry.action), history.entity_parts(entry.entity),
                                  endpoint, args))
        if len(rows) == RECENT_CHANGES:
            break
    return rows


def ready_reports(scope) -> list[Job]:
    """Reports finished in the last two weeks that the user may open."""
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=REPORTS_DAYS)
    query = select(Job).where(Job.kind == "report", Job.status == "done", Job.finished_at >= since)
    if not scope.others_jobs:
        query = query.where(Job.owner == scope.username)
    found = session().exec(query.order_by(Job.finished_at.desc()).limit(50)).all()
    return [j for j in found if scope_service.covers_job(scope, session(), j)][:REPORTS_SHOWN]


@bp.get("/")
def index():
    scope = current_scope()
    world = world_service.cached(session())
    own_unit = world.units.get(scope.root_unit_id) if scope.root_unit_id is not None else None
    return render_template(
        "home/index.html",
        stats=queries.province_stats(session(), scope),
        own_unit=own_unit,
        planning=attention.planning_attention(session(), world, scope.unit_ids, scope.root_unit_id),
        rotation=rotation_views.rotation_attention(session(), scope),
        reports=ready_reports(scope),
        changes=recent_changes(scope, scope.username),
        may=may,
    )

