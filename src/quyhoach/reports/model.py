"""The report model: one dataclass tree per report, gathered once (`reports.gather`) from the
planning world, its judgements and the evaluation analytics, then handed unchanged to every
builder — the HTML page and its PDF print (Jinja), the DOCX (python-docx) and the XLSX
(openpyxl). A builder formats; it never queries.

Every text here is Vietnamese in NFC: the documents are the Board's official papers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from quyhoach.domain.findings import Finding
from quyhoach.services.analytics import Analytics


@dataclass
class Heading:
    """The heading of a party document (Hướng dẫn 36-HD/VPTW): the issuing body on the left
    with the document number, the Party's name on the right with place and date, then the
    kind of document and its subject centred."""

    authority: str                 # ĐẢNG BỘ TỈNH MƯỜNG THANH
    office: str                    # BAN TỔ CHỨC
    number: str                    # Số      -BC/BTCTU
    place: str                     # Mường Thanh
    date: dt.date
    kind: str                      # BÁO CÁO
    subject: str                   # Quy hoạch cán bộ nhiệm kỳ 2025–2030
    motto: str = "ĐẢNG CỘNG SẢN VIỆT NAM"

    @property
    def place_date(self) -> str:
        d = self.date
        return f"{self.place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


@dataclass
class Chart:
    """A chart drawn once: SVG for the page and the PDF, PNG for the DOCX."""

    key: str
    title: str
    svg: str
    png: bytes
    width_cm: float = 16.0


@dataclass
class Figure:
    """A number with its share, as the summary and the structure tables show it."""

    count: int
    total: int

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0


@dataclass
class TargetRow:
    """One structure target (S1–S5, P2–P4) over a group of pools: the finding, in words."""

    rule: str
    name: str
    message: str
    passed: bool
    severity: str
    value: Any = None
    total: Any = None
    share: float | None = None
    threshold: Any = None

    @classmethod
    def of(cls, f: Finding) -> "TargetRow":
        c = f.compared or {}
        return cls(f.rule, f.name, f.message, f.passed, f.severity, c.get("value"), c.get("total"), c.get("share"),
                   c.get("threshold"))


@dataclass
class GroupRow:
    """A line of a structure table: a level or a unit, with its numbers and targets."""

    key: str
    label: str
    pools: int
    members: int                  # distinct cadres
    women: Figure
    young: Figure
    minority: Figure
    bands: list[int]              # members per age band (the level's bands), [] when mixed levels
    pools_all_bands: int
    failing_pools: int
    targets: list[TargetRow] = field(default_factory=list)

    @property
    def failing_targets(self) -> list[TargetRow]:
        return [t for t in self.targets if not t.passed]


@dataclass
class BandColumns:
    level: str
    level_name: str
    labels: list[str]             # dưới 45, 45–50, từ 50 trở lên
    counts: list[int]
    total: int


@dataclass
class ListRow:
    """One line of the "danh sách trích ngang" (RULES.md §7)."""

    number: int
    code: str
    name: str
    birth_date: dt.date
    sex: str
    ethnicity: str
    hometown: str
    post: str
    post_since: dt.date | None
    education: str
    theory: str
    state_mgmt: str
    language: str
    it: str
    party_entry: dt.date | None
    ratings: list[tuple[int, str]]        # (year, HTXSNV/HTTNV/... or "")
    planned_title: str
    source: str
    ballots: list[str]                    # one line per procedure step
    note: str
    eligible: bool = True


@dataclass
class PoolList:
    title: str
    unit: str
    level: str
    term: str
    pool_id: int
    rows: list[ListRow]
    meets_all: bool


@dataclass
class FailingMember:
    name: str
    code: str
    findings: list[Finding]


@dataclass
class FailingPool:
    title: str
    unit: str
    term: str
    pool_id: int
    structure: list[Finding]
    members: list[FailingMember]


@dataclass
class TermPlanningReport:
    heading: Heading
    scope_code: str                # unit code, "" for the province
    scope_name: str                # "toàn tỉnh" or the unit's name
    term_code: str
    term_name: str
    term_start: dt.date
    term_end: dt.date
    on: dt.date
    rule_set: str                  # code — name (legal basis)
    rule_set_code: str
    summary: list[str]             # sentences of the summary
    counts: dict[str, int]
    by_level: list[GroupRow]
    by_unit: list[GroupRow]
    bands: list[BandColumns]
    totals: GroupRow
    pools: list[PoolList]
    failing: list[FailingPool]
    charts: dict[str, Chart]
    evaluations: Analytics
    rating_years: list[int]

    @property
    def list_rows(self) -> int:
        return sum(len(p.rows) for p in self.pools)


@dataclass
class DossierCareer:
    start: dt.date
    end: dt.date | None
    position: str
    unit: str
    concurrent: bool


@dataclass
class DossierYear:
    year: int
    rating: str | None             # code
    rating_label: str
    score: float | None
    note: str


@dataclass
class DossierReport:
    heading: Heading
    code: str
    name: str
    fields: list[tuple[str, str]]  # the numbered fields of form 2C, label -> value
    career: list[DossierCareer]
    relations: list[tuple[str, str, str, str]]   # kind, name, birth year, post
    years: list[DossierYear]
    months: list[tuple[int, float | None]]       # (month, score) of the latest scored year
    month_year: int | None
    votes: list[dict]
    disciplines: list[dict]
    pools: list[dict]              # the pools the cadre is in, with the failing findings
    charts: dict[str, Chart]
    on: dt.date
