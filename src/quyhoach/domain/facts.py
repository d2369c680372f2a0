"""Plain facts about cadres, titles, terms and pools: what the planning rules read.

The service layer builds these from the database in a few batched queries; the rules
in `eligibility` and `structure` are pure functions of them, so they can be tested
with hand-made facts and run for a whole province in well under a second.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TitleFact:
    id: int
    code: str
    name: str
    unit_id: int
    unit_name: str
    level: str                      # level code of the title's unit: "province", "commune" ...
    rank: int
    is_head: bool = False
    is_deputy: bool = False
    non_local: bool = False
    sensitive_sector: str | None = None
    # the locality (is_locality unit: province, commune...) the title belongs to, and
    # its ancestors: "at that level" in QĐ 114, "local" in R4 are judged against it
    locality_id: int | None = None
    term_kind: str = "party"
    # key leadership of the locality: party secretary or government head (QĐ 114)
    is_party_secretary: bool = False
    is_government_head: bool = False
    # codes for per-locality parameters (S4 minority target: minority_min_share_by_unit is
    # looked up by unit_code, then by locality_code)
    unit_code: str = ""
    locality_code: str = ""
    # the title's standards (QĐ 365 framework, P15): the lowest level required of its holder,
    # None where the title requires none (theory_level, state_mgmt_level, degree codes)
    required_theory: str | None = None
    required_state_mgmt: str | None = None
    required_degree: str | None = None


@dataclass(frozen=True)
class RatingFact:
    year: int
    rating: str | None              # excellent / good / complete / fail, or None (score only)
    score: float | None = None
    # E6: months worked in the year when known (None: not recorded, a full year is assumed).
    # The planning world fills it for a year with no yearly rating from its monthly evaluations.
    months_worked: int | None = None


@dataclass(frozen=True)
class VoteFact:
    vote_date: dt.date
    body: str
    convened: int
    present: int
    high: int
    normal: int
    low: int


@dataclass(frozen=True)
class DisciplineFact:
    level: str                      # reprimand / warning / removal / expulsion
    decision_date: dt.date
    effective_to: dt.date | None = None
    decision_no: str | None = None


@dataclass(frozen=True)
class ConclusionFact:
    """A competent body's conclusion that the cadre does not meet the political standard
    (tiêu chuẩn chính trị) of their title: an automatic exit from the pools (P9)."""

    concluded_on: dt.date
    body: str                       # the body that concluded, e.g. Ủy ban Kiểm tra Tỉnh ủy
    document_no: str | None = None


@dataclass(frozen=True)
class RelativeFact:
    """A relative of the cadre who is a cadre too. `kind` says what the relative is to the
    cadre (the relative is the cadre's `kind`: spouse, parent, child, sibling...)."""

    code: str
    name: str
    kind: str
    titles: tuple[TitleFact, ...] = ()   # titles the relative holds now


@dataclass(frozen=True)
class CadreFacts:
    id: int
    code: str
    name: str
    sex: str                        # "M" / "F"
    birth_date: dt.date
    minority: bool
    hometown_locality_ids: frozenset[int] = frozenset()   # the hometown unit and its ancestors
    retirement_override: dt.date | None = None
    theory_level: str = "none"
    state_mgmt_level: str = "none"
    titles: tuple[TitleFact, ...] = ()       # titles held now
    ratings: tuple[RatingFact, ...] = ()     # yearly ratings, any order
    votes: tuple[VoteFact, ...] = ()
    disciplines: tuple[DisciplineFact, ...] = ()
    relatives: tuple[RelativeFact, ...] = ()
    open_proposal: bool = False              # an appointment/nomination proposal is open (P5)
    pool_title_ids: frozenset[int] = frozenset()  # titles whose pools (same term) list the cadre
    degree: str | None = None                # highest degree (standards.DEGREE_ORDER code); None: not known
    conclusions: tuple[ConclusionFact, ...] = ()  # political-standard conclusions (P9)


@dataclass(frozen=True)
class TermFact:
    code: str
    kind: str
    name: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class PoolFacts:
    """A succession pool: one title, one term, its current members."""

    title: TitleFact
    term: TermFact
    members: tuple[CadreFacts, ...] = field(default_factory=tuple)

    @property
    def key(self) -> str:
        return f"{self.title.code}@{self.term.code}"
