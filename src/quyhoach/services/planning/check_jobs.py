"""The whole-province (or whole-country) check as a spread job: every pool judged, the pools
split into parts by unit subtree — one per province in a national installation, the
subtrees under the province otherwise — so that any number of `quyhoach worker` processes
share the work (services.platform.jobs.submit_spread). Each part judges the pools of its
units with the same `judging.judge_pool` the pages and `quyhoach check` use, on the facts of
its own pools alone (`world.build_part`: the build is split as well as the judging), stores
their verdicts (services.planning.verdicts: pools not touched since they were stored are read,
not judged) and returns the stored rows in short; the spread job's result combines them.
docs/benchmarks.md § Scale says what that means for the scaling.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlmodel import Session, select

from quyhoach.db.models import Pool, Title, Unit
from quyhoach.services.planning import verdicts, world as world_service
from quyhoach.services.platform import jobs, stamp

KIND = "planning.check"
WORST = 50  # pools kept in the combined result, worst first (the order of judging.judge_all)


def _pieces(units: list[Unit], weight_of: Counter[int], parts: int) -> list[tuple[int, int, set[int]]]:
    """(pools, top unit, the ids of its subtree): the subtrees under the root (one per province
    in a national installation, whose provinces are roots or the children of one central root),
    the roots each alone; then, while a piece weighs more than a part's fair share or there are
    fewer pieces than parts, the heaviest split into its top unit alone and the subtree of each
    of its children. Every unit in exactly one piece."""
    children: dict[int | None, list[int]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit.id)
    for ids in children.values():
        ids.sort()

    def below(unit_id: int) -> set[int]:
        out, stack = set(), [unit_id]
        while stack:
            current = stack.pop()
            out.add(current)
            stack.extend(children.get(current, []))
        return out

    def piece(top: int, tree: set[int]) -> tuple[int, int, set[int]]:
        return (sum(weight_of[u] for u in tree), top, tree)

    roots = children.get(None, [])
    if len(roots) > 1:
        pieces = [piece(root, below(root)) for root in roots]
    else:
        pieces = [piece(root, {root}) for root in roots]
        pieces.extend(piece(child, below(child)) for root in roots for child in children.get(root, []))
    fair = sum(p[0] for p in pieces) / max(parts, 1)
    final: list[tuple[int, int, set[int]]] = []
    heap = [(-w, top, tree) for w, top, tree in pieces]
    heapq.heapify(heap)
    while heap:
        w, top, tree = heapq.heappop(heap)
        if (-w > fair or len(heap) + len(final) + 1 < parts) and children.get(top) and len(tree) > 1:
            heapq.heappush(heap, (-weight_of[top], top, {top}))
            for child in children[top]:
                sub = below(child)
                heapq.heappush(heap, (-sum(weight_of[u] for u in sub), child, sub))
            continue
        final.append((-w, top, tree))
    return final


def split(session: Session, parts: int) -> list[dict[str, Any]]:
    """At most `parts` payloads, each a list of unit ids, balanced by the number of pools
    (pieces of subtrees, `_pieces`; the heaviest first, each to the lightest part): every unit
    in exactly one."""
    units = list(session.exec(select(Unit)).all())
    pools_per_unit = Counter(session.exec(select(Title.unit_id).join(Pool, Pool.title_id == Title.id)).all())
    trees = sorted(_pieces(units, pools_per_unit, parts), key=lambda t: (-t[0], t[1]))
    buckets: list[tuple[int, list[int]]] = [(0, []) for _ in range(max(1, min(parts, len(trees))))]
    for weight, _top, tree in trees:
        lightest = min(range(len(buckets)), key=lambda i: (buckets[i][0], i))
        load, ids = buckets[lightest]
        buckets[lightest] = (load + weight, ids + sorted(tree))
    return [{"units": sorted(ids)} for load, ids in buckets if ids]


def submit(session: Session, runner, parts: int, on: dt.date | None = None, *, owner: str | None = None):
    """Queue the whole check split into `parts` (the caller commits)."""
    on = on or dt.date.today()
    payloads = [{**p, "on": on.isoformat()} for p in split(session, parts)]
    return jobs.submit_spread(session, runner, KIND, payloads, f"Kiểm tra toàn bộ quy hoạch ({len(payloads)} phần)",
                              owner=owner, payload={"on": on.isoformat()})


def summary(verdict: verdicts.Verdict) -> dict[str, Any]:
    """A stored verdict as a line of the combined result."""
    row, title = verdict.row, verdict.title
    return {"pool": verdict.key, "title": title.name, "title_code": title.code, "rank": title.rank,
            "members": row.members, "failing_members": row.failing_members,
            "structure_failures": row.structure_failures, "severity": row.severity,
            "rules": dict(Counter(f["rule"] for f in row.findings))}


def check_part(ctx: jobs.JobContext) -> dict[str, Any]:
    """One part: the verdicts of the pools whose title sits in the part's units, brought up to
    date on the facts of those pools alone (judged again only where the change log says they
    were touched since stored, all of them when nothing is stored for the date), then read and
    summed up: the part's totals and its own worst pools (the worst of the whole are among the
    worst of its parts), not a line per pool."""
    on = dt.date.fromisoformat(ctx.payload["on"])
    units = set(ctx.payload["units"])
    # no progress of its own: a part takes a fraction of a second, each progress is a commit, and
    # the spread job says how many parts are done
    with Session(ctx.engine) as session:
        done = verdicts.refresh_and_commit(session, on, unit_ids=units, org=_organisation(session, ctx.engine))
        # the part's own verdicts read by pool id in the query (by unit, every verdict of the date
        # was read and filtered here: each part read the whole country's)
        pool_ids = session.exec(select(Pool.id).join(Title, Title.id == Pool.title_id)
                                .where(Title.unit_id.in_(sorted(units)))).all()  # type: ignore[attr-defined]
        rows = [summary(v) for v in verdicts.stored(session, on, pool_ids=pool_ids)] if pool_ids else []
    return {**_totals(rows), "parts": 1, "units": len(units), "judged": done.judged}


_ORGANISATIONS: dict[str, tuple[int, Any]] = {}


def _organisation(session: Session, engine) -> tuple[int, Callable[[], Any]]:
    """(the current data stamp, a function giving the organisation — a country's 5,000 units and
    24,000 titles, about a second to read — at that stamp, read when first asked for and kept
    for the process): a worker that runs parts in its own process (`quyhoach worker
    --no-fork`) reads it once for all the parts it takes, not once a part; a part that only
    reads stored verdicts does not read it. `verdicts.refresh` uses it only at that stamp."""
    now = stamp.current(session)
    key = str(engine.url)

    def read() -> Any:
        held = _ORGANISATIONS.get(key)
        if held is None or held[0] != now:
            held = _ORGANISATIONS[key] = (now, world_service.organisation(session))
        return held[1]

    return now, read


def _order(row: dict[str, Any]) -> tuple:
    return (-row["severity"], -row["rank"], row["title_code"], row["pool"])   # as judging.worst_first


def _totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    rules: Counter[str] = Counter()
    for row in rows:
        rules.update(row["rules"])
    return {
        "pools": len(rows), "members": sum(r["members"] for r in rows),
        "pools_failing": sum(1 for r in rows if r["failing_members"] or r["structure_failures"]),
        "failing_members": sum(r["failing_members"] for r in rows),
        "failures_by_rule": dict(sorted(rules.items())), "worst": heapq.nsmallest(WORST, rows, key=_order),
    }


def combine(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The parts' summaries as one: totals, failures by rule, the worst pools."""
    rules: Counter[str] = Counter()
    for result in results:
        rules.update(result.get("failures_by_rule", {}))
    return {
        "parts": len(results), "pools": sum(r.get("pools", 0) for r in results),
        "judged": sum(r.get("judged", 0) for r in results),
        "members": sum(r.get("members", 0) for r in results),
        "pools_failing": sum(r.get("pools_failing", 0) for r in results),
        "failing_members": sum(r.get("failing_members", 0) for r in results),
        "failures_by_rule": dict(sorted(rules.items())),
        "worst": heapq.nsmallest(WORST, (row for r in results for row in r.get("worst", [])), key=_order),
    }
