"""Jurisdiction, in one place: what a user may see.

A user scoped to a unit (the unit of the body that manages them, `User.scope_unit_id`) sees
that unit and everything under it; an unscoped user sees the whole province. `Scope` is
built once per request from the signed-in user (`of_user`) and every query that returns
cadres, units, titles, pools, scenarios, runs, report jobs or audit entries takes it:

- a record asked for by its id or code goes through `visible(kind, ...)` (the web guard does
  it for every URL parameter, declared per route), and one the user may not see is answered
  exactly as one that does not exist (`OutOfScope`, a 404 — never a 403, whose difference
  would tell that the record exists);
- a list is filtered in SQL with `units_clause(column)` / `cadres_clause()`, or in memory with
  `covers(unit_id)`.

`PROVINCE_WIDE` is the one named escape: the command line, background jobs and the few
readers that must see the whole province (the shared planning world, province-wide settings
open only to unscoped roles) use it, and `grep PROVINCE_WIDE` lists them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from quyhoach.db.models import Cadre, Job, Pool, PoolEntry, Posting, Scenario, SolveRun, Title, Unit, User


class OutOfScope(LookupError):
    """A record outside the user's jurisdiction, or no such record: the same answer (404)."""


@dataclass(frozen=True)
class Scope:
    """The units a user may see (`unit_ids`, a subtree), or None for the whole province;
    who they are (`username`, the owner of the report jobs they make) and whether they may
    act on report jobs others made (`others_jobs`, a role's permission)."""

    unit_ids: frozenset[int] | None
    root_unit_id: int | None = None
    username: str | None = None
    others_jobs: bool = True
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    # ------------------------------------------------------------------ units
    @property
    def province_wide(self) -> bool:
        return self.unit_ids is None

    def covers(self, unit_id: int | None) -> bool:
        return self.unit_ids is None or (unit_id is not None and unit_id in self.unit_ids)

    def covers_any(self, unit_ids: Iterable[int]) -> bool:
        """A cadre posted in several units is in scope when one of their posts is."""
        return self.unit_ids is None or bool(self.unit_ids & set(unit_ids))

    def covers_all(self, unit_ids: Iterable[int]) -> bool:
        """A scenario or a report of several units is in scope when every unit is (and there is one)."""
        ids = set(unit_ids)
        return self.unit_ids is None or (bool(ids) and ids <= self.unit_ids)

    def require(self, allowed: bool) -> None:
        """For a service: OutOfScope (answered 404 by the web layer) unless `allowed`."""
        if not allowed:
            raise OutOfScope()

    def units_clause(self, column: Any) -> Any:
        """SQL: the column (a unit id) is in scope."""
        if self.unit_ids is None:
            return sa.true()
        return column.in_(sorted(self.unit_ids))

    def cadres_clause(self, cadre_id: Any = None) -> Any:
        """SQL: the cadre (Cadre.id, or the given column) holds a current post in scope."""
        if self.unit_ids is None:
            return sa.true()
        return sa.exists().where(Posting.cadre_id == (cadre_id if cadre_id is not None else Cadre.id),
                                 Posting.end_date.is_(None), Posting.withdrawn_at.is_(None),
                                 Posting.unit_id.in_(sorted(self.unit_ids)))

    # ------------------------------------------------------------------ records
    def _posted(self, column: Any) -> Any:
        """SQL: `column` of the cadres with a current post in scope, as `cadres_clause` says,
        read in one pass over the posts (the EXISTS per cadre is slow on SQLite)."""
        return (select(column).join(Posting, Posting.cadre_id == Cadre.id)
                .where(Posting.end_date.is_(None), Posting.withdrawn_at.is_(None), self.units_clause(Posting.unit_id))
                .distinct())

    def cadre_ids(self, session: Session) -> set[int] | None:
        """The cadres with a current post in scope (None: every cadre), read once per scope."""
        if self.unit_ids is None:
            return None
        if "cadres" not in self._cache:
            self._cache["cadres"] = set(session.exec(self._posted(Cadre.id)).all())
        return self._cache["cadres"]

    def covers_cadre_code(self, session: Session, code: str | None) -> bool:
        """A cadre named by code is in scope (the codes read once per scope: a page's links)."""
        if self.unit_ids is None:
            return True
        if "codes" not in self._cache:
            self._cache["codes"] = set(session.exec(self._posted(Cadre.code)).all())
        return code in self._cache["codes"]

    def covers_unit_code(self, session: Session, code: str | None) -> bool:
        """A unit named by code is in scope (the codes read once per scope: a page's links)."""
        if self.unit_ids is None:
            return True
        if "units" not in self._cache:
            self._cache["units"] = dict(session.exec(select(Unit.code, Unit.id)).all())
        return self.covers(self._cache["units"].get(code))

    def covers_pool(self, session: Session, pool_id: int | None) -> bool:
        """A pool is in scope when its title's unit is (read once per scope: a page's links)."""
        if self.unit_ids is None:
            return True
        if "pools" not in self._cache:
            self._cache["pools"] = dict(session.exec(select(Pool.id, Title.unit_id).join(Title, Title.id == Pool.title_id)).all())
        return self.covers(self._cache["pools"].get(pool_id))

    def covers_cadre(self, session: Session, cadre_id: int | None) -> bool:
        ids = self.cadre_ids(session)
        return ids is None or (cadre_id is not None and cadre_id in ids)

    def covers_unit_codes(self, session: Session, codes: Iterable[str]) -> bool:
        """Units named by code (a scenario's units in play): all known and all in scope;
        none named means the whole province, in no commune's scope."""
        wanted = {c for c in codes if c}
        if self.unit_ids is None:
            return True
        if not wanted:
            return False
        ids = session.exec(select(Unit.id).where(Unit.code.in_(sorted(wanted)))).all()
        return len(ids) == len(wanted) and self.covers_all(ids)

    def covers_report(self, covered: dict | None) -> bool:
        """What a report covers, as kept in its job ({"units": [...], "need": "all" | "any"}
        or {"province": True})."""
        if self.unit_ids is None:
            return True
        if not covered or covered.get("province") or not covered.get("units"):
            return False
        units = covered["units"]
        return self.covers_all(units) if covered.get("need") == "all" else self.covers_any(units)

    def owns(self, job: Job) -> bool:
        """A report job this user made, or one their role may act on although another made it."""
        return self.others_jobs or (job.owner is not None and job.owner == self.username)

    def visible(self, kind: str, session: Session, value: Any) -> bool:
        """The record of this kind named by `value` (an id or a code, as the URL gives it)
        exists and the user may see it."""
        return VISIBLE[kind](self, session, value)


