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
from collections import Counter
from typing import Any

from sqlmodel import Session, select

from quyhoach.db.models import Pool, Title, Unit
from quyhoach.services.planning import verdicts
from quyhoach.services.platform import jobs

KIND = "planning.check"
WORST = 50  # pools kept in the combined result, worst first (the order of judging.judge_all)


def _subtrees(units: list[Unit]) -> list[tuple[int, set[int]]]:
    """(top unit, the ids of its subtree) for each unit whose parent is a root; the roots
    themselves, each alone. A national installation has one root per province."""
    children: dict[int | None, list[int]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit.id)

    def below(unit_id: int) -> set[int]:
        out, stack = set(), [unit_id]
        while stack:
            current = stack.pop()
            out.add(current)
            stack.extend(children.get(current, []))
        return out

    roots = sorted(children.get(None, []))
    if len(roots) > 1:  # several provinces: one subtree each
        return [(root, below(root)) for root in roots]
    out = [(root, {root}) for root in roots]
    for root in roots:
        out.extend((child, below(child)) for child in sorted(children.get(root, [])))
    return out


def split(session: Session, parts: int) -> list[dict[str, Any]]:
    """At most `parts` payloads, each a list of unit ids, balanced by the number of pools
    (the largest subtrees first, each to the lightest part): every unit in exactly one."""
    units = list(session.exec(select(Unit)).all())
    pools_per_unit = Counter(session.exec(select(Title.unit_id).join(Pool, Pool.title_id == Title.id)).all())
    trees = [(sum(pools_per_unit[u] for u in tree), top, tree) for top, tree in _subtrees(units)]
    trees.sort(key=lambda t: (-t[0], t[1]))
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
    were touched since stored, all of them when nothing is stored for the date), then read."""
    on = dt.date.fromisoformat(ctx.payload["on"])
    units = set(ctx.payload["units"])
    ctx.progress(0.0, "đang xét các danh sách của phần này", force=True)
    with Session(ctx.engine) as session:
        done = verdicts.refresh_and_commit(session, on, unit_ids=units)
        rows = [summary(v) for v in verdicts.stored(session, on, unit_ids=units)]
    ctx.progress(1.0, f"đã xét {done.judged}/{len(rows)} danh sách", force=True)
    return {"pools": rows, "units": len(units), "judged": done.judged}


def combine(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The parts' summaries as one: totals, failures by rule, the worst pools."""
    rows = [row for result in results for row in result.get("pools", [])]
    rules: Counter[str] = Counter()
    for row in rows:
        rules.update(row["rules"])
    rows.sort(key=lambda r: (-r["severity"], -r["rank"], r["title_code"], r["pool"]))  # as judging.judge_all
    return {
        "parts": len(results), "pools": len(rows), "judged": sum(r.get("judged", 0) for r in results),
        "members": sum(r["members"] for r in rows),
        "pools_failing": sum(1 for r in rows if r["failing_members"] or r["structure_failures"]),
        "failing_members": sum(r["failing_members"] for r in rows),
        "failures_by_rule": dict(sorted(rules.items())), "worst": rows[:WORST],
    }
