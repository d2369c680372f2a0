"""The vacancy chains and cycles of a plan, decomposed once: by the solver's `explain`
(`plan["chains"]`). The plan page lists them, the decision report numbers them, the graph
draws them; none decomposes the moves again.

A plan written before the chains were stored (or built by hand) has them decomposed here
by the solver's own function. The solver leaves out a single move from outside (nobody's
post opens, nobody follows): the graph still draws it, as a component of one arrow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import solver

OUTSIDE = "outside:"    # the node a cadre from outside the posts in play starts from, as the solver names it


@dataclass(frozen=True)
class Component:
    """One chain or cycle as it is drawn: its nodes in order (from the post left vacant, or
    the cadre's outside node, to the last post filled; a cycle from its first post), the
    arrows (from, to, cadre) along it, and the solver's chain (None: a single move from
    outside, which the solver does not list)."""

    kind: str
    order: tuple[str, ...]
    edges: tuple[tuple[str, str, str], ...]
    chain: dict[str, Any] | None

    @property
    def cadres(self) -> frozenset[str]:
        return frozenset(cadre for _u, _v, cadre in self.edges)

    def vacated(self, node: str) -> bool:
        """A post nobody moves into: the start of a chain (left vacant at its end)."""
        return self.kind == "chain" and node == self.order[0] and not node.startswith(OUTSIDE)


def plan_chains(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The plan's chains as the solver stored them (decomposed from the moves, by the
    solver's function, for a plan without them)."""
    if "chains" in plan and _covers(plan["chains"], plan.get("moves") or []):
        return list(plan["chains"])
    from solver.explain import vacancy_chains   # numpy: only for a plan stored without its chains

    moves = [_move(m) for m in plan.get("moves") or []]
    return [{"kind": c.kind, "cadres": list(c.cadres), "posts": list(c.posts), "opens": c.opens, "text": c.text}
            for c in vacancy_chains(moves)]


def components(plan: dict[str, Any]) -> list[Component]:
    """Every chain and cycle of the plan, with the single moves from outside, in the order
    the graph numbers them: longest first."""
    found = [_component(chain) for chain in plan_chains(plan)]
    covered = {cadre for c in found for cadre in c.cadres}
    for move in plan.get("moves") or []:
        if move["cadre"] not in covered:
            source = move.get("from_post") or f"{OUTSIDE}{move['cadre']}"
            found.append(Component("chain", (source, move["to_post"]), ((source, move["to_post"], move["cadre"]),),
                                   None))
    found.sort(key=lambda c: (-len(c.order), c.order[0]))
    return found


def drawn_number(plan: dict[str, Any]) -> dict[frozenset[str], int]:
    """The position (0-based) of each component in the graph, keyed by the cadres moved."""
    return {c.cadres: index for index, c in enumerate(components(plan))}


def _component(chain: dict[str, Any]) -> Component:
    cadres, posts = list(chain.get("cadres", [])), list(chain.get("posts", []))
    if chain["kind"] == "cycle":
        # the solver lists a cycle's moves in order; the posts are those taken
        order = [posts[-1], *posts[:-1]]
        edges = [(order[i], order[(i + 1) % len(order)], cadres[i]) for i in range(len(order))]
        return Component("cycle", tuple(order), tuple(edges), chain)
    # a chain is listed from the vacancy, last move first: drawn from its start
    cadres.reverse()
    posts.reverse()
    start = chain.get("opens") or f"{OUTSIDE}{cadres[0]}"
    order = [start, *posts]
    edges = [(order[i], order[i + 1], cadres[i]) for i in range(len(cadres))]
    return Component("chain", tuple(order), tuple(edges), chain)


def _covers(chains: list[dict[str, Any]], moves: list[dict[str, Any]]) -> bool:
    """Whether the stored chains account for every move but the single ones from outside."""
    listed = {cadre for chain in chains for cadre in chain.get("cadres", [])}
    left_from = {m["from_post"] for m in moves if m.get("from_post")}
    return all(m.get("from_post") is None and m["to_post"] not in left_from
               for m in moves if m["cadre"] not in listed)


def _move(data: dict[str, Any]) -> solver.Move:
    fields = set(solver.Move.__slots__)
    return solver.Move(**{k: v for k, v in data.items() if k in fields})
