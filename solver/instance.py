"""The problem compiled to arrays: every option of every cadre, its score, the rules it
fails, and the side constraints as count rows over options.

An *option* is one way a cadre can end: stay (in their post, or outside the problem's
posts when they hold none) or move to a candidate post. Exactly one option per cadre is
chosen; each post receives at most one (exactly one when it must be filled). Everything
else is a *row*: a count of chosen options that must lie in [lo, hi] (hard) or costs
`weight` per unit outside it (soft). All row coefficients are 1, which keeps the
relaxations simple.

Options that fail a rule stay in the arrays (the diagnosis needs them) with the failed
rules in `fail`; the models use the `active` ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import eligibility
from .model import MOVE_KINDS, PAIR_RULES, Problem, Target

#: rule ids an option can fail, with their bit in `Instance.fail`
OPTION_RULES = PAIR_RULES + ("pinned",)
RULE_BIT = {rule: 1 << i for i, rule in enumerate(OPTION_RULES)}
OUTSIDE = -1


@dataclass(slots=True)
class Row:
    kind: str                 # leave, arrive, family_collective, family_sector, target
    subject: str              # the unit, relation or target it is about
    options: np.ndarray       # option indices counted (all options, active or not)
    lo: int | None = None
    hi: int | None = None
    hard: bool = True
    weight: int = 0           # per unit outside [lo, hi] when soft
    info: dict[str, Any] = field(default_factory=dict)


@dataclass
class Instance:
    problem: Problem
    cadre_ids: list[str]
    post_ids: list[str]
    cadre_index: dict[str, int]
    post_index: dict[str, int]
    post_unit: list[str]
    post_must: np.ndarray           # bool[P]
    post_holder: np.ndarray         # int[P], -1 when vacant
    cadre_post: np.ndarray          # int[C], -1 when holding none of the posts
    cadre_unit: list[str | None]
    # options
    opt_cadre: np.ndarray           # int[O]
    opt_post: np.ndarray            # int[O], OUTSIDE for staying outside
    opt_move: np.ndarray            # bool[O]
    opt_fit: np.ndarray             # int[O]
    opt_dev: np.ndarray             # int[O]
    opt_cand: np.ndarray            # int[O], candidate index or -1 for a stay
    opt_base: np.ndarray            # bool[O], the approved baseline's outcome for the cadre
    opt_score: np.ndarray           # int64[O], contribution to the objective when chosen
    fail: np.ndarray                # int64[O], bit mask of failed rules (RULE_BIT)
    stay_option: np.ndarray         # int[C]
    rows: list[Row]
    constant: int                   # objective constant (baseline distance counts from it)
    warnings: list[str]
    cadre_fail: dict[int, list[str]]  # cadre-level failures, for messages
    pins: dict[int, int] = field(default_factory=dict)   # pinned cadre -> its pinned option

    @property
    def n_cadres(self) -> int:
        return len(self.cadre_ids)

    @property
    def n_posts(self) -> int:
        return len(self.post_ids)

    @property
    def active(self) -> np.ndarray:
        active: np.ndarray = self.fail == 0
        return active

    def failed_rules(self, option: int) -> list[str]:
        mask = int(self.fail[option])
        return [rule for rule in OPTION_RULES if mask & RULE_BIT[rule]]


def target_need_cap(target: Target, seats: int) -> tuple[int | None, int | None]:
    """The count a target requires (rounded up) and allows (rounded down) of `seats`."""
    need = cap = None
    if target.min_count is not None:
        need = target.min_count
    if target.min_share is not None:
        share_need = math.ceil(target.min_share * seats - 1e-9)
        need = share_need if need is None else max(need, share_need)
    if target.max_count is not None:
        cap = target.max_count
    if target.max_share is not None:
        share_cap = math.floor(target.max_share * seats + 1e-9)
        cap = share_cap if cap is None else min(cap, share_cap)
    return need, cap


def compile_problem(problem: Problem) -> Instance:
    """The problem as arrays. Everything per option is computed with numpy over all options
    at once; Python loops run over cadres, posts or the few pins, baseline entries and
    relations, never over the candidate pairs."""
    rules, weights = problem.rules, problem.weights
    warnings: list[str] = []
    cadres, posts = problem.cadres, problem.posts
    cadre_ids = [c.id for c in cadres]
    post_ids = [p.id for p in posts]
    n_c, n_p = len(cadre_ids), len(post_ids)
    cidx = dict(zip(cadre_ids, range(n_c), strict=True))
    pidx = dict(zip(post_ids, range(n_p), strict=True))
    units = {u.id: u for u in problem.units}

    post_holder = np.full(n_p, -1, dtype=np.int64)
    cadre_post = np.full(n_c, -1, dtype=np.int64)
    for j, p in enumerate(posts):
        if p.holder is not None:
            post_holder[j] = cidx[p.holder]
            cadre_post[cidx[p.holder]] = j
    post_must = np.fromiter((p.must_fill for p in posts), dtype=bool, count=n_p)
    post_unit = [p.unit for p in posts]
    post_locality = [p.locality if p.locality is not None else (units[p.unit].locality if p.unit in units else None)
                     for p in posts]
    cadre_unit: list[str | None] = [post_unit[j] if j >= 0 else c.unit
                                    for c, j in zip(cadres, cadre_post.tolist(), strict=True)]
    cols = _Columns(problem)

    # ---- cadre-level failures, once per kind of move (the messages name a rotation's)
    kinds = sorted({c.kind for c in problem.candidates} | {"rotation"})
    unknown = [k for k in kinds if k not in MOVE_KINDS]
    if unknown:
        raise ValueError(f"loại điều động không hợp lệ: {', '.join(unknown)}")
    masks = eligibility.cadre_failure_masks(cadres, rules, kinds)
    cadre_fail_bits_of = {kind: sum((m.astype(np.int64) * RULE_BIT[r] for r, m in by_rule.items()),
                                    np.zeros(n_c, dtype=np.int64))
                          for kind, by_rule in masks.items()}
    cadre_fail_bits = cadre_fail_bits_of["rotation"]
    cadre_fail: dict[int, list[str]] = {
        int(i): [r for r in eligibility.CADRE_RULES if masks["rotation"][r][i]] for i in np.flatnonzero(cadre_fail_bits)}

    # ---- options: one stay per cadre (options 0..C-1), then the candidate moves (deduplicated)
    stay_option = np.arange(n_c, dtype=np.int64)
    held = cadre_post >= 0
    at = np.maximum(cadre_post, 0)
    stay_fail = np.where(held & cols.head_limit(np.arange(n_c), at), RULE_BIT["head_terms"], 0).astype(np.int64)
    for a in problem.forbidden:
        if a.post is None:                                    # `post: null`: "may not stay"
            stay_fail[cidx[a.cadre]] |= RULE_BIT["forbidden"]
    stay_fit = np.where(held, np.fromiter((c.current_fit for c in cadres), dtype=np.int64, count=n_c), 0)

    forbidden = {(a.cadre, a.post) for a in problem.forbidden if a.post is not None}
    moves = _candidate_options(problem, cols, cidx, pidx, cadre_post, post_locality, kinds, cadre_fail_bits_of,
                               forbidden, warnings)
    first = n_c
    found = _PairIndex(moves["cadre"] * n_p + moves["post"], first)

    # ---- pinned moves: the pinned option only, for that cadre and that post
    pinned_option: dict[int, int] = {}
    extra: list[tuple[int, int, int]] = []             # (cadre, post, failed bits) of pins nobody proposed
    n_options = first + len(moves["cadre"])
    for a in problem.pinned:
        i = cidx[a.cadre]
        if a.post is None or (cadre_post[i] >= 0 and post_ids[cadre_post[i]] == a.post):
            pinned_option[i] = int(stay_option[i])
            continue
        j = pidx[a.post]
        o = found.get(i * n_p + j)
        if o is None:            # a pin the pools did not propose: add it, with no scores
            warnings.append(f"Cố định {a.cadre} → {a.post} không có trong danh sách đề xuất; thêm với điểm 0.")
            bits = int(cadre_fail_bits[i])
            for rule in eligibility.pair_failures(cadres[i], posts[j], rules, post_locality[j]):
                bits |= RULE_BIT[rule]
            if (a.cadre, a.post) in forbidden:
                bits |= RULE_BIT["forbidden"]
            o = n_options + len(extra)
            found.add(i * n_p + j, o)
            extra.append((i, j, bits))
        pinned_option[i] = o

    ex = np.array(extra, dtype=np.int64).reshape(-1, 3)
    zeros = np.zeros(len(ex), dtype=np.int64)
    opt_cadre = np.concatenate([stay_option, moves["cadre"], ex[:, 0]])
    opt_post = np.concatenate([cadre_post, moves["post"], ex[:, 1]])
    opt_fit = np.concatenate([stay_fit, moves["fit"], zeros])
    opt_dev = np.concatenate([np.zeros(n_c, dtype=np.int64), moves["development"], zeros])
    opt_cand = np.concatenate([np.full(n_c, -1, dtype=np.int64), moves["candidate"], zeros - 1])
    fail = np.concatenate([stay_fail, moves["fail"], ex[:, 2]])
    opt_move = np.ones(len(opt_cadre), dtype=bool)
    opt_move[stay_option] = False

    if pinned_option:
        pin_bit = RULE_BIT["pinned"]
        pinned_cadres = np.zeros(n_c, dtype=bool)
        keep = np.zeros(len(opt_cadre), dtype=bool)
        taken_posts = np.zeros(n_p, dtype=bool)
        for i, o in pinned_option.items():
            pinned_cadres[i] = True
            keep[o] = True
            if opt_post[o] >= 0:
                taken_posts[opt_post[o]] = True
        off = pinned_cadres[opt_cadre] & ~keep
        into = (opt_post >= 0) & ~keep
        off |= into & taken_posts[np.maximum(opt_post, 0)]
        fail[off] |= pin_bit

    # ---- objective: the score of each option; the baseline's outcome is a stay unless it names a move
    opt_base = np.zeros(len(opt_cadre), dtype=bool)
    opt_base[stay_option] = True
    for cadre_id, post_id in {a.cadre: a.post for a in problem.baseline}.items():
        i = cidx[cadre_id]
        if post_id is None or (cadre_post[i] >= 0 and post_ids[cadre_post[i]] == post_id):
            continue
        opt_base[stay_option[i]] = False
        o = found.get(i * n_p + pidx[post_id])
        if o is not None:
            opt_base[o] = True
    opt_score = (weights.fit * opt_fit + opt_move * (weights.development * opt_dev - weights.moves)
                 + weights.baseline * opt_base.astype(np.int64))
    constant = -weights.baseline * n_c

    instance = Instance(
        problem=problem, cadre_ids=cadre_ids, post_ids=post_ids, cadre_index=cidx, post_index=pidx,
        post_unit=post_unit, post_must=post_must, post_holder=post_holder, cadre_post=cadre_post,
        cadre_unit=cadre_unit, opt_cadre=opt_cadre, opt_post=opt_post, opt_move=opt_move, opt_fit=opt_fit,
        opt_dev=opt_dev, opt_cand=opt_cand, opt_base=opt_base, opt_score=opt_score.astype(np.int64), fail=fail,
        stay_option=stay_option, rows=[], constant=constant, warnings=warnings, cadre_fail=cadre_fail,
        pins=pinned_option,
    )
    instance.rows = _rows(instance, post_locality)
    return instance


class _PairIndex:
    """Option of a (cadre, post) key `cadre * P + post`: the candidate moves' keys (unique,
    sorted once), then the few options added after them."""

    def __init__(self, keys: np.ndarray, first: int) -> None:
        self.order = np.argsort(keys, kind="stable")
        self.sorted = keys[self.order]
        self.first = first
        self.added: dict[int, int] = {}

    def get(self, key: int) -> int | None:
        at = int(np.searchsorted(self.sorted, key))
        if at < len(self.sorted) and int(self.sorted[at]) == key:
            return self.first + int(self.order[at])
        return self.added.get(key)

    def add(self, key: int, option: int) -> None:
        self.added[key] = option


class _Columns:
    """The attributes of cadres and posts the rules read, as arrays (read once per problem)."""

    def __init__(self, problem: Problem) -> None:
        cadres, posts = problem.cadres, problem.posts
        n_c, n_p = len(cadres), len(posts)
        self.rules = problem.rules
        self.c_rank = np.fromiter((c.rank for c in cadres), dtype=np.int64, count=n_c)
        self.c_outstanding = np.fromiter((c.outstanding for c in cadres), dtype=bool, count=n_c)
        self.p_rank = np.fromiter((p.rank for p in posts), dtype=np.int64, count=n_p)
        self.p_head = np.fromiter((p.is_head for p in posts), dtype=bool, count=n_p)
        self.p_non_local = np.fromiter((p.non_local for p in posts), dtype=bool, count=n_p)
        unit_code: dict[str, int] = {}
        for p in posts:
            unit_code.setdefault(p.unit, len(unit_code))
        self.p_unit = np.fromiter((unit_code[p.unit] for p in posts), dtype=np.int64, count=n_p)
        # a head unit that holds no post of the problem matches none (-2); no head unit: -1
        self.c_head_unit = np.fromiter((-1 if c.head_unit is None else unit_code.get(c.head_unit, -2) for c in cadres),
                                       dtype=np.int64, count=n_c)
        self.c_terms = np.fromiter((c.head_terms for c in cadres), dtype=np.int64, count=n_c)

    def head_limit(self, ci: np.ndarray, pj: np.ndarray) -> np.ndarray:
        """R5 (`eligibility.head_limit_reached`) for each pair: holding the post would start
        term N+1 as head of the same unit."""
        reached: np.ndarray = (self.p_head[pj] & (self.p_unit[pj] == self.c_head_unit[ci])
                               & (self.c_terms[ci] >= self.rules.head_term_limit))
        return reached


# --------------------------------------------------------------------------------------
# Candidate moves, checked in bulk


def _candidate_options(problem: Problem, cols: _Columns, cidx: dict[str, int], pidx: dict[str, int],
                       cadre_post: np.ndarray, post_locality: list[str | None], kinds: list[str],
                       cadre_fail_bits_of: dict[str, np.ndarray], forbidden: set[tuple[str, str]],
                       warnings: list[str]) -> dict[str, np.ndarray]:
    """The candidate pairs as option arrays, with the bits of the rules each fails.

    The same rules as `eligibility.pair_failures` (the reference, one pair at a time;
    tests/solver/test_instance.py compares the two), with numpy over all pairs at once."""
    rules = problem.rules
    cands = problem.candidates
    n = len(cands)
    n_p = len(problem.posts)
    # each field of the candidates read once (a comprehension per field: far faster than
    # transposing tuples)
    ci = np.fromiter([cidx[c.cadre] for c in cands], dtype=np.int64, count=n)
    pj = np.fromiter([pidx[c.post] for c in cands], dtype=np.int64, count=n)
    kind_code = {kind: k for k, kind in enumerate(kinds)}
    kc = np.fromiter([kind_code[c.kind] for c in cands], dtype=np.int64, count=n)
    precheck = np.fromiter([bool(c.precheck) for c in cands], dtype=bool, count=n)
    fit = np.fromiter([c.fit for c in cands], dtype=np.int64, count=n)
    development = np.fromiter([c.development for c in cands], dtype=np.int64, count=n)
    # proposals of a cadre's own post, then repeated proposals (the first one counts)
    own = cadre_post[ci] == pj if n else np.zeros(0, dtype=bool)
    for k in np.flatnonzero(own):
        warnings.append(f"Bỏ qua đề xuất {cands[k].cadre} → {cands[k].post}: cán bộ đang giữ vị trí này.")
    key = ci * n_p + pj
    keep = ~own
    if keep.any():
        kept = np.flatnonzero(keep)
        _, first = np.unique(key[kept], return_index=True)
        is_first = np.zeros(n, dtype=bool)
        is_first[kept[first]] = True
        for k in np.flatnonzero(keep & ~is_first):
            warnings.append(f"Đề xuất {cands[k].cadre} → {cands[k].post} bị lặp; dùng đề xuất đầu tiên.")
        keep &= is_first
    idx = np.flatnonzero(keep)
    ci, pj, kc, key = ci[idx], pj[idx], kc[idx], key[idx]

    cadres, posts = problem.cadres, problem.posts
    # each pair is judged by the rules of its kind (model.KIND_RULES)
    is_kind = {kind: kc == kind_code[kind] for kind in kinds}
    bits = np.zeros(len(idx), dtype=np.int64)
    for kind, rows in is_kind.items():
        bits[rows] = cadre_fail_bits_of[kind][ci[rows]]
    # R6: an equivalent post; one rank step higher only for outstanding cadres (a rotation);
    # an appointment not to a lower post; a transfer or secondment not to a higher one
    step = cols.p_rank[pj] - cols.c_rank[ci]
    rank_ok = (step == 0) | (cols.c_outstanding[ci] & (step > 0) & (step <= rules.rank_step_outstanding))
    if "appointment" in is_kind:
        rank_ok = np.where(is_kind["appointment"], step >= 0, rank_ok)
    for kind in ("transfer", "secondment"):
        if kind in is_kind:
            rank_ok = np.where(is_kind[kind], step <= 0, rank_ok)
    bits[~rank_ok] |= RULE_BIT["rank"]
    # R4: key posts are held by non-locals (a cadre's home localities as keys cadre * L + locality)
    loc_code: dict[str, int] = {}
    for j in np.flatnonzero(cols.p_non_local).tolist():
        place = post_locality[j]
        if place is not None:
            loc_code.setdefault(place, len(loc_code))
    if loc_code:
        n_l = len(loc_code)
        p_loc = np.fromiter((loc_code.get(loc, -1) if loc is not None else -1 for loc in post_locality),
                            dtype=np.int64, count=n_p)
        home = np.fromiter((i * n_l + loc_code[h] for i, c in enumerate(cadres) for h in c.home_localities
                            if h in loc_code), dtype=np.int64)
        nl = cols.p_non_local[pj] & (p_loc[pj] >= 0)
        nl[nl] = np.isin(ci[nl] * n_l + p_loc[pj[nl]], home)
        bits[nl] |= RULE_BIT["non_local"]
    # the post's required qualifications (as bit masks over the codes in use)
    codes = {q: b for b, q in enumerate(sorted({q for p in posts for q in p.requires}))}
    if codes:
        if len(codes) <= 62:
            req = np.array([sum(1 << codes[q] for q in set(p.requires)) for p in posts], dtype=np.int64)
            has = np.array([sum(1 << codes[q] for q in set(c.qualifications) if q in codes) for c in cadres],
                           dtype=np.int64)
            bits[(req[pj] & ~has[ci]) != 0] |= RULE_BIT["qualification"]
        else:
            for m in range(len(idx)):
                if not set(posts[pj[m]].requires) <= set(cadres[ci[m]].qualifications):
                    bits[m] |= RULE_BIT["qualification"]
    # P13 when the rule set limits the cooldown to higher posts
    if rules.discipline_scope == "higher":
        active = np.array([eligibility.discipline_active(c, rules) for c in cadres], dtype=bool)
        not_appointment = ~is_kind["appointment"] if "appointment" in is_kind else np.ones(len(idx), dtype=bool)
        bits[active[ci] & (step > 0) & not_appointment] |= RULE_BIT["discipline"]
    # R5: a head serves at most N consecutive terms in one place
    bits[cols.head_limit(ci, pj)] |= RULE_BIT["head_terms"]
    # the caller's planning checks, and the scenario's forbidden moves
    bits[precheck[idx]] |= RULE_BIT["precheck"]
    if forbidden:
        banned = np.array([cidx[c] * n_p + pidx[p] for c, p in forbidden if c in cidx and p in pidx], dtype=np.int64)
        bits[np.isin(key, banned)] |= RULE_BIT["forbidden"]
    return {"cadre": ci, "post": pj, "candidate": idx, "fail": bits, "fit": fit[idx], "development": development[idx]}


# --------------------------------------------------------------------------------------
# Side constraints as count rows


def _rows(inst: Instance, post_locality: list[str | None]) -> list[Row]:
    return (_unit_limit_rows(inst) + _family_rows(inst, post_locality) + _target_rows(inst))


def _unit_limit_rows(inst: Instance) -> list[Row]:
    """Per unit: at most `max_leaving` of its cadres move to another unit, and at most
    `max_arriving` cadres from other units move in."""
    problem = inst.problem
    rows: list[Row] = []
    limited = [u for u in problem.units if u.max_leaving is not None or u.max_arriving is not None]
    if not limited:
        return rows
    codes: dict[str | None, int] = {None: -1}
    for name in inst.post_unit + inst.cadre_unit:
        codes.setdefault(name, len(codes))
    post_code = np.array([codes[u] for u in inst.post_unit] + [-2], dtype=np.int64)   # -2: outside
    to_unit = post_code[inst.opt_post]                         # OUTSIDE (-1) maps to the extra -2
    from_unit = np.array([codes[u] for u in inst.cadre_unit], dtype=np.int64)[inst.opt_cadre]
    moving = inst.opt_move & (to_unit != from_unit)
    leaving = np.flatnonzero(moving)
    by_from = _group(from_unit[leaving], leaving)
    by_to = _group(to_unit[leaving], leaving)
    for u in limited:
        code = codes.get(u.id, -3)
        if u.max_leaving is not None:
            opts = by_from.get(code, np.empty(0, dtype=np.int64))
            if len(opts) > u.max_leaving:
                rows.append(Row("leave", u.id, opts, hi=u.max_leaving))
        if u.max_arriving is not None:
            opts = by_to.get(code, np.empty(0, dtype=np.int64))
            if len(opts) > u.max_arriving:
                rows.append(Row("arrive", u.id, opts, hi=u.max_arriving))
    return rows


def _group(keys: np.ndarray, values: np.ndarray) -> dict[int, np.ndarray]:
    """values grouped by key (both arrays of the same length)."""
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.empty(0, dtype=np.int64)
    ends = np.r_[starts[1:], len(keys)]
    return {int(keys[a]): values[a:b] for a, b in zip(starts, ends, strict=False)}


def _family_rows(inst: Instance, post_locality: list[str | None]) -> list[Row]:
    """QĐ 114: relatives may not sit in one leadership collective (which covers head and
    deputy of one unit), nor be party secretary or government head of a locality while
    the other heads one of the 13 sectors there."""
    problem = inst.problem
    kinds = set(problem.rules.family_kinds)
    relations = [r for r in problem.relations if r.kind in kinds and r.a != r.b]
    if not relations:
        return []
    collective = [p.collective or p.unit for p in problem.posts]
    top = [p.top_leader for p in problem.posts]
    sector_head = [bool(p.sector) and p.is_head for p in problem.posts]
    # the moves of the related cadres only (a few per relation), in option order
    involved = np.array(sorted({inst.cadre_index[r.a] for r in relations} | {inst.cadre_index[r.b] for r in relations}),
                        dtype=np.int64)
    sel = np.flatnonzero(np.isin(inst.opt_cadre, involved) & (inst.opt_post >= 0))
    by_cadre: dict[int, list[int]] = {}
    for o, i in zip(sel.tolist(), inst.opt_cadre[sel].tolist(), strict=True):
        by_cadre.setdefault(i, []).append(o)
    rows: list[Row] = []
    for rel in relations:
        a, b = inst.cadre_index[rel.a], inst.cadre_index[rel.b]
        oa, ob = by_cadre.get(a, []), by_cadre.get(b, [])
        info = {"a": rel.a, "b": rel.b, "kind": rel.kind}
        # the same collective
        groups_a: dict[str, list[int]] = {}
        for o in oa:
            groups_a.setdefault(collective[inst.opt_post[o]], []).append(o)
        groups_b: dict[str, list[int]] = {}
        for o in ob:
            groups_b.setdefault(collective[inst.opt_post[o]], []).append(o)
        for k in sorted(set(groups_a) & set(groups_b)):
            rows.append(Row("family_collective", f"{rel.a}~{rel.b}@{k}",
                            np.array(groups_a[k] + groups_b[k], dtype=np.int64), hi=1,
                            info=dict(info, collective=k)))
        # secretary / government head vs the head of a sensitive sector, same locality
        for x, y, ox, oy in ((rel.a, rel.b, oa, ob), (rel.b, rel.a, ob, oa)):
            tops: dict[str, list[int]] = {}
            for o in ox:
                j = inst.opt_post[o]
                if top[j] and post_locality[j] is not None:
                    tops.setdefault(post_locality[j], []).append(o)
            heads: dict[str, list[int]] = {}
            for o in oy:
                j = inst.opt_post[o]
                if sector_head[j] and post_locality[j] is not None:
                    heads.setdefault(post_locality[j], []).append(o)
            for loc in sorted(set(tops) & set(heads)):
                rows.append(Row("family_sector", f"{x}~{y}@{loc}",
                                np.array(tops[loc] + heads[loc], dtype=np.int64), hi=1,
                                info=dict(info, top=x, sector_head=y, locality=loc)))
    return rows


def _target_rows(inst: Instance) -> list[Row]:
    """Structure targets: the count of resulting holders with the attribute among the
    scope's posts lies between the requirement and the cap."""
    problem = inst.problem
    rows: list[Row] = []
    if not problem.targets:
        return rows
    female = np.array([c.sex == "F" for c in problem.cadres], dtype=bool)
    minority = np.array([c.minority for c in problem.cadres], dtype=bool)
    age = np.array([c.age for c in problem.cadres], dtype=np.int64)
    levels = {u.id: u.level for u in problem.units}
    # the options into each unit's and each level's posts (OUTSIDE left out), in option order
    unit_code: dict[str, int] = {}
    level_code: dict[str | None, int] = {}
    p_unit = np.fromiter((unit_code.setdefault(u, len(unit_code)) for u in inst.post_unit), dtype=np.int64,
                         count=inst.n_posts)
    p_level = np.fromiter((level_code.setdefault(levels.get(u), len(level_code)) for u in inst.post_unit),
                          dtype=np.int64, count=inst.n_posts)
    into = np.flatnonzero(inst.opt_post >= 0)
    by_unit = _group(p_unit[inst.opt_post[into]], into)
    by_level = _group(p_level[inst.opt_post[into]], into)
    unit_seats = np.bincount(p_unit, minlength=len(unit_code))
    level_seats = np.bincount(p_level, minlength=len(level_code))
    none = np.empty(0, dtype=np.int64)
    for t in problem.targets:
        if t.unit is not None:
            code = unit_code.get(t.unit, -1)
            seats = int(unit_seats[code]) if code >= 0 else 0
            into_scope = by_unit.get(code, none)
        else:
            code = level_code.get(t.level, -1)
            seats = int(level_seats[code]) if code >= 0 else 0
            into_scope = by_level.get(code, none)
        need, cap = target_need_cap(t, seats)
        if need is None and cap is None:
            continue
        if t.attribute == "female":
            with_attr = female
        elif t.attribute == "minority":
            with_attr = minority
        else:
            lo = t.min_age if t.min_age is not None else -1
            hi = t.max_age if t.max_age is not None else 10_000
            with_attr = (age >= lo) & (age < hi)
        opts = into_scope[with_attr[inst.opt_cadre[into_scope]]]
        weight = t.weight if t.weight is not None else problem.weights.structure
        rows.append(Row("target", t.id, opts, lo=need, hi=cap, hard=t.hard, weight=weight,
                        info={"seats": seats, "name": t.name}))
    return rows