PROVINCE_WIDE = Scope(None)
"""The whole province, for the command line, background jobs and the named readers that need it."""


def subtree(session: Session, unit_id: int) -> frozenset[int]:
    """The unit and every unit under it (one query for the tree, walked in memory)."""
    children: dict[int, list[int]] = defaultdict(list)
    for uid, parent in session.exec(select(Unit.id, Unit.parent_id)).all():
        if parent is not None:
            children[parent].append(uid)
    found: set[int] = set()
    stack = [unit_id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children[current])
    return frozenset(found)


def of_user(session: Session, user: Any, *, others_jobs: bool = False) -> Scope:
    """The scope of a user (a `User` row or anything with `scope_unit_id` and `username`)."""
    unit_id = getattr(user, "scope_unit_id", None)
    units = subtree(session, unit_id) if unit_id is not None else None
    return Scope(units, unit_id, getattr(user, "username", None), others_jobs)


# --------------------------------------------------------------------------- a record by id or code

def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -2**63 < number < 2**63 else None


def _cadre(scope: Scope, session: Session, code: Any) -> bool:
    cadre_id = session.exec(select(Cadre.id).where(Cadre.code == str(code))).first()
    return cadre_id is not None and scope.covers_cadre(session, cadre_id)


def _unit(scope: Scope, session: Session, code: Any) -> bool:
    unit_id = session.exec(select(Unit.id).where(Unit.code == str(code))).first()
    return unit_id is not None and scope.covers(unit_id)


def _pool(scope: Scope, session: Session, pool_id: Any) -> bool:
    number = _int(pool_id)
    unit_id = session.exec(select(Title.unit_id).join(Pool, Pool.title_id == Title.id)
                           .where(Pool.id == number)).first() if number is not None else None
    return unit_id is not None and scope.covers(unit_id)


