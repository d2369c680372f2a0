"""The solver's plain typed objects: the problem it reads, the options, the plan it returns.

Everything here is data: no OR-Tools, no database. Identifiers are the caller's strings
(cadre codes, title codes, unit codes). The JSON form of each object is the same shape
with the same field names (see `solver.io` and `solver/schema/*.schema.json`).

Conventions
- The objective is a *score to maximise*: the weighted fit and development value of the
  resulting assignment, minus weighted penalties (structure shortfalls, number of moves,
  distance from the approved baseline). The best bound is therefore an upper bound:
  `objective <= bound` always, and `gap = (bound - objective) / max(1, |bound|)`.
- A cadre ends in exactly one place: the post they hold now (stays), another post of the
  problem (a move), or outside the problem's posts when they hold none now (no move).
- Candidate pairs come from the caller (the planning pools). The caller may precompute
  eligibility (`Candidate.precheck`); the solver and the checker re-check every attribute
  rule from the data carried here, so a wrong precomputation cannot slip through.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable

# --------------------------------------------------------------------------------------
# Rule identifiers (stable codes; the messages are in solver.messages)

#: Attribute rules checked for every candidate pair (a move), in the order they are reported.
PAIR_RULES = (
    "pool",           # R1: only cadres in a succession pool are rotated
    "precheck",       # the caller's own planning checks failed for this pair
    "rating",         # P8/R9: rated at least the threshold in each of the last N years
    "service",        # R7: at least N months of service left
    "rank",           # R6: equivalent rank; one step higher only for outstanding cadres
    "non_local",      # R4: key posts held by non-locals
    "qualification",  # the post's required qualifications
    "discipline",     # P13: no active discipline cooldown
    "tenure",         # R8: minimum tenure in the current post before moving again
    "head_terms",     # R5: a head serves at most N consecutive terms in one place
    "forbidden",      # a move the scenario forbids
)

#: Cadre-level rules among PAIR_RULES (they depend on the cadre only).
CADRE_RULES = ("pool", "rating", "service", "discipline", "tenure")

#: The kinds of move (RULES.md §9, "Appointment is not rotation"), each judged by its own rules:
#: - appointment (bổ nhiệm, QĐ 377 art. 34): from a pool of that title or an equivalent or higher
#:   one (pool), P8 ratings, `appointment_min_service_months` of service left, not to a lower
#:   post, the discipline cooldowns for a higher post, the post's standards; not R6, R7, R8;
#: - rotation (luân chuyển, QĐ 65): R1–R9 as in PAIR_RULES;
#: - transfer (điều động) and secondment (biệt phái): recorded as such; not to a higher post,
#:   the post's standards, R4, R5 and the discipline scope of the rule set.
MOVE_KINDS = ("appointment", "rotation", "transfer", "secondment")

#: The rules of PAIR_RULES each kind is judged by.
KIND_RULES: dict[str, frozenset[str]] = {
    "rotation": frozenset(PAIR_RULES),
    "appointment": frozenset(PAIR_RULES) - {"tenure"},
    "transfer": frozenset(PAIR_RULES) - {"pool", "rating", "service", "tenure"},
    "secondment": frozenset(PAIR_RULES) - {"pool", "rating", "service", "tenure"},
}

TERM_NAMES = ("fit", "development", "structure", "moves", "baseline")


# --------------------------------------------------------------------------------------
# The problem


@dataclass(slots=True)
class Rules:
    """The rule-set parameters (RULES.md §4-§5); every number is data, never code."""

    rule_set: str = "QĐ 65-QĐ/TW, QĐ 114-QĐ/TW"
    rating_years: int = 3
    rating_threshold: str = "good"            # fail < complete < good < excellent
    min_service_months: int = 120            # R7, for a rotation
    appointment_min_service_months: int = 60  # QĐ 377 art. 34: one full term left at appointment
    rank_step_outstanding: int = 1
    min_tenure_months: int = 36
    head_term_limit: int = 2
    discipline_cooldown_months: dict[str, int] = field(
        default_factory=lambda: {"reprimand": 24, "warning": 36, "removal": 60, "expulsion": 10_000})
    discipline_scope: str = "any"             # "any" move, or only moves to a "higher" rank
    family_kinds: list[str] = field(default_factory=lambda: [
        "spouse", "parent", "child", "sibling", "parent_in_law", "sibling_in_law", "child_in_law"])
    require_pool: bool = True


@dataclass(slots=True)
class Weights:
    """Integer weights of the named objective terms, set per scenario."""

    fit: int = 1            # per point of fit of each resulting holder to their post
    development: int = 1    # per point of development value of each move
    structure: int = 50     # per person short of (or over) a soft structure target, unless the target sets its own
    moves: int = 5          # per move
    baseline: int = 0       # per cadre whose outcome differs from the approved baseline


@dataclass(slots=True)
class Unit:
    id: str
    name: str = ""
    level: str = ""                        # level code, e.g. "tinh", "xa"
    locality: str | None = None         # the territory it belongs to (non-local rule, QĐ 114 "same level")
    max_leaving: int | None = None      # at most this many of its cadres move elsewhere
    max_arriving: int | None = None     # at most this many cadres from elsewhere arrive


@dataclass(slots=True)
class Post:
    """A leadership post (one seat of a title) in a unit."""

    id: str
    unit: str
    name: str = ""
    rank: int = 0
    holder: str | None = None           # the cadre holding it now; None when vacant
    must_fill: bool = False                # exactly one holder in the plan (else at most one)
    is_head: bool = False
    is_deputy: bool = False
    top_leader: bool = False               # party secretary or government head (QĐ 114)
    sector: str | None = None           # one of the 13 sectors of QĐ 114, for heads of those sectors
    non_local: bool = False                # R4: must be held by a non-local
    locality: str | None = None         # defaults to the unit's locality
    requires: list[str] = field(default_factory=list)   # qualification codes
    collective: str | None = None       # leadership collective; defaults to the unit


@dataclass(slots=True)
class Discipline:
    level: str                             # reprimand, warning, removal, expulsion
    months_since: int                      # months from the decision to the rotation date
    in_force: bool | None = None           # judged by the caller's rule set (P9/P13); None: months_since < cooldown
    in_force_appointment: bool | None = None  # ... before a higher post (an appointment); None: as in_force


@dataclass(slots=True)
class Cadre:
    id: str
    name: str = ""
    unit: str | None = None             # current unit; a holder's is their post's unit
    rank: int = 0                          # rank of the current position
    sex: str = "M"                         # "M" or "F"
    minority: bool = False                 # from an ethnic minority
    age: int = 40                          # whole years on the rotation date
    months_service_left: int = 240         # remaining service on the rotation date (RULES §3)
    ratings: list[str | None] = field(default_factory=list)   # most recent year first
    outstanding: bool = False              # "nổi trội": may rotate one rank up (R6)
    home_localities: list[str] = field(default_factory=list)     # locality codes they are "local" to
    qualifications: list[str] = field(default_factory=list)
    discipline: Discipline | None = None
    months_in_post: int = 120              # tenure in the current position
    head_unit: str | None = None        # the unit they have headed ...
    head_terms: int = 0                    # ... for this many consecutive terms, the current one included
    in_pool: bool = True                   # in a succession pool (R1)
    current_fit: int = 0                   # fit to the post they hold (counts when they stay)

    @property
    def female(self) -> bool:
        return self.sex == "F"


@dataclass(slots=True)
class Candidate:
    """A proposed move of a cadre to a post, with its scores."""

    cadre: str
    post: str
    fit: int = 0                           # 0-100: how well the cadre fits the post
    development: int = 0                   # value of the move for the cadre's development
    precheck: list[str] = field(default_factory=list)   # planning checks the caller found failing
    reasons: list[str] = field(default_factory=list)    # the caller's reasons for proposing it
    kind: str = "rotation"                 # one of MOVE_KINDS: the act, and the rules that judge it


@dataclass(slots=True)
class Relation:
    a: str
    b: str
    kind: str = "sibling"


@dataclass(slots=True)
class Target:
    """A structure target on the resulting leadership of a unit (`unit`) or a level (`level`).

    It counts the holders of the scope's posts who have the attribute: female, minority,
    or an age in [min_age, max_age). The requirement is `min_count`, or `min_share` of the
    scope's seats rounded up; the cap is `max_count`, or `max_share` of the seats rounded
    down. Hard targets must hold; soft ones cost `weight` (or Weights.structure) per person
    short or over."""

    id: str
    attribute: str                         # "female", "minority" or "age"
    unit: str | None = None
    level: str | None = None
    name: str = ""
    min_age: int | None = None
    max_age: int | None = None          # exclusive
    min_count: int | None = None
    min_share: float | None = None
    max_count: int | None = None
    max_share: float | None = None
    hard: bool = False
    weight: int | None = None


@dataclass(slots=True)
class Assignment:
    """A pinned or forbidden move, or a move of the approved baseline. `post=None` means
    the cadre stays where they are."""

    cadre: str
    post: str | None = None


@dataclass(slots=True)
class Problem:
    id: str = "problem"
    name: str = ""
    date: str | None = None             # the rotation date (dd/mm/yyyy), for the record
    rules: Rules = field(default_factory=Rules)
    weights: Weights = field(default_factory=Weights)
    units: list[Unit] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    cadres: list[Cadre] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    pinned: list[Assignment] = field(default_factory=list)
    forbidden: list[Assignment] = field(default_factory=list)
    baseline: list[Assignment] = field(default_factory=list)


# --------------------------------------------------------------------------------------
# Options


@dataclass(slots=True)
class Progress:
    """What the progress callback receives."""

    phase: str                             # "relaxation", "search", "alternatives", "diagnosis"
    elapsed: float
    incumbent: int | None = None
    bound: int | None = None
    gap: float | None = None


StopRequest = threading.Event | Callable[[], bool]


@dataclass(slots=True)
class Options:
    time_limit: float = 10.0               # seconds, wall clock, for the whole solve
    relative_gap: float = 1e-4             # stop when the certified gap is this small
    workers: int = 2                       # CP-SAT search workers
    seed: int = 0
    method: str = "auto"                   # "auto" (flow + reduced CP-SAT) or "direct" (one CP-SAT model)
    alternatives: int = 0                  # k alternative plans ...
    alternative_margin: float = 0.01       # ... each within this share of the best objective ...
    alternative_min_difference: int = 1    # ... differing from the others in at least d moves
    diagnose: bool = True                  # explain an infeasible problem
    progress: Callable[[Progress], None] | None = None
    stop: StopRequest | None = None
    log: bool = False                      # CP-SAT search log to stdout


# --------------------------------------------------------------------------------------
# The plan


@dataclass(slots=True)
class Term:
    name: str                              # fit, development, structure, moves, baseline
    label: str                             # the Vietnamese label
    weight: int
    value: int                             # raw quantity (points, persons, moves)
    contribution: int                      # signed contribution to the objective


@dataclass(slots=True)
class Move:
    cadre: str
    to_post: str
    from_post: str | None = None        # None for a cadre who held none of the problem's posts
    from_unit: str | None = None
    to_unit: str | None = None
    fit: int = 0
    development: int = 0
    kind: str = "move"                     # "fills_vacancy", "replaces", or "move"
    reasons: list[str] = field(default_factory=list)
    move_kind: str = "rotation"            # the act (MOVE_KINDS): appointment, rotation, transfer, secondment


@dataclass(slots=True)
class Chain:
    """A vacancy chain (a post opens, is filled by a cadre whose post opens, ...) or a cycle."""

    kind: str                              # "chain" or "cycle"
    cadres: list[str]                      # in order of the moves
    posts: list[str]                       # the posts filled, in the same order
    opens: str | None = None            # for a chain: the post left vacant at its end, if any
    text: str = ""


@dataclass(slots=True)
class StructureFigure:
    target: str
    name: str
    scope: str
    attribute: str
    seats: int
    need: int | None
    cap: int | None
    before: int
    after: int
    shortfall_before: int
    shortfall_after: int
    hard: bool


@dataclass(slots=True)
class Conflict:
    rule: str                              # rule id (must_fill, non_local, family, target, ...)
    subject: str                           # the post, cadre, unit, relation or target concerned
    message: str                           # in Vietnamese


@dataclass(slots=True)
class Diagnosis:
    conflicts: list[Conflict] = field(default_factory=list)
    verified: bool = False                 # the set was re-solved: infeasible, and minimal
    minimal: bool = False
    summary: str = ""


@dataclass(slots=True)
class Plan:
    status: str                            # optimal, feasible, infeasible, unknown, invalid
    objective: int | None = None
    bound: int | None = None
    gap: float | None = None
    time: float = 0.0
    terms: list[Term] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    chains: list[Chain] = field(default_factory=list)
    structure: list[StructureFigure] = field(default_factory=list)
    diagnosis: Diagnosis | None = None
    alternatives: list[Plan] = field(default_factory=list)
    difference: int | None = None       # for an alternative: moves differing from the best plan
    warnings: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status in ("optimal", "feasible")

    def holders(self, problem: Problem) -> dict[str, str | None]:
        """Post id -> the cadre holding it in this plan."""
        result = {p.id: p.holder for p in problem.posts}
        for move in self.moves:
            if move.from_post is not None and result.get(move.from_post) == move.cadre:
                result[move.from_post] = None
        for move in self.moves:
            result[move.to_post] = move.cadre
        return result
