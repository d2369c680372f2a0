"""A national rotation problem solved by decomposition: per province, then the centre.

`solve_decomposed(problem, options, central_levels=("tw",))` (also `Options(method="decompose")`
through `solve`). The units whose level is in `central_levels` are the centre; what is left falls
apart into independent blocks (the provinces: connected by their candidates, level-wide targets
and holders). The only coupling is the *linking cadres*: cadres of a block who are candidates for
a central post. The algorithm and the argument that the bound is one are in solver/README.md,
"National rotation by decomposition". In short, with prices λ (0 here):

- each block is solved with, for each of its linking cadres, a private "exit" post (its own unit,
  no requirement, the cadre's rank, a transfer) standing for "goes to the centre";
- the centre is solved with the linking cadres as outsiders (not holding their posts), their
  central candidates' development raised by the move and baseline weights (counted once, in the
  block, on the exit move);
- the sum of the certified bounds of these relaxed parts bounds the whole problem: a plan of the
  whole problem gives each part a plan of the same total value;
- the plan: the centre's choice is kept; the blocks whose linking cadres it took are solved again
  with those cadres pinned to their exit post and the other exits removed (a block that then has
  no plan keeps its cadres at home: the centre is solved again without them);
- the whole plan is evaluated on the whole problem by the engine's own code (terms, moves, chains,
  structure), so the independent checker can read it as any other plan.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np

from .engine import gap_of
from .explain import build_moves, evaluate, structure_figures, vacancy_chains
from .instance import compile_problem
from .model import Assignment, Candidate, Options, Plan, Post, Problem, Unit

EXIT = "__to_central__:"


class NotDecomposable(ValueError):
    """The problem has a coupling the decomposition does not relax (said which)."""


@dataclass
class Split:
    """The whole problem cut into blocks and the centre."""

    blocks: list[Problem]
    centre: Problem
    linking: dict[str, int] = field(default_factory=dict)    # linking cadre -> its block


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb


def split_problem(problem: Problem, central_levels: Iterable[str] = ("tw",), block_posts: int = 1500) -> Split:
    """Cut the problem into independent blocks and the centre (see the module's docstring)."""
    central = set(central_levels)
    unit_of = {u.id: u for u in problem.units}
    post_of = {p.id: p for p in problem.posts}
    central_units = {u.id for u in problem.units if u.level in central}
    is_central = {p.id: p.unit in central_units for p in problem.posts}
    held = {p.holder: p.id for p in problem.posts if p.holder}
    uf = _Union()

    def node(cadre: str) -> str:
        return f"u:{post_of[held[cadre]].unit}" if cadre in held else f"c:{cadre}"

    for c in problem.cadres:
        if c.id in held and is_central[held[c.id]]:
            continue
        uf.find(node(c.id))
    for cand in problem.candidates:
        if is_central[cand.post]:
            continue
        if cand.cadre in held and is_central[held[cand.cadre]]:
            raise NotDecomposable(f"central cadre {cand.cadre} is a candidate for {cand.post} outside the centre")
        uf.union(node(cand.cadre), f"u:{post_of[cand.post].unit}")
    for u in problem.units:
        if u.id not in central_units:
            uf.union(f"u:{u.id}", f"l:{u.level}")
    for t in problem.targets:
        levels = {unit_of[t.unit].level} if t.unit else {t.level}
        if levels & central and levels - central:
            raise NotDecomposable(f"target {t.id} spans the centre and the provinces")
    # components with posts become blocks, packed to about block_posts posts each
    comp_posts: dict[str, list[Post]] = {}
    for p in problem.posts:
        if not is_central[p.id]:
            comp_posts.setdefault(uf.find(f"u:{p.unit}"), []).append(p)
    block_of_comp: dict[str, int] = {}
    sizes: list[int] = []
    for comp, ps in comp_posts.items():
        if not sizes or sizes[-1] >= block_posts:
            sizes.append(0)
        block_of_comp[comp] = len(sizes) - 1
        sizes[-1] += len(ps)
    n_blocks = len(sizes)
    block_units: list[set[str]] = [set() for _ in range(n_blocks)]
    for comp, ps in comp_posts.items():
        block_units[block_of_comp[comp]].update(p.unit for p in ps)

    def block_of_cadre(cadre: str) -> int | None:
        if cadre in held and is_central[held[cadre]]:
            return None
        return block_of_comp.get(uf.find(node(cadre)))

    cadre_block = {c.id: block_of_cadre(c.id) for c in problem.cadres}
    linking = {cand.cadre: b for cand in problem.candidates
               if is_central[cand.post] and (b := cadre_block[cand.cadre]) is not None}
    for a in problem.baseline:
        if a.post is not None and is_central[a.post] and a.cadre in linking:
            raise NotDecomposable(f"the baseline moves {a.cadre} of a province to the central post {a.post}")

    blocks = [_block(problem, k, block_units[k], cadre_block, linking, is_central) for k in range(n_blocks)]
    centre = _centre(problem, central_units, cadre_block, linking, is_central)
    return Split(blocks=blocks, centre=centre, linking=linking)


def _block(problem: Problem, k: int, units: set[str], cadre_block: dict[str, int | None], linking: dict[str, int],
           is_central: dict[str, bool]) -> Problem:
    cadres = {c.id for c in problem.cadres if cadre_block[c.id] == k}
    mine = [c for c in linking if linking[c] == k]
    exit_units = [Unit(id=f"{EXIT}{c}", level=EXIT, locality=None) for c in mine]
    rank = {c.id: c.rank for c in problem.cadres}
    exit_posts = [Post(id=f"{EXIT}{c}", unit=f"{EXIT}{c}", rank=rank[c]) for c in mine]
    exit_cands = [Candidate(cadre=c, post=f"{EXIT}{c}", kind="transfer") for c in mine]
    pinned = [a for a in problem.pinned if a.cadre in cadres and (a.post is None or not is_central[a.post])]
    pinned += [Assignment(cadre=a.cadre, post=f"{EXIT}{a.cadre}") for a in problem.pinned
               if a.cadre in cadres and a.post is not None and is_central[a.post]]
    return replace(
        problem, id=f"{problem.id}/block{k}",
        units=[u for u in problem.units if u.id in units] + exit_units,
        posts=[p for p in problem.posts if p.unit in units] + exit_posts,
        cadres=[c for c in problem.cadres if c.id in cadres],
        candidates=[c for c in problem.candidates if c.cadre in cadres and not is_central[c.post]] + exit_cands,
        relations=[r for r in problem.relations if r.a in cadres and r.b in cadres],
        targets=[t for t in problem.targets if (t.unit in units if t.unit else any(
            u.level == t.level for u in problem.units if u.id in units))],
        pinned=pinned,
        forbidden=[a for a in problem.forbidden if a.cadre in cadres and (a.post is None or not is_central[a.post])],
        baseline=[a for a in problem.baseline if a.cadre in cadres],
    )


def _centre(problem: Problem, central_units: set[str], cadre_block: dict[str, int | None], linking: dict[str, int],
            is_central: dict[str, bool]) -> Problem:
    w = problem.weights
    extra = w.moves + w.baseline
    if extra and (w.development == 0 or extra % w.development):
        raise NotDecomposable("the weights of moves and baseline are not a multiple of the development weight")
    raise_dev = extra // w.development if w.development else 0
    posts = [p for p in problem.posts if p.unit in central_units]
    cadres = []
    for c in problem.cadres:
        if c.id in linking:
            # an outsider here: the block keeps their post, their fit there, their head terms
            cadres.append(replace(c, current_fit=0, head_unit=None, head_terms=0))
        elif cadre_block[c.id] is None:      # central holders, central pool, cadres of no block
            cadres.append(c)
    ids = {c.id for c in cadres}
    candidates = [replace(cand, development=cand.development + (raise_dev if cand.cadre in linking else 0))
                  for cand in problem.candidates if is_central[cand.post] and cand.cadre in ids]
    return replace(
        problem, id=f"{problem.id}/centre",
        units=[u for u in problem.units if u.id in central_units], posts=posts, cadres=cadres,
        candidates=candidates,
        relations=[r for r in problem.relations if r.a in ids and r.b in ids],
        targets=[t for t in problem.targets if (t.unit in central_units if t.unit else any(
            u.level == t.level for u in problem.units if u.id in central_units))],
        pinned=[a for a in problem.pinned if a.cadre in ids and (a.cadre not in linking or a.post is not None)],
        forbidden=[a for a in problem.forbidden if a.cadre in ids and a.cadre not in linking],
        baseline=[a for a in problem.baseline if a.cadre in ids and a.cadre not in linking],
    )


def _solve_one(args: tuple[Problem, float, float, int]) -> Plan:
    from .engine import solve
    problem, time_limit, relative_gap, workers = args
    return solve(problem, Options(time_limit=max(0.05, time_limit), relative_gap=relative_gap, workers=workers,
                                  diagnose=False))


def _solve_all(problems: list[Problem], time_limit: float, relative_gap: float, processes: int) -> list[Plan]:
    jobs = [(p, time_limit, relative_gap, 1 if processes > 1 else 2) for p in problems]
    if processes <= 1 or len(jobs) <= 1:
        return [_solve_one(j) for j in jobs]
    with ProcessPoolExecutor(max_workers=min(processes, len(jobs))) as pool:
        return list(pool.map(_solve_one, jobs, chunksize=1))


def _exits_taken(plan: Plan) -> set[str]:
    return {m.cadre for m in plan.moves if m.to_post.startswith(EXIT)}


def _restrict(block: Problem, going: set[str]) -> Problem:
    """The block with only the exits of the cadres the centre took, pinned."""
    keep = [p for p in block.posts if not p.id.startswith(EXIT) or p.id[len(EXIT):] in going]
    ids = {p.id for p in keep}
    return replace(block, units=[u for u in block.units if not u.id.startswith(EXIT) or u.id in ids], posts=keep,
                   candidates=[c for c in block.candidates if c.post in ids],
                   pinned=block.pinned + [Assignment(cadre=c, post=f"{EXIT}{c}") for c in sorted(going)
                                          if not any(a.cadre == c for a in block.pinned)])


def solve_decomposed(problem: Problem, options: Options | None = None, central_levels: Iterable[str] = ("tw",),
                     processes: int = 2) -> Plan:
    """Solve a national problem by decomposition; the bound is certified for the whole."""
    options = options or Options()
    started = time.perf_counter()
    phases: dict[str, float] = {}

    def timed(name: str, since: float) -> float:
        now = time.perf_counter()
        phases[name] = round(phases.get(name, 0.0) + now - since, 4)
        return now

    try:
        split = split_problem(problem, central_levels)
    except NotDecomposable as exc:
        from .engine import solve
        plan = solve(problem, replace(options, method="auto"))
        plan.warnings.append(f"Không tách được theo tỉnh ({exc}); đã giải cả bài toán.")
        return plan
    t = timed("split", started)
    gap = options.relative_gap / 2
    budget = max(0.5, options.time_limit - (time.perf_counter() - started)) * 0.45
    parts = _solve_all(split.blocks + [split.centre], budget, gap, processes)
    t = timed("relaxed", t)
    relaxed_blocks, centre_plan = parts[:-1], parts[-1]
    bounds = [p.bound for p in parts]
    bound = None if any(b is None for b in bounds) else sum(b for b in bounds if b is not None)
    if not all(p.ok for p in parts):
        return Plan(status="infeasible" if any(p.status == "infeasible" for p in parts) else "unknown", bound=bound,
                    time=time.perf_counter() - started, warnings=[w for p in parts for w in p.warnings],
                    stats={"phases": phases, "blocks": len(split.blocks)})
    final_blocks = list(relaxed_blocks)
    centre = split.centre
    for _ in range(3):
        going = {m.cadre for m in centre_plan.moves if m.cadre in split.linking}
        redo = [k for k, plan in enumerate(relaxed_blocks)
                if _exits_taken(plan) != {c for c in going if split.linking[c] == k}]
        left = max(0.2, options.time_limit - (time.perf_counter() - started)) * 0.8
        again = _solve_all([_restrict(split.blocks[k], {c for c in going if split.linking[c] == k}) for k in redo],
                           left, gap, processes)
        failed = {k for k, plan in zip(redo, again, strict=True) if not plan.ok}
        for k, plan in zip(redo, again, strict=True):
            final_blocks[k] = plan
        if not failed:
            break
        # the blocks that cannot let those cadres go keep them: the centre without them
        centre = replace(centre, candidates=[c for c in centre.candidates if split.linking.get(c.cadre) not in failed])
        centre_plan = _solve_one((centre, left, gap, 2))
        if not centre_plan.ok:
            break
    t = timed("plan_blocks", t)
    plan = _combine(problem, final_blocks, centre_plan, bound)
    timed("combine", t)
    plan.time = time.perf_counter() - started
    plan.stats = {"phases": phases, "blocks": len(split.blocks), "linking_cadres": len(split.linking),
                  "block_bounds": bounds, "resolved_blocks": sum(1 for a, b in zip(relaxed_blocks, final_blocks,
                                                                                  strict=True) if a is not b)}
    return plan


def _combine(problem: Problem, blocks: list[Plan], centre: Plan, bound: int | None) -> Plan:
    """The whole plan from the parts' moves, evaluated on the whole problem."""
    inst = compile_problem(problem)
    target: dict[str, str] = {}
    for part in blocks + [centre]:
        for m in part.moves:
            if not m.to_post.startswith(EXIT):
                target[m.cadre] = m.to_post
    chosen = inst.stay_option.copy()
    key = inst.opt_cadre.astype(np.int64) * (inst.n_posts + 1) + inst.opt_post
    order = np.argsort(key)
    for cadre, post in target.items():
        i, j = inst.cadre_index[cadre], inst.post_index[post]
        pos = int(np.searchsorted(key, i * (inst.n_posts + 1) + j, sorter=order))
        if pos >= len(order) or key[order[pos]] != i * (inst.n_posts + 1) + j:
            raise AssertionError(f"no option for {cadre} -> {post}")
        chosen[i] = order[pos]
    ev = evaluate(inst, chosen)
    moves = build_moves(inst, chosen)
    names = {p.id: (p.name or p.id) for p in problem.posts}
    names.update({c.id: (c.name or c.id) for c in problem.cadres})
    ok = ev.feasible and bound is not None and ev.objective <= bound
    status = "optimal" if ok and ev.objective == bound else ("feasible" if ev.feasible else "unknown")
    return Plan(status=status, objective=ev.objective, bound=bound if ok else None,
                gap=gap_of(ev.objective, bound) if ok else None, terms=ev.terms, moves=moves,
                chains=vacancy_chains(moves, names), structure=structure_figures(inst, chosen),
                warnings=[] if ev.feasible else ["Phương án ghép không giữ mọi điều kiện bắt buộc."])


__all__ = ["NotDecomposable", "Split", "solve_decomposed", "split_problem"]
