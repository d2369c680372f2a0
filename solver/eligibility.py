"""The attribute rules of a move, checked from the data carried in the problem.

`cadre_failures` and `pair_failures` return, for a cadre or a (cadre, post) pair, the
ids of the rules it fails (see `model.PAIR_RULES`); an empty result means eligible. The
independent checker (`solver.checker`) has its own copy of these rules on purpose.
"""

from __future__ import annotations

from .model import Cadre, Post, Rules

RATING_ORDER = {"fail": 0, "complete": 1, "good": 2, "excellent": 3}


def cadre_failures(cadre: Cadre, rules: Rules) -> list[str]:
    """The rules a cadre fails whatever the post: pool, ratings, service, discipline, tenure."""
    failed = []
    # R1: only cadres in a succession pool are rotated.
    if rules.require_pool and not cadre.in_pool:
        failed.append("pool")
    # P8/R9: rated at least the threshold in each of the last N years (a missing year fails).
    threshold = RATING_ORDER[rules.rating_threshold]
    recent = cadre.ratings[: rules.rating_years]
    if len(recent) < rules.rating_years or min(RATING_ORDER.get(r or "", -1) for r in recent) < threshold:
        failed.append("rating")
    # R7: at least N months of service left on the rotation date.
    if cadre.months_service_left < rules.min_service_months:
        failed.append("service")
    # P13: no active discipline cooldown (for any move, or only upward ones: see pair_failures).
    if rules.discipline_scope == "any" and discipline_active(cadre, rules):
        failed.append("discipline")
    # R8: the current post has been held for the minimum tenure.
    if cadre.months_in_post < rules.min_tenure_months:
        failed.append("tenure")
    return failed


def discipline_active(cadre: Cadre, rules: Rules) -> bool:
    d = cadre.discipline
    if d is None:
        return False
    cooldown = rules.discipline_cooldown_months.get(d.level, 0)
    return d.months_since < cooldown


def pair_failures(cadre: Cadre, post: Post, rules: Rules, post_locality: str | None) -> list[str]:
    """The rules a move of this cadre to this post fails because of the post."""
    failed = []
    # R6: an equivalent post; one rank step higher only for outstanding cadres.
    step = post.rank - cadre.rank
    if not (step == 0 or (cadre.outstanding and 0 < step <= rules.rank_step_outstanding)):
        failed.append("rank")
    # R4: key posts are held by non-locals.
    if post.non_local and post_locality is not None and post_locality in cadre.home_localities:
        failed.append("non_local")
    # The post's required qualifications.
    if post.requires and not set(post.requires) <= set(cadre.qualifications):
        failed.append("qualification")
    # P13 when the rule set limits the cooldown to higher posts.
    if rules.discipline_scope == "higher" and step > 0 and discipline_active(cadre, rules):
        failed.append("discipline")
    # R5: a head serves at most N consecutive terms in one place.
    if head_limit_reached(cadre, post, rules):
        failed.append("head_terms")
    return failed


def head_limit_reached(cadre: Cadre, post: Post, rules: Rules) -> bool:
    """Holding this head post would start term N+1 as head of the same unit."""
    return (post.is_head and cadre.head_unit is not None and post.unit == cadre.head_unit
            and cadre.head_terms >= rules.head_term_limit)
