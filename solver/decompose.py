"""A national rotation problem solved by decomposition: per province, then the centre.

`solve_decomposed(problem, options, central_levels=("tw",))` (and `quyhoach solve --method
decompose`). The units whose level is in `central_levels` are the centre; what is left falls
apart into independent blocks (the provinces: connected by their candidates, level-wide targets
and holders). The only coupling is the *linking cadres*: cadres of a block who are candidates for
a central post. The algorithm and the argument that the bound is one are in solver/README.md,
"National rotation by decomposition". In short, with prices λ:

- each block is solved with, for each of its linking cadres, a private "exit" post (its own unit,
  no requirement, the cadre's rank, a transfer) standing for "goes to the centre", earning λ_c;
  a cadre none of whose central moves is eligible is no linking cadre (no exit);
- the centre is solved with the linking cadres as outsiders (not holding their posts), their
  central candidates' development raised by the move and baseline weights (counted once, in the
  block, on the exit move) and lowered by λ_c;
- the sum of the certified bounds of these relaxed parts bounds the whole problem: a plan of the
  whole problem gives each part a plan of the same total value;
- the first λ_c is what c's block loses without c (solver/decompose_parts.py, on the block's flow
  relaxation), so the centre takes a cadre only when worth more there than at home;
- the plan: the relaxed blocks as they are, the centre choosing among the cadres they let go; the
  blocks whose cadres it does not take are solved again with the taken ones pinned to their exit
  (a block that then has no plan keeps its cadres at home: the centre is solved again without them);
- the whole plan is evaluated on the whole problem by the engine's own code (terms, moves, chains,
  structure), so the independent checker can read it as any other plan.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .engine import gap_of
from .explain import build_moves, evaluate, structure_figures, vacancy_chains
from .instance import compile_problem
from .eligibility import discipline_active
from .decompose_parts import EXIT, Compiled, pool_map, prepare_all, solve_instance
from .model import Assignment, Cadre, Candidate, Options, Plan, Post, Problem, Progress, Rules, Unit

#: the points more a cadre the centre takes is priced in a round (see _Decomposition.round)
NUDGE = 2
#: the least time of a part whose plan the round needs (see _Decomposition.per_part)
FLOOR = 15.0
#: what the centre is paid for each cadre it takes of those the relaxed blocks let go (development points)
BONUS = 200


class NotDecomposable(ValueError):
    """The problem has a coupling the decomposition does not relax (said which)."""


@dataclass
class Split:
    """The whole problem cut into blocks and the centre."""

    blocks: list[Problem]
    centre: Problem
    linking: dict[str, int] = field(default_factory=dict)    # linking cadre -> its block


def split_problem(problem: Problem, central_levels: Iterable[str] = ("tw",), block_posts: int = 1500) -> Split:
    """Cut the problem into independent blocks and the centre (see the module's docstring)."""
    central = set(central_levels)
    central_units = {u.id for u in problem.units if u.level in central}
    is_central = {p.id: p.unit in central_units for p in problem.posts}
    unit_comp, cadre_comp = _components(problem, is_central)
    # components with posts become blocks, packed to about block_posts posts each
    comp_posts: dict[int, list[Post]] = {}
    for p in problem.posts:
        if not is_central[p.id]:
            comp_posts.setdefault(unit_comp[p.unit], []).append(p)
    block_of_comp: dict[int, int] = {}
    block_units: list[set[str]] = []
    size = block_posts
    for comp, ps in comp_posts.items():
        if size >= block_posts:
            block_units.append(set())
            size = 0
        block_of_comp[comp] = len(block_units) - 1
        block_units[-1].update(p.unit for p in ps)
        size += len(ps)
    cadre_block = {c: None if k is None else block_of_comp.get(k) for c, k in cadre_comp.items()}
    linking = {cand.cadre: b for cand in problem.candidates
               if is_central[cand.post] and (b := cadre_block[cand.cadre]) is not None}
    for a in problem.baseline:
        if a.post is not None and is_central[a.post] and a.cadre in linking:
            raise NotDecomposable(f"the baseline moves {a.cadre} of a province to the central post {a.post}")
    levels = {u.level for u in problem.units if u.id in central_units}
    centre = _centre(problem, central_units, levels, cadre_block, linking, is_central)
    # a cadre none of whose central moves is eligible (or who is pinned at home) never goes to the
    # centre: no exit for them, and the centre does not see them (a tighter relaxation, the same problem)
    reachable = _reachable(centre, set(linking))
    drop = set(linking) - reachable
    if drop:
        linking = {c: b for c, b in linking.items() if c not in drop}
        centre = replace(centre, cadres=[c for c in centre.cadres if c.id not in drop],
                         candidates=[c for c in centre.candidates if c.cadre not in drop],
                         relations=[r for r in centre.relations if r.a not in drop and r.b not in drop],
                         pinned=[a for a in centre.pinned if a.cadre not in drop],
                         forbidden=[a for a in centre.forbidden if a.cadre not in drop])
    blocks = _blocks(problem, block_units, cadre_block, linking, is_central)
    return Split(blocks=blocks, centre=centre, linking=linking)


def _reachable(centre: Problem, linking: set[str]) -> set[str]:
    """The cadres with an eligible move in the centre. Judged on the centre's copy of a linking
    cadre, whose changes (no fit for staying, no head terms at home) can only make a move eligible.
    A centre that does not compile keeps every linking cadre (its solve will say what is wrong)."""
    try:
        inst = compile_problem(centre)
    except (KeyError, ValueError, TypeError):
        return linking
    moves = inst.opt_cadre[inst.active & inst.opt_move]
    return {inst.cadre_ids[i] for i in np.unique(moves)}


def _components(problem: Problem, is_central: dict[str, bool]) -> tuple[dict[str, int], dict[str, int | None]]:
    """Units and cadres joined by candidates outside the centre, holders and level-wide targets:
    the component of each unit and of each cadre (None for the centre's holders). A cadre's node is
    the unit of the post they hold, else their own."""
    unit_id: dict[str, int] = {}
    for u in problem.units:
        unit_id.setdefault(u.id, len(unit_id))
    for p in problem.posts:
        unit_id.setdefault(p.unit, len(unit_id))
    post_unit = {p.id: unit_id[p.unit] for p in problem.posts}
    held = {p.holder: p.id for p in problem.posts if p.holder}
    n_units = len(unit_id)
    cadre_node: dict[str, int | None] = {}
    for k, c in enumerate(problem.cadres):
        post = held.get(c.id)
        cadre_node[c.id] = n_units + k if post is None else (None if is_central[post] else post_unit[post])
    central_units = {unit_id[p.unit] for p in problem.posts if is_central[p.id]}
    levels = {level: k for k, level in enumerate({u.level for u in problem.units})}
    tails: list[int] = []
    heads: list[int] = []
    for cand in problem.candidates:
        if is_central[cand.post]:
            continue
        here = cadre_node[cand.cadre]
        if here is None:
            raise NotDecomposable(f"central cadre {cand.cadre} is a candidate for {cand.post} outside the centre")
        tails.append(here)
        heads.append(post_unit[cand.post])
    base = n_units + len(problem.cadres)
    for u in problem.units:
        if unit_id[u.id] not in central_units:
            tails.append(unit_id[u.id])
            heads.append(base + levels[u.level])
    n = base + len(levels)
    graph = sp.coo_matrix((np.ones(len(tails), dtype=np.int8), (tails, heads)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    labels = label.tolist()
    return ({u: labels[k] for u, k in unit_id.items()},
            {c: None if k is None else labels[k] for c, k in cadre_node.items()})


def _blocks(problem: Problem, block_units: list[set[str]], cadre_block: dict[str, int | None],
            linking: dict[str, int], is_central: dict[str, bool]) -> list[Problem]:
    """Every block's problem, each list of the whole read once."""
    n = len(block_units)
    unit_block = {u: k for k, units in enumerate(block_units) for u in units}
    level_block = {u.level: unit_block[u.id] for u in problem.units if u.id in unit_block}
    post_block = {p.id: unit_block.get(p.unit) for p in problem.posts}
    parts: list[dict[str, list[Any]]] = [
        {f: [] for f in ("units", "posts", "cadres", "candidates", "relations", "targets", "pinned", "forbidden",
                         "baseline")} for _ in range(n)]

    def put(field_name: str, k: int | None, item: object) -> None:
        if k is not None:
            parts[k][field_name].append(item)

    for u in problem.units:
        put("units", unit_block.get(u.id), u)
    for p in problem.posts:
        put("posts", post_block[p.id], p)
    for c in problem.cadres:
        put("cadres", cadre_block[c.id], c)
        if c.id in linking:                 # the exit: "goes to the centre"
            k = linking[c.id]
            parts[k]["units"].append(Unit(id=f"{EXIT}{c.id}", level=EXIT, locality=None))
            parts[k]["posts"].append(Post(id=f"{EXIT}{c.id}", unit=f"{EXIT}{c.id}", rank=c.rank))
            parts[k]["candidates"].append(Candidate(cadre=c.id, post=f"{EXIT}{c.id}",
                                                    kind=_exit_kind(c, problem.rules)))
    for cand in problem.candidates:
        if not is_central[cand.post]:
            put("candidates", cadre_block[cand.cadre], cand)
    for r in problem.relations:
        if cadre_block.get(r.a) is not None and cadre_block.get(r.a) == cadre_block.get(r.b):
            put("relations", cadre_block[r.a], r)
    for t in problem.targets:
        put("targets", unit_block.get(t.unit) if t.unit else (level_block.get(t.level) if t.level else None), t)
    _assignments(problem, put, cadre_block, is_central)
    return [replace(problem, id=f"{problem.id}/block{k}", units=part["units"], posts=part["posts"],
                    cadres=part["cadres"], candidates=part["candidates"], relations=part["relations"],
                    targets=part["targets"], pinned=part["pinned"], forbidden=part["forbidden"],
                    baseline=part["baseline"]) for k, part in enumerate(parts)]


def _assignments(problem: Problem, put: Callable[[str, int | None, object], None], cadre_block: dict[str, int | None],
                 is_central: dict[str, bool]) -> None:
    """Pins, forbidden moves and the baseline to their blocks; a pin to the centre pins the exit."""
    for a in problem.pinned:
        to_centre = a.post is not None and is_central[a.post]
        put("pinned", cadre_block[a.cadre], Assignment(cadre=a.cadre, post=f"{EXIT}{a.cadre}") if to_centre else a)
    for a in problem.forbidden:
        if a.post is None or not is_central[a.post]:
            put("forbidden", cadre_block[a.cadre], a)
    for a in problem.baseline:
        put("baseline", cadre_block[a.cadre], a)


def _exit_kind(cadre: Cadre, rules: Rules) -> str:
    """The kind of the exit move: one that is eligible whenever some central move of the cadre is.
    A transfer to a post of the same rank with no requirement is judged by the fewest rules; only
    a discipline in force for "any" move stops it, and then only an appointment (judged by its own
    discipline verdict) could still go to the centre."""
    if rules.discipline_scope == "any" and discipline_active(cadre, rules, "transfer"):
        return "appointment"
    return "transfer"


def _centre(problem: Problem, central_units: set[str], central_levels: set[str], cadre_block: dict[str, int | None],
            linking: dict[str, int], is_central: dict[str, bool]) -> Problem:
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
        targets=[t for t in problem.targets if (t.unit in central_units if t.unit else t.level in central_levels)],
        # a linking cadre's pins and forbidden moves into the centre, and "stays" (then not to the centre)
        pinned=[a for a in problem.pinned if a.cadre in ids and (
            a.cadre not in linking or a.post is None or is_central[a.post])]
        + [Assignment(cadre=a.cadre, post=None) for a in problem.pinned      # pinned at home: not to the centre
           if a.cadre in linking and a.post is not None and not is_central[a.post]],
        forbidden=[a for a in problem.forbidden if a.cadre in ids and (
            a.cadre not in linking or (a.post is not None and is_central[a.post]))],
        baseline=[a for a in problem.baseline if a.cadre in ids and a.cadre not in linking],
    )


def _solve_one(args: tuple[Problem, float, float, int]) -> Plan:
    from .engine import solve
    problem, time_limit, relative_gap, workers = args
    return solve(problem, Options(time_limit=max(0.05, time_limit), relative_gap=relative_gap, workers=workers,
                                  diagnose=False))


def _stopped(options: Options) -> bool:
    stop = options.stop
    if stop is None:
        return False
    return stop.is_set() if isinstance(stop, threading.Event) else bool(stop())


def _exits_taken(plan: Plan) -> set[str]:
    return {m.cadre for m in plan.moves if m.to_post.startswith(EXIT)}


def priced(split: Split, prices: dict[str, int]) -> tuple[list[Problem], Problem]:
    """The parts under prices λ (in development points): the exit of cadre c earns λ_c in its block,
    each central candidate of c costs λ_c in the centre. In a plan of the whole problem c takes the
    exit exactly when c takes a central post, so the λ's cancel: every λ gives a bound."""
    if not prices:
        return split.blocks, split.centre
    blocks = [replace(b, candidates=[replace(c, development=prices.get(c.cadre, 0)) if c.post.startswith(EXIT) else c
                                     for c in b.candidates]) for b in split.blocks]
    return blocks, priced_centre(split.centre, prices)


def priced_centre(centre: Problem, prices: dict[str, int]) -> Problem:
    return replace(centre, candidates=[replace(c, development=c.development - prices[c.cadre]) if c.cadre in prices
                                       else c for c in centre.candidates])


def _relaxed_job(part: Compiled, args: tuple[dict[str, int], float, float, int]) -> Plan:
    prices, time_limit, gap, workers = args
    return solve_instance(part.priced(prices), time_limit, gap, workers)


def _restricted_job(part: Compiled, args: tuple[dict[str, int], set[str], float, float, int]) -> Plan:
    prices, going, time_limit, gap, workers = args
    return solve_instance(part.priced(prices, going), time_limit, gap, workers)


@dataclass
class _Round:
    bound: int | None
    parts: tuple[list[Plan], Plan] | None
    going: set[str]
    exits: set[str]
    prices: dict[str, int]
    objective: int | None = None


class _Decomposition:
    def __init__(self, problem: Problem, split: Split, options: Options, processes: int, started: float) -> None:
        self.problem, self.split, self.options, self.processes = problem, split, options, processes
        self.started = started
        self.gap = options.relative_gap / 2
        self.phases: dict[str, float] = {}
        self.resolved = 0
        self.warnings: list[str] = []
        self.compiled: list[Compiled] = []
        #: relaxed plans of each block by the prices of its linking cadres (a block whose prices
        #: did not move keeps its bound and plan)
        self.cache: dict[tuple[int, tuple[tuple[str, int], ...]], Plan] = {}
        self.workers = 1 if processes > 1 else 2

    def left(self) -> float:
        return self.options.time_limit - (time.perf_counter() - self.started)

    def per_part(self, share: float, parts: int, floor: float = 2.0) -> float:
        """Each part's limit: `share` of the time left, over the waves of `processes` parts, and at
        least `floor` seconds: a part stopped before its first plan leaves the whole without one, so
        the parts a plan needs get FLOOR s even past the limit (on a loaded machine a province of
        10,000 cadres takes 7-10 s instead of 3); the parts solve to their gap and stop earlier."""
        waves = -(-max(1, parts) // max(1, self.processes))
        return max(floor, max(0.0, self.left()) * share / waves)

    def timed(self, name: str, since: float) -> float:
        now = time.perf_counter()
        self.phases[name] = round(self.phases.get(name, 0.0) + now - since, 4)
        return now

    def prepare(self) -> dict[str, int]:
        """Compile the blocks once; the first prices: what each block loses without each linking cadre."""
        t = time.perf_counter()
        self.compiled = prepare_all(self.split.blocks, self.processes)
        self.timed("prepare", t)
        return {c: p for part in self.compiled for c, p in part.prices.items()}

    def centre(self, prices: dict[str, int], without: frozenset[int] | set[int] = frozenset(),
               only: set[str] | None = None) -> Plan:
        """The centre under `prices`; `without`: no cadre of those blocks; `only`: of the linking
        cadres, only those may come."""
        centre = priced_centre(self.split.centre, prices)
        linking = self.split.linking
        if without:
            centre = replace(centre, candidates=[c for c in centre.candidates if linking.get(c.cadre) not in without])
        if only is not None:
            centre = replace(centre, candidates=[c for c in centre.candidates if c.cadre not in linking or c.cadre in only])
        return _solve_one((centre, self.per_part(0.1, 1, FLOOR / 2), self.gap, 2))

    def relaxed(self, prices: dict[str, int], share: float, floor: float) -> list[Plan]:
        keys = [(k, tuple(sorted((c, prices.get(c, 0)) for c in part.exits))) for k, part in enumerate(self.compiled)]
        todo = [k for k, key in enumerate(keys) if key not in self.cache]
        plans = pool_map(_relaxed_job, [self.compiled[k] for k in todo],
                         [(prices, self.per_part(share, len(todo), floor), self.gap, self.workers)] * len(todo),
                         self.processes)
        for k, plan in zip(todo, plans, strict=True):
            self.cache[keys[k]] = plan
        return [self.cache[key] for key in keys]

    def going(self, centre_plan: Plan) -> set[str]:
        return {m.cadre for m in centre_plan.moves if m.cadre in self.split.linking}

    def adapted(self, exits: set[str], prices: dict[str, int]) -> tuple[Plan, int] | None:
        """The centre choosing among the cadres the relaxed blocks let go, paid BONUS points for
        each it takes: only the blocks whose cadres it does not take are then solved again. Its
        plan, and its value at `prices` (the bonus taken off)."""
        bonus = {**prices, **{c: prices.get(c, 0) - BONUS for c in exits}}
        t = time.perf_counter()
        plan = self.centre(bonus, only=exits)
        self.timed("centre", t)
        if not plan.ok or plan.objective is None:
            return None
        taken = self.going(plan)              # of the exits only: the other linking cadres have no candidate
        return plan, plan.objective - self.problem.weights.development * BONUS * len(taken)

    def round(self, prices: dict[str, int], share: float, floor: float = 2.0) -> _Round:
        """One round: the centre chooses under `prices`; the relaxed parts under prices nudged
        towards that choice give the bound; the plan: the centre choosing among the cadres the
        relaxed blocks let go (`adapted`), and the blocks whose relaxed plan does not let go exactly
        the cadres it took solved again with those exits pinned.

        The nudge: a cadre the centre takes costs NUDGE points more, any other one point less,
        so that a block that loses a cadre for about their price (the reservation prices make the
        blocks nearly indifferent) lets the chosen ones go and keeps the others in its relaxed
        plan, which is then its plan too: no second solve. The centre's plan is valued at the
        nudged prices (it takes each chosen cadre once), so the parts still add up to the whole."""
        split = self.split
        n = len(self.compiled)
        t = time.perf_counter()
        centre_plan = self.centre(prices)
        if not centre_plan.ok:
            self.warnings += centre_plan.warnings
            return _Round(None, None, set(), set(), prices)
        chosen = self.going(centre_plan)
        nudged = {c: p + NUDGE if c in chosen else p - 1 for c, p in prices.items()}
        centre_value = (centre_plan.objective or 0) - self.problem.weights.development * sum(
            nudged[c] - prices[c] for c in chosen if c in prices)
        bound_part = self.centre(nudged)            # the centre's part of the bound, at the nudged prices
        t = self.timed("centre", t)
        relaxed = self.relaxed(nudged, share, floor)
        t = self.timed("relaxed", t)
        bounds = [p.bound for p in relaxed + [bound_part]]
        bound = None if any(b is None for b in bounds) else sum(b for b in bounds if b is not None)
        exits = set().union(*(_exits_taken(p) for p in relaxed))
        if not all(p.ok for p in relaxed + [bound_part]):
            self.warnings += [w for p in relaxed + [bound_part] for w in p.warnings]
            return _Round(bound, None, set(), exits, nudged)
        if exits != chosen and (adapted := self.adapted(exits, nudged)) is not None:
            centre_plan, centre_value = adapted
        final = list(relaxed)
        done: list[set[str] | None] = [_exits_taken(p) for p in relaxed]   # exits of each block's plan held
        failed: set[int] = set()
        for _ in range(3):
            going = self.going(centre_plan)
            want = [{c for c in going if split.linking[c] == k} for k in range(n)]
            redo = [k for k in range(n) if done[k] != want[k]]
            again = pool_map(_restricted_job, [self.compiled[k] for k in redo],
                             [(nudged, want[k], self.per_part(0.7, len(redo), FLOOR), self.gap, self.workers) for k in redo],
                             self.processes)
            self.resolved += len(redo)
            for k, plan in zip(redo, again, strict=True):
                # a block may keep a cadre the centre took (its own pin, say): that is a failure too
                final[k], done[k] = plan, (want[k] if plan.ok and _exits_taken(plan) == want[k] else None)
            failed |= {k for k in redo if done[k] is None}
            if not any(done[k] is None for k in redo):
                break
            # the blocks that cannot let those cadres go keep them: the centre again without them
            centre_plan = self.centre(nudged, failed)
            centre_value = centre_plan.objective or 0
            if not centre_plan.ok:
                break
        t = self.timed("plan_blocks", t)
        if not centre_plan.ok or any(d is None for d in done):
            return _Round(bound, None, set(), exits, nudged)
        # the parts' objectives add up to the whole plan's (the argument of the bound, for this plan);
        # the whole plan is built and evaluated on the whole problem once, for the best round
        objective = sum(p.objective for p in final if p.objective is not None) + centre_value
        return _Round(bound, (final, centre_plan), self.going(centre_plan), exits, nudged, objective)


def solve_decomposed(problem: Problem, options: Options | None = None, central_levels: Iterable[str] = ("tw",),
                     processes: int = 2, max_rounds: int = 4, block_posts: int = 1500) -> Plan:
    """Solve a national problem by decomposition; the bound is certified for the whole.

    Rounds of Lagrangian coordination: each gives a bound (the relaxed parts under prices) and a
    plan; the best plan and the smallest bound are kept, prices move by a subgradient step."""
    options = options or Options()
    started = time.perf_counter()
    try:
        split = split_problem(problem, central_levels, block_posts)
    except NotDecomposable as exc:
        from .engine import solve
        plan = solve(problem, replace(options, method="auto"))
        plan.warnings.append(f"Không tách được theo tỉnh ({exc}); đã giải cả bài toán.")
        return plan
    run = _Decomposition(problem, split, options, processes, started)
    run.timed("split", started)
    prices = run.prepare()
    best: _Round | None = None
    bound: int | None = None
    history = []
    for k in range(max_rounds):
        since = time.perf_counter()
        r = run.round(prices, 0.8, FLOOR) if k == 0 else run.round(prices, 0.5)
        if r.bound is not None:
            bound = r.bound if bound is None else min(bound, r.bound)
        if r.parts is not None and (best is None or (r.objective or 0) > (best.objective or 0)):
            best = r
        history.append({"bound": r.bound, "objective": r.objective})
        objective = None if best is None else best.objective
        gap = gap_of(objective, bound)
        if options.progress is not None:
            options.progress(Progress("search", time.perf_counter() - started, objective, bound, gap))
        if gap is not None and gap <= options.relative_gap or _stopped(options):
            break
        # another round only when one as long as this one (and the end) still fits in the limit
        if run.left() < 1.3 * (time.perf_counter() - since) or bound is None or objective is None:
            break
        # subgradient: raise the price of a cadre the centre took and the block kept, lower the other way
        g = {c: (c in r.going) - (c in r.exits) for c in split.linking}
        norm = sum(v * v for v in g.values())
        if norm == 0:
            break
        step = max(1, (bound - objective) // max(1, norm * max(1, problem.weights.development)))
        prices = {c: r.prices.get(c, 0) + step * v for c, v in g.items()}
    stats: dict[str, Any] = {"phases": run.phases, "blocks": len(split.blocks), "linking_cadres": len(split.linking),
                             "rounds": history, "resolved_blocks": run.resolved}
    if best is None or best.parts is None:
        return Plan(status="unknown", bound=bound, time=time.perf_counter() - started, warnings=run.warnings,
                    stats=stats)
    t = time.perf_counter()
    plan = _combine(problem, *best.parts)
    run.timed("combine", t)
    if plan.objective != best.objective:       # the parts' sum and the whole's evaluation must agree
        stats["parts_objective"] = best.objective
        plan.warnings.append(f"Tổng mục tiêu các phần ({best.objective}) khác mục tiêu của cả phương án.")
        plan.status = "unknown"                  # a part broke a rule the whole has: not a plan to offer
    plan.bound = bound if bound is not None and plan.objective is not None and bound >= plan.objective else None
    plan.gap = gap_of(plan.objective, plan.bound)
    if plan.status != "unknown" and plan.bound is not None and plan.objective is not None and plan.objective >= plan.bound:
        plan.status = "optimal"
    plan.time = time.perf_counter() - started
    plan.stats = stats
    plan.warnings += run.warnings
    return plan


def _combine(problem: Problem, blocks: list[Plan], centre: Plan) -> Plan:
    """The whole plan from the parts' moves, evaluated on the whole problem by the engine's code.

    The whole problem is compiled with only the candidate pairs the plan uses (in their order, so a
    repeated proposal keeps its first): the rows (limits, targets, relations) count the same chosen
    options, the terms read the same pairs, so the evaluation is the whole problem's, without
    judging the 800,000 pairs the plan does not use."""
    target: dict[str, str] = {}
    for part in blocks + [centre]:
        for m in part.moves:
            if not m.to_post.startswith(EXIT):
                target[m.cadre] = m.to_post
    used = set(target.items())
    inst = compile_problem(replace(problem, candidates=[c for c in problem.candidates if (c.cadre, c.post) in used]))
    chosen = inst.stay_option.copy()
    width = inst.n_posts + 1
    key = inst.opt_cadre.astype(np.int64) * width + inst.opt_post
    order = np.argsort(key, kind="stable")
    for cadre, post in target.items():
        want = inst.cadre_index[cadre] * width + inst.post_index[post]
        pos = int(np.searchsorted(key, want, sorter=order))
        if pos >= len(order) or key[order[pos]] != want:
            raise AssertionError(f"no option for {cadre} -> {post}")
        chosen[inst.cadre_index[cadre]] = order[pos]
    ev = evaluate(inst, chosen)
    moves = build_moves(inst, chosen)
    names = {p.id: (p.name or p.id) for p in problem.posts}
    names.update({c.id: (c.name or c.id) for c in problem.cadres})
    return Plan(status="feasible" if ev.feasible else "unknown", objective=ev.objective if ev.feasible else None,
                terms=ev.terms, moves=moves, chains=vacancy_chains(moves, names),
                structure=structure_figures(inst, chosen),
                warnings=[] if ev.feasible else ["Phương án ghép không giữ mọi điều kiện bắt buộc."])


__all__ = ["EXIT", "NotDecomposable", "Split", "priced", "priced_centre", "solve_decomposed", "split_problem"]
