"""The attribute rules of a move, checked from the data carried in the problem.

`cadre_failures` and `pair_failures` return, for a cadre or a (cadre, post) pair, the
ids of the rules it fails (see `model.PAIR_RULES`); an empty result means eligible. Each
kind of move is judged by its own rules (`model.KIND_RULES`): an appointment is not judged
by R6, R7 and R8, a rotation is. The independent checker (`solver.checker`) has its own
copy of these rules on purpose.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from .model import KIND_RULES, Cadre, Post, Rules

RATING_ORDER = {"fail": 0, "complete": 1, "good": 2, "excellent": 3}


def cadre_failures(cadre: Cadre, rules: Rules, kind: str = "rotation") -> list[str]:
    """The rules a cadre fails whatever the post (pool, ratings, service, discipline, tenure),
    for a move of this kind."""
    applies = KIND_RULES.get(kind, KIND_RULES["rotation"])
    failed = []
    # R1 (rotation) / QĐ 377 art. 34 (appointment): only cadres in a succession pool.
    if "pool" in applies and rules.require_pool and not cadre.in_pool:
        failed.append("pool")
    # P8/R9: rated at least the threshold in each of the last N years (a missing year fails;
    # N = 0 asks for no rating at all).
    threshold = RATING_ORDER[rules.rating_threshold]
    recent = cadre.ratings[: rules.rating_years]
    if "rating" in applies and (len(recent) < rules.rating_years
                                or min((RATING_ORDER.get(r or "", -1) for r in recent), default=threshold) < threshold):
        failed.append("rating")
    # R7: at least 120 months of service left on the rotation date; an appointment: 60 (one term).
    if "service" in applies and cadre.months_service_left < service_needed(rules, kind):
        failed.append("service")
    # P13: no active discipline cooldown (for any move, or only upward ones: see pair_failures);
    # an appointment is to a higher post: the cooldown always applies.
    if "discipline" in applies and discipline_active(cadre, rules, kind):
        if kind == "appointment" or rules.discipline_scope == "any":
            failed.append("discipline")
    # R8: the current post has been held for the minimum tenure.
    if "tenure" in applies and cadre.months_in_post < rules.min_tenure_months:
        failed.append("tenure")
    return failed


#: the order `cadre_failures` names the rules in
CADRE_RULES = ("pool", "rating", "service", "discipline", "tenure")


def cadre_failure_masks(cadres: Sequence[Cadre], rules: Rules, kinds: Iterable[str]) -> dict[str, dict[str, np.ndarray]]:
    """`cadre_failures` for every cadre at once: per kind of move, per rule of
    `CADRE_RULES`, which cadres fail it (tests/solver/test_instance.py compares the two).
    The attributes are read once, whatever the number of kinds."""
    n = len(cadres)
    threshold = RATING_ORDER[rules.rating_threshold]
    years = rules.rating_years
    in_pool = np.fromiter((c.in_pool for c in cadres), dtype=bool, count=n)
    rated = np.fromiter((len(c.ratings) >= years
                         and min((RATING_ORDER.get(r or "", -1) for r in c.ratings[:years]), default=threshold) >= threshold
                         for c in cadres), dtype=bool, count=n)
    service = np.fromiter((c.months_service_left for c in cadres), dtype=np.int64, count=n)
    tenure = np.fromiter((c.months_in_post for c in cadres), dtype=np.int64, count=n)
    disciplined = [i for i, c in enumerate(cadres) if c.discipline is not None]
    masks: dict[str, dict[str, np.ndarray]] = {}
    for kind in kinds:
        applies = KIND_RULES.get(kind, KIND_RULES["rotation"])
        none = np.zeros(n, dtype=bool)
        discipline = np.zeros(n, dtype=bool)
        if "discipline" in applies and (kind == "appointment" or rules.discipline_scope == "any"):
            for i in disciplined:
                discipline[i] = discipline_active(cadres[i], rules, kind)
        masks[kind] = {
            "pool": ~in_pool if "pool" in applies and rules.require_pool else none,
            "rating": ~rated if "rating" in applies else none,
            "service": service < service_needed(rules, kind) if "service" in applies else none,
            "discipline": discipline,
            "tenure": tenure < rules.min_tenure_months if "tenure" in applies else none,
        }
    return masks


def service_needed(rules: Rules, kind: str) -> int:
    """Months of service left a move of this kind needs (R7 for a rotation, QĐ 377 art. 34
    for an appointment, none for a transfer or a secondment)."""
    if kind == "appointment":
        return rules.appointment_min_service_months
    if kind == "rotation":
        return rules.min_service_months
    return 0


def discipline_active(cadre: Cadre, rules: Rules, kind: str = "rotation") -> bool:
    """A discipline still bars the move: as the caller judged it for the purpose (an
    appointment's cooldown before a higher post, or planning's), else by the months."""
    d = cadre.discipline
    if d is None:
        return False
    if kind == "appointment" and d.in_force_appointment is not None:
        return d.in_force_appointment
    if d.in_force is not None:
        return d.in_force
    cooldown = rules.discipline_cooldown_months.get(d.level, 0)
    return d.months_since < cooldown


def rank_allowed(step: int, outstanding: bool, rules: Rules, kind: str) -> bool:
    """R6 for a rotation: an equivalent post, one step higher only for outstanding cadres.
    An appointment is never to a lower post; a transfer or secondment never to a higher one."""
    if kind == "appointment":
        return step >= 0
    if kind in ("transfer", "secondment"):
        return step <= 0
    return step == 0 or (outstanding and 0 < step <= rules.rank_step_outstanding)


def pair_failures(cadre: Cadre, post: Post, rules: Rules, post_locality: str | None,
                  kind: str = "rotation") -> list[str]:
    """The rules a move of this kind of this cadre to this post fails because of the post."""
    failed = []
    step = post.rank - cadre.rank
    if not rank_allowed(step, cadre.outstanding, rules, kind):
        failed.append("rank")
    # R4: key posts are held by non-locals.
    if post.non_local and post_locality is not None and post_locality in cadre.home_localities:
        failed.append("non_local")
    # The post's required qualifications.
    if post.requires and not set(post.requires) <= set(cadre.qualifications):
        failed.append("qualification")
    # P13 when the rule set limits the cooldown to higher posts.
    if (kind in ("rotation", "transfer", "secondment") and rules.discipline_scope == "higher" and step > 0
            and discipline_active(cadre, rules)):
        failed.append("discipline")
    # R5: a head serves at most N consecutive terms in one place.
    if head_limit_reached(cadre, post, rules):
        failed.append("head_terms")
    return failed


def head_limit_reached(cadre: Cadre, post: Post, rules: Rules) -> bool:
    """Holding this head post would start term N+1 as head of the same unit."""
    return (post.is_head and cadre.head_unit is not None and post.unit == cadre.head_unit
            and cadre.head_terms >= rules.head_term_limit)
