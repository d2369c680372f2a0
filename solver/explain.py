"""From chosen options to a readable plan: the objective by term, every move with its
reasons, the vacancy chains and cycles, the structure before and after."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .instance import RULE_BIT, Instance, Row
from .messages import N_, TERM_LABELS, Said, join_vi
from .model import Chain, Move, StructureFigure, Term


@dataclass
class Evaluation:
    objective: int
    terms: list[Term]
    feasible: bool            # every hard row holds (options are assumed eligible)
    row_counts: list[int]


def evaluate(inst: Instance, chosen: np.ndarray) -> Evaluation:
    """The objective of a set of chosen options (one per cadre), term by term."""
    w = inst.problem.weights
    chosen = np.asarray(chosen, dtype=np.int64)
    picked = np.zeros(len(inst.opt_cadre), dtype=np.int64)
    picked[chosen] = 1
    moves = chosen[inst.opt_move[chosen]]
    fit = int(inst.opt_fit[chosen].sum())
    development = int(inst.opt_dev[moves].sum())
    n_moves = len(moves)
    distance = inst.n_cadres - int(inst.opt_base[chosen].sum())
    shortfall = 0
    structure_penalty = 0
    feasible = True
    counts = []
    for row in inst.rows:
        count = int(picked[row.options].sum())
        counts.append(count)
        short = max(0, row.lo - count) if row.lo is not None else 0
        over = max(0, count - row.hi) if row.hi is not None else 0
        if row.hard:
            feasible &= short == 0 and over == 0
        else:
            shortfall += short + over
            structure_penalty += row.weight * (short + over)
    terms = [
        Term("fit", TERM_LABELS["fit"], w.fit, fit, w.fit * fit),
        Term("development", TERM_LABELS["development"], w.development, development, w.development * development),
        Term("structure", TERM_LABELS["structure"], w.structure, shortfall, -structure_penalty),
        Term("moves", TERM_LABELS["moves"], w.moves, n_moves, -w.moves * n_moves),
        Term("baseline", TERM_LABELS["baseline"], w.baseline, distance, -w.baseline * distance),
    ]
    return Evaluation(sum(t.contribution for t in terms), terms, feasible, counts)


def build_moves(inst: Instance, chosen: np.ndarray) -> list[Move]:
    problem = inst.problem
    chosen = np.asarray(chosen, dtype=np.int64)
    picked = np.zeros(len(inst.opt_cadre), dtype=bool)
    picked[chosen] = True
    before = _row_counts_before(inst)
    rows_of: dict[int, list[int]] = {}
    for r, row in enumerate(inst.rows):
        if row.kind == "target" and row.lo is not None and before[r] < row.lo:
            for o in row.options:
                if picked[o]:
                    rows_of.setdefault(int(o), []).append(r)
    new_post_of = {int(inst.opt_cadre[o]): int(inst.opt_post[o]) for o in chosen}
    pinned = {a.cadre for a in problem.pinned}
    cadres, posts = problem.cadres, problem.posts
    moves = []
    for o in sorted(chosen[inst.opt_move[chosen]], key=lambda o: inst.post_ids[inst.opt_post[o]]):
        i, j = int(inst.opt_cadre[o]), int(inst.opt_post[o])
        cadre, post = cadres[i], posts[j]
        from_j = int(inst.cadre_post[i])
        reasons: list[str] = []
        holder = int(inst.post_holder[j])
        if holder < 0:
            kind = "fills_vacancy"
            reasons.append(Said(N_("Lấp vị trí đang trống")))
        else:
            kind = "replaces"
            dest = new_post_of.get(holder, -1)
            where = posts[dest].name or posts[dest].id if dest >= 0 else Said(N_("ngoài danh sách vị trí"))
            reasons.append(Said(N_("Thay %(cadre)s, người chuyển sang %(where)s"),
                                cadre=cadres[holder].name or cadres[holder].id, where=where))
        if from_j >= 0 and inst.fail[inst.stay_option[i]] & RULE_BIT["head_terms"]:
            reasons.append(Said(N_("Bắt buộc luân chuyển: đã %(terms)s nhiệm kỳ liên tiếp là người đứng đầu tại "
                                   "%(unit)s"), terms=cadre.head_terms, unit=cadre.head_unit))
        k = int(inst.opt_cand[o])
        move_kind = problem.candidates[k].kind if k >= 0 else "rotation"
        if post.rank > cadre.rank and move_kind == "rotation":
            reasons.append(Said(N_("Luân chuyển lên vị trí cao hơn một bậc (cán bộ có triển vọng nổi trội)")))
        reasons.append(Said(N_("Mức phù hợp %(fit)s/100"), fit=int(inst.opt_fit[o])))
        if inst.opt_dev[o]:
            if inst.cadre_unit[i] != post.unit:
                reasons.append(Said(N_("Giá trị phát triển %(value)s (từ %(from)s sang %(to)s)"),
                                    value=int(inst.opt_dev[o]), **{"from": inst.cadre_unit[i]}, to=post.unit))
            else:
                reasons.append(Said(N_("Giá trị phát triển %(value)s"), value=int(inst.opt_dev[o])))
        for r in rows_of.get(int(o), []):
            reasons.append(Said(N_("Bổ sung cơ cấu: %(target)s"),
                                target=inst.rows[r].info.get('name') or inst.rows[r].subject))
        if cadre.id in pinned:
            reasons.append(Said(N_("Bố trí cố định theo kịch bản")))
        if inst.opt_base[o]:
            reasons.append(Said(N_("Có trong phương án đã duyệt")))
        if k >= 0:
            reasons.extend(problem.candidates[k].reasons)
        moves.append(Move(
            cadre=cadre.id, to_post=post.id, from_post=posts[from_j].id if from_j >= 0 else None,
            from_unit=inst.cadre_unit[i], to_unit=post.unit, fit=int(inst.opt_fit[o]),
            development=int(inst.opt_dev[o]), kind=kind, reasons=reasons, move_kind=move_kind,
        ))
    return moves


def vacancy_chains(moves: list[Move], names: dict[str, str] | None = None) -> list[Chain]:
    """Vacancy chains and cycles. Each move is an edge from the post left to the post
    taken (a cadre from outside starts at a node of their own); every post has at most
    one edge in and one out, so the components are paths and cycles. A path is read from
    the post that was vacant: it is filled by a cadre whose post is then filled, and so on,
    until a cadre from outside or a post left vacant ends it."""
    names = names or {}
    after: dict[str, tuple[str, str]] = {}      # node -> (the post taken from it, by whom)
    entered: set[str] = set()
    for m in moves:
        source = m.from_post if m.from_post is not None else f"outside:{m.cadre}"
        after[source] = (m.to_post, m.cadre)
        entered.add(m.to_post)
    chains = []
    placed: set[str] = set()
    for start in after:                          # a path starts where no move enters
        if start in entered:
            continue
        order, by = [start], []
        while order[-1] in after:
            post, cadre = after[order[-1]]
            order.append(post)
            by.append(cadre)
        placed.update(order)
        if len(order) < 3 and order[0].startswith("outside:"):
            continue                               # a single move from outside: no chain
        # read from the vacancy: last move first
        cadres, posts = by[::-1], order[:0:-1]
        opens = None if order[0].startswith("outside:") else order[0]
        parts: list[str] = [Said(N_("%(post)s do %(cadre)s đảm nhiệm"), post=names.get(p, p), cadre=names.get(c, c))
                            for c, p in zip(cadres, posts, strict=False)]
        text = (Said(N_("Chuỗi vị trí trống: %(parts)s; %(post)s để trống"), parts=join_vi(parts),
                     post=names.get(opens, opens)) if opens
                else Said(N_("Chuỗi vị trí trống: %(parts)s"), parts=join_vi(parts)))
        chains.append(Chain("chain", cadres, posts, opens, text))
    for start in sorted(after):                   # what is left are cycles, each read from its first post
        if start in placed:
            continue
        cadres, posts, node = [], [], start
        while not posts or node != start:
            placed.add(node)
            node, cadre = after[node]
            cadres.append(cadre)
            posts.append(node)
        steps = [Said(N_("%(cadre)s sang %(post)s"), cadre=names.get(c, c), post=names.get(p, p))
                 for c, p in zip(cadres, posts, strict=False)]
        arrows = Said(" → ".join(f"%(s{n})s" for n in range(len(steps))), **{f"s{n}": x for n, x in enumerate(steps)})
        chains.append(Chain("cycle", cadres, posts, None, Said(N_("Hoán đổi vòng: %(steps)s"), steps=arrows)))
    chains.sort(key=lambda c: (c.kind, c.posts))
    return chains


def _row_counts_before(inst: Instance) -> list[int]:
    stays = np.zeros(len(inst.opt_cadre), dtype=bool)
    holders = np.flatnonzero(inst.cadre_post >= 0)
    stays[inst.stay_option[holders]] = True
    return [int(stays[row.options].sum()) for row in inst.rows]


def structure_figures(inst: Instance, chosen: np.ndarray) -> list[StructureFigure]:
    picked = np.zeros(len(inst.opt_cadre), dtype=bool)
    picked[np.asarray(chosen, dtype=np.int64)] = True
    before = _row_counts_before(inst)
    targets = {t.id: t for t in inst.problem.targets}
    out = []
    for r, row in enumerate(inst.rows):
        if row.kind != "target":
            continue
        t = targets[row.subject]
        after = int(picked[row.options].sum())

        def off(count: int, row: Row = row) -> int:
            return (max(0, row.lo - count) if row.lo is not None else 0) + \
                   (max(0, count - row.hi) if row.hi is not None else 0)

        scope = f"đơn vị {t.unit}" if t.unit is not None else f"cấp {t.level}"
        out.append(StructureFigure(
            target=t.id, name=t.name, scope=scope, attribute=t.attribute, seats=row.info["seats"],
            need=row.lo, cap=row.hi, before=before[r], after=after, shortfall_before=off(before[r]),
            shortfall_after=off(after), hard=row.hard,
        ))
    return out
