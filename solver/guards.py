"""Guards of options: the scenario rules (pins, forbidden moves, the head's term limit) that
must be off for an option to be usable, as keys the diagnosis switches and the CP-SAT model
turns into guard literals. Apart from both so neither imports the other."""

from __future__ import annotations

from typing import Any

from .instance import RULE_BIT, Instance

GuardKey = tuple[Any, ...]

ELIGIBILITY = ("pool", "precheck", "rating", "service", "rank", "non_local", "qualification",
               "discipline", "tenure")
ELIGIBILITY_BITS = sum(RULE_BIT[r] for r in ELIGIBILITY)


def _pinned_by_post(inst: Instance) -> dict[int, list[int]]:
    cache = getattr(inst, "_pinned_by_post", None)
    if cache is None:
        cache = {}
        for i, o in inst.pins.items():
            j = int(inst.opt_post[o])
            if j < 0:
                continue
            cache.setdefault(j, []).append(i)
        for i, o in inst.pins.items():       # a cadre pinned to stay keeps their post
            if o == inst.stay_option[i] and inst.cadre_post[i] >= 0:
                cache.setdefault(int(inst.cadre_post[i]), []).append(i)
        inst._pinned_by_post = cache       # type: ignore[attr-defined]
    return cache


def option_guard_keys(inst: Instance, o: int) -> list[GuardKey] | None:
    """The scenario guards that must be off for option `o` to be usable; None when the
    option fails an attribute rule (never usable)."""
    mask = int(inst.fail[o])
    if mask & ELIGIBILITY_BITS:
        return None
    if not mask:
        return []
    i, j = int(inst.opt_cadre[o]), int(inst.opt_post[o])
    cadre_id = inst.cadre_ids[i]
    keys: list[GuardKey] = []
    if mask & RULE_BIT["head_terms"]:
        keys.append(("head_terms", cadre_id))
    if mask & RULE_BIT["forbidden"]:
        # a forbidden move names its post; a forbidden stay (`post: null`) names none
        keys.append(("forbidden", cadre_id, None if o == inst.stay_option[i] else inst.post_ids[j]))
    if mask & RULE_BIT["pinned"]:
        if i in inst.pins and inst.pins[i] != o:
            keys.append(("pinned", cadre_id))
        if j >= 0:
            for p in _pinned_by_post(inst).get(j, []):
                if p != i:
                    keys.append(("pinned", inst.cadre_ids[p]))
    return keys
