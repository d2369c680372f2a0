"""The blocks of a decomposition, compiled once and solved under prices (solver/decompose.py).

A block is compiled once (`prepare`): its instance is kept and each later solve only changes the
scores of the exit options (the prices) or switches options off (a block whose exits the centre
fixed), which is what compiling the priced or restricted block would give. `prepare` also prices
each linking cadre at what the block loses when the cadre leaves it (`reservation_prices`): the
first prices of the Lagrangian rounds.

The parts are solved in a pool of forked processes that inherit the compiled blocks (not pickled:
a 10,000-cadre province is 10 MB of pickle, about 1.3 s each way on this machine).
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import numpy as np

from .instance import RULE_BIT, Instance, compile_problem
from .model import Options, Plan, Problem
from .relax import flow_relaxation

EXIT = "__to_central__:"
#: relaxation rounds of the shortest paths (converges in about 30 on a 10,000-cadre province)
PATH_ROUNDS = 200

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Compiled:
    """A block compiled once: its instance, each linking cadre's exit option (at price 0) and the
    reservation prices of `reservation_prices`."""

    inst: Instance
    exits: dict[str, int]
    prices: dict[str, int]

    def priced(self, prices: dict[str, int], going: set[str] | None = None) -> Instance:
        """The instance of the block under `prices` (the exit of c earns prices[c] development
        points); with `going`, only those cadres' exits, pinned (the centre took them)."""
        inst = self.inst
        dev_w = inst.problem.weights.development
        opt_dev, opt_score = inst.opt_dev.copy(), inst.opt_score.copy()
        for cadre, o in self.exits.items():
            price = prices.get(cadre, 0)
            opt_score[o] += dev_w * (price - int(opt_dev[o]))
            opt_dev[o] = price
        if going is None:
            return replace(inst, opt_dev=opt_dev, opt_score=opt_score)
        fail, pins = inst.fail.copy(), dict(inst.pins)
        pin = RULE_BIT["pinned"]
        for cadre, o in self.exits.items():
            if cadre in going:
                i = inst.cadre_index[cadre]
                fail[(inst.opt_cadre == i) & (np.arange(len(fail)) != o)] |= pin
                pins[i] = o
            else:
                fail[o] |= pin
        return replace(inst, opt_dev=opt_dev, opt_score=opt_score, fail=fail, pins=pins)


def prepare(block: Problem) -> Compiled:
    inst = compile_problem(block)
    exits: dict[str, int] = {}
    for o in np.flatnonzero(inst.opt_move):
        post = inst.post_ids[int(inst.opt_post[o])]
        if post.startswith(EXIT):
            exits[post[len(EXIT):]] = int(o)
    return Compiled(inst, exits, reservation_prices(inst, exits))


def reservation_prices(inst: Instance, exits: dict[str, int]) -> dict[str, int]:
    """For each linking cadre c, the price (development points) at which the block is indifferent
    to c taking the exit: what the block loses without c, less the exit's own score.

    Measured on the block's flow relaxation without the exits (no side rows): the loss of a
    cadre is the shortest path from the sink to the cadre in the residual graph of the optimal
    flow (cancelling the unit c sends, rerouting the others: a pool cadre who takes the post c
    leaves, and so on), by Bellman-Ford in numpy. An estimate: any prices give a valid bound."""
    n_c, n_p = inst.n_cadres, inst.n_posts
    is_exit = np.zeros(len(inst.opt_cadre), dtype=bool)
    is_exit[list(exits.values())] = True
    active = np.flatnonzero(inst.active & ~is_exit)
    flow = flow_relaxation(inst, active)
    if not flow.feasible or flow.chosen is None:
        return {}
    outside, sink = n_c + n_p, n_c + n_p + 1
    used = np.zeros(len(inst.opt_cadre), dtype=bool)
    used[flow.chosen] = True
    posts = inst.opt_post[active]
    heads = np.where(posts >= 0, n_c + posts, outside)
    tails = inst.opt_cadre[active]
    cost = -inst.opt_score[active]
    on = used[active]
    filled = np.zeros(n_p, dtype=bool)
    into = inst.opt_post[flow.chosen]
    filled[into[into >= 0]] = True
    free = np.flatnonzero(~inst.post_must)
    idle, busy = free[~filled[free]], free[filled[free]]
    # residual arcs: unused options forward, used ones back; a free post's arc to the sink
    # forward when it is empty, back when filled; outside <-> sink both ways
    src = np.concatenate([tails[~on], heads[on], n_c + idle, np.full(len(busy), sink), [outside, sink]])
    dst = np.concatenate([heads[~on], tails[on], np.full(len(idle), sink), n_c + busy, [sink, outside]])
    weight = np.concatenate([cost[~on], -cost[on], np.zeros(len(free) + 2, dtype=np.int64)]).astype(float)
    dist = np.full(n_c + n_p + 2, np.inf)
    dist[sink] = 0.0
    for _ in range(PATH_ROUNDS):
        new = dist.copy()
        np.minimum.at(new, dst, dist[src] + weight)
        if np.array_equal(new, dist):
            break
        dist = new
    dev_w = max(1, inst.problem.weights.development)
    cap = int(np.abs(inst.opt_score).max()) if len(inst.opt_score) else 0
    prices = {}
    for cadre, o in exits.items():
        if inst.fail[o]:
            continue
        loss = dist[inst.cadre_index[cadre]]
        loss = float(cap) if not np.isfinite(loss) else loss
        exit_score = int(inst.opt_score[o]) - dev_w * int(inst.opt_dev[o])
        prices[cadre] = int(round((loss - exit_score) / dev_w))
    return prices


def solve_instance(inst: Instance, time_limit: float, relative_gap: float, workers: int) -> Plan:
    """The engine on an instance compiled before (engine.solve after its compile step)."""
    from .engine import Engine
    started = time.perf_counter()
    options = Options(time_limit=max(0.05, time_limit), relative_gap=relative_gap, workers=workers, diagnose=False)
    plan = Engine(inst, options, started).run()
    plan.time = time.perf_counter() - started
    plan.warnings = inst.warnings + plan.warnings
    return plan


#: what forked workers inherit (see the module's docstring)
_INHERITED: list[Any] = []


def _call_inherited(args: tuple[int, Any]) -> Any:
    k, arg = args
    fn, items = _INHERITED
    return fn(items[k], arg)


def pool_map(fn: Callable[[T, Any], R], items: Sequence[T], args: Sequence[Any], processes: int) -> list[R]:
    """fn(items[k], args[k]) for each k, in `processes` forked processes that inherit `items`
    (here, one after the other, when 1 or there is no fork)."""
    if processes <= 1 or len(items) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(item, arg) for item, arg in zip(items, args, strict=True)]
    _INHERITED[:] = [fn, items]
    try:
        with ProcessPoolExecutor(max_workers=min(processes, len(items)),
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_call_inherited, list(enumerate(args)), chunksize=1))
    finally:
        _INHERITED.clear()


def prepare_all(blocks: list[Problem], processes: int) -> list[Compiled]:
    """Every block compiled and priced; the instances come back without their problem (the
    parent has it), about 0.1 s of pickle each."""
    compiled = pool_map(_prepare_light, blocks, [None] * len(blocks), processes)
    for block, part in zip(blocks, compiled, strict=True):
        part.inst.problem = block
    return compiled


def _prepare_light(block: Problem, _: object) -> Compiled:
    part = prepare(block)
    part.inst.problem = None  # type: ignore[assignment]  # given back by prepare_all
    return part