def _pool_entry(scope: Scope, session: Session, entry_id: Any) -> bool:
    number = _int(entry_id)
    pool_id = session.exec(select(PoolEntry.pool_id).where(PoolEntry.id == number)).first() if number is not None else None
    return pool_id is not None and _pool(scope, session, pool_id)


def covers_scenario(scope: Scope, session: Session, scenario: Scenario | None) -> bool:
    """A scoped user works only on scenarios whose units in play are all theirs (a
    province-wide scenario is outside every commune's jurisdiction)."""
    if scenario is None:
        return False
    return scope.covers_unit_codes(session, (scenario.settings or {}).get("unit_codes") or [])


def _scenario(scope: Scope, session: Session, scenario_id: Any) -> bool:
    number = _int(scenario_id)
    return covers_scenario(scope, session, session.get(Scenario, number) if number is not None else None)


def _run(scope: Scope, session: Session, run_id: Any) -> bool:
    number = _int(run_id)
    scenario_id = session.exec(select(SolveRun.scenario_id).where(SolveRun.id == number)).first() \
        if number is not None else None
    return scenario_id is not None and _scenario(scope, session, scenario_id)


def report_covers(session: Session, kind: str, params: dict) -> dict:
    """What a report covers, for jurisdiction: {"units": [ids], "need": "all" | "any"}, or
    {"province": True} for the whole province. Kept in the job's payload when it is made.
    A dossier is of the units where the cadre holds a post (any of them); a decision report
    of the scenario's units in play (all of them); any other report of its unit."""
    if kind == "dossier":
        ids = session.exec(select(Posting.unit_id).join(Cadre, Cadre.id == Posting.cadre_id).where(
            Cadre.code == str(params.get("cadre") or ""), Posting.end_date.is_(None), Posting.withdrawn_at.is_(None))).all()
        return {"units": sorted(set(ids)), "need": "any"}
    if kind == "scenario-decision":
        number = _int(params.get("scenario"))
        scenario = session.get(Scenario, number) if number is not None else None
        codes = list((scenario.settings or {}).get("unit_codes") or []) if scenario is not None else []
        if not codes:
            return {"province": True}
        ids = session.exec(select(Unit.id).where(Unit.code.in_(codes))).all()
        return {"units": sorted(ids), "need": "all"}
    if params.get("pool"):          # a pool's procedure papers: the unit of the pool's title
        pool_id = _int(params.get("pool"))
        unit_id = session.exec(select(Title.unit_id).join(Pool, Pool.title_id == Title.id).where(Pool.id == pool_id)).first()
        return {"units": [unit_id] if unit_id is not None else [], "need": "all"}
    code = params.get("unit")
    unit_id = session.exec(select(Unit.id).where(Unit.code == str(code))).first() if code else None
    return {"units": [unit_id], "need": "all"} if unit_id is not None else {"province": True}


def covers_job(scope: Scope, session: Session, job: Job | None) -> bool:
    """A report job the user may see: theirs (or their role may act on others'), and of
    units in scope (a job made before it kept what it covers: worked out from its parameters)."""
    if job is None or job.kind != "report" or not scope.owns(job):
        return False
    if scope.province_wide:
        return True
    payload = job.payload or {}
    covered = payload.get("scope")
    if covered is None:
        covered = report_covers(session, payload.get("kind", ""), payload.get("params") or {})
    return scope.covers_report(covered)


def _report_job(scope: Scope, session: Session, job_id: Any) -> bool:
    return covers_job(scope, session, session.get(Job, str(job_id)))


def _user(scope: Scope, session: Session, user_id: Any) -> bool:
    number = _int(user_id)
    user = session.get(User, number) if number is not None else None
    return user is not None and (scope.province_wide or scope.covers(user.scope_unit_id))


VISIBLE: dict[str, Callable[[Scope, Session, Any], bool]] = {
    "cadre": _cadre, "unit": _unit, "pool": _pool, "pool_entry": _pool_entry, "scenario": _scenario,
    "run": _run, "report_job": _report_job, "user": _user,
}
