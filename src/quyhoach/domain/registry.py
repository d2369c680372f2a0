"""Which function decides each rule id.

Every rule of `docs/RULES.md` (P1–P14, S1–S5, R1–R9, E1–E6) is decided by exactly one
function in `quyhoach.domain`, marked with `@rule("P8")`. Planning, the forecast, the rotation
problem builder and the analytics call these functions; none re-implements a rule. A test
checks that every rule id of `docs/RULES.md` maps to exactly one registered function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])

RULES: dict[str, Callable[..., object]] = {}


class DuplicateRule(RuntimeError):
    """Two functions claim the same rule id."""


def rule(*rule_ids: str) -> Callable[[F], F]:
    """Mark the function that decides these rule ids (one function may decide a pair, e.g. P6/P7)."""
    def register(fn: F) -> F:
        for rule_id in rule_ids:
            existing = RULES.get(rule_id)
            same = existing is not None and (existing.__module__, existing.__qualname__) == (fn.__module__, fn.__qualname__)
            if existing is not None and not same:
                raise DuplicateRule(f"{rule_id}: {existing.__module__}.{existing.__qualname__} "
                                    f"and {fn.__module__}.{fn.__qualname__}")
            RULES[rule_id] = fn
        return fn
    return register


def function_for(rule_id: str) -> Callable[..., object]:
    return RULES[rule_id]
