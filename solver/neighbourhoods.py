"""The neighbourhoods of the best plan the alternatives are searched in (`Engine.alternatives`):
a seed move the LP says loses least, grown breadth first through the posts its cadres could
take and the cadres who could take theirs."""

from __future__ import annotations

import numpy as np

from .instance import Instance


def difference(inst: Instance, a: np.ndarray, b: np.ndarray) -> int:
    moves_a = set(int(o) for o in a if inst.opt_move[o])
    moves_b = set(int(o) for o in b if inst.opt_move[o])
    return len(moves_a ^ moves_b)


def hood_size(attempts: int, d: int) -> int:
    """Cadres freed by the n-th search for one alternative: a few dozen first, doubling
    after every two searches that found nothing."""
    return int(max(200, 8 * d) * 2 ** (attempts // 2))


class Neighbourhoods:
    """Where to look for plans near the best one, guided by the linear relaxation.

    A seed is a move outside the best plan that loses least against the LP bound (the largest
    per-option bound); moves of cadres no alternative has changed yet come first, so that
    the alternatives differ in different places. A neighbourhood is the seed's cadre and,
    breadth first, the cadres a change of theirs touches: the holder in the best plan of
    each post they could take, and the cadres who could take the post they hold in it."""

    def __init__(self, inst: Instance, active: np.ndarray, option_bound: np.ndarray) -> None:
        self.inst = inst
        self.active = active
        self.option_bound = option_bound
        self.tried: set[int] = set()
        self.changed = np.zeros(inst.n_cadres, dtype=bool)
        self._floor: int | None = None
        self.cand = np.empty(0, dtype=np.int64)

    def used(self, cadres: np.ndarray) -> None:
        """Cadres an alternative has changed: their moves are tried last as seeds."""
        self.changed[cadres] = True

    def _prepare(self, floor: int) -> None:
        if self._floor == floor:
            return
        inst = self.inst
        self._floor = floor
        self.cand = self.active[self.option_bound >= floor]
        by_cadre = self.cand[np.argsort(inst.opt_cadre[self.cand], kind="stable")]
        self.cadre_start = np.searchsorted(inst.opt_cadre[by_cadre], np.arange(inst.n_cadres + 1))
        self.by_cadre = by_cadre
        moves = self.cand[inst.opt_post[self.cand] >= 0]
        by_post = moves[np.argsort(inst.opt_post[moves], kind="stable")]
        self.post_start = np.searchsorted(inst.opt_post[by_post], np.arange(inst.n_posts + 1))
        self.by_post = by_post
        self.free_cadres = int(np.count_nonzero(np.diff(self.cadre_start) > 1))

    def next(self, best: np.ndarray, floor: int, size: int) -> np.ndarray | None:
        """The cadres of the next neighbourhood, or None for the whole pruned model."""
        self._prepare(floor)
        inst = self.inst
        if size >= self.free_cadres:
            return None
        in_best = np.zeros(len(inst.opt_cadre), dtype=bool)
        in_best[best] = True
        seeds = self.cand[inst.opt_move[self.cand] & ~in_best[self.cand]]
        if len(seeds) == 0:
            return None
        order = np.lexsort((-self.option_bound_of(seeds), self.changed[inst.opt_cadre[seeds]]))
        seed = next((int(seeds[s]) for s in order if int(seeds[s]) not in self.tried), None)
        if seed is None:
            return None
        self.tried.add(seed)
        occupant = np.full(inst.n_posts, -1, dtype=np.int64)
        placed = best[inst.opt_post[best] >= 0]
        occupant[inst.opt_post[placed]] = inst.opt_cadre[placed]
        best_post = np.full(inst.n_cadres, -1, dtype=np.int64)
        best_post[inst.opt_cadre[best]] = inst.opt_post[best]
        return self._grow(int(inst.opt_cadre[seed]), size, occupant, best_post)

    def option_bound_of(self, options: np.ndarray) -> np.ndarray:
        position = np.searchsorted(self.active, options)
        bounds: np.ndarray = self.option_bound[position]
        return bounds

    def _grow(self, start: int, size: int, occupant: np.ndarray, best_post: np.ndarray) -> np.ndarray:
        inst = self.inst
        members = {start}
        queue = [start]
        head = 0
        while head < len(queue) and len(members) < size:
            i = queue[head]
            head += 1
            touched = [int(occupant[j]) for j in inst.opt_post[self.by_cadre[self.cadre_start[i]:self.cadre_start[i + 1]]]
                       if j >= 0]
            j0 = int(best_post[i])
            if j0 >= 0:
                touched += inst.opt_cadre[self.by_post[self.post_start[j0]:self.post_start[j0 + 1]]].tolist()
            for c in touched:
                if c >= 0 and c not in members and len(members) < size:
                    members.add(c)
                    queue.append(c)
        return np.fromiter(members, dtype=np.int64)

    def options(self, best: np.ndarray, cadres: np.ndarray | None) -> np.ndarray:
        """The model's options: every option of the cadres freed (that can reach the floor),
        the best plan's option for every other cadre."""
        if cadres is None:
            return np.union1d(self.cand, best)
        free = np.zeros(self.inst.n_cadres, dtype=bool)
        free[cadres] = True
        return np.union1d(self.cand[free[self.inst.opt_cadre[self.cand]]], best)
