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
from quyhoach.reports.lang import _, rule_name, say, share
from quyhoach.reports.letterhead import Letterhead
from quyhoach.services.evaluations.analytics import Analytics


# The heading, signature and "Nơi nhận" of a party document: one form for every paper (reports.letterhead).
Heading = Letterhead


@dataclass
class Chart:
    """A chart drawn once: SVG for the page and the PDF, PNG for the DOCX."""

    key: str
    title: str
    svg: str
    png: bytes
    width_cm: float = 16.0
    slices: list[Chart] = field(default_factory=list)   # a tall drawing cut in page-high parts (PDF, DOCX)

    @property
    def pages(self) -> list[Chart]:
        return self.slices or [self]


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
    def of(cls, f: Finding) -> TargetRow:
        c = f.compared or {}
        return cls(f.rule, rule_name(f.name), say(f.message), f.passed, f.severity, c.get("value"), c.get("total"),
                   c.get("share"),
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
    labels: list[str]             # dưới 45, 45–49, từ 50 trở lên
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
    lines: list[str] = field(default_factory=list)    # what is short, in words (rules by name)


@dataclass
class DocTable:
    """A plain table of a paper, written the same way by every builder: headers, widths in
    cm on the printable width (16.5 cm portrait), rows of text, each column's alignment."""

    headers: list[str]
    widths: list[float]
    rows: list[list[Any]]
    aligns: list[str] = field(default_factory=list)

    @property
    def shares(self) -> list[float]:
        """The widths as percentages of the table (the PDF's fixed layout)."""
        total = sum(self.widths) or 1.0
        return [round(100 * w / total, 2) for w in self.widths]


@dataclass
class DocPart:
    """A numbered part of a paper's text: a title, paragraphs, and tables after them."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[DocTable] = field(default_factory=list)
    after: list[str] = field(default_factory=list)     # paragraphs after the tables


STRUCTURE_TARGETS = ("P2", "P3", "P4", "S1", "S2", "S3", "S4")   # the targets a structure table concludes on


def _pct(value: float | None) -> str:
    return share(value or 0.0)


def structure_table(groups: list[GroupRow], first_header: str, widths: list[float] | None = None) -> DocTable:
    rows = []
    for g in groups:
        bad = [t for t in g.failing_targets if t.rule in STRUCTURE_TARGETS]
        rows.append([g.label, g.pools, g.members, f"{g.women.count} ({_pct(g.women.share)})",
                     f"{g.young.count} ({_pct(g.young.share)})", f"{g.minority.count} ({_pct(g.minority.share)})",
                     f"{g.pools_all_bands}/{g.pools}",
                     _("Đạt") if not bad else _("Chưa đạt: ") + "; ".join(t.name.lower() for t in bad)])
    return DocTable([first_header, _("Số chức danh"), _("Số cán bộ"), _("Nữ"), _("Trẻ"), _("Dân tộc thiểu số"),
                     _("Đủ ba độ tuổi"), _("Chỉ tiêu")], widths or [6.0, 1.6, 1.6, 2.4, 2.4, 2.4, 2.0, 8.3], rows,
                    ["left", "right", "right", "right", "right", "right", "right", "left"])


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
    opening: list[str] = field(default_factory=list)      # the legal bases and the province's plan
    parts: dict[str, DocPart] = field(default_factory=dict)   # previous, source, qualifications, thin, review, approvals
    assessment: list[str] = field(default_factory=list)   # editable by the officer before issuing
    direction: list[str] = field(default_factory=list)
    proposals: list[str] = field(default_factory=list)

    @property
    def unit_table(self) -> DocTable:
        """The structure by unit (Phụ lục 1): one row per unit, on landscape pages."""
        return structure_table(self.by_unit, _("Cơ quan, đơn vị"))

    @property
    def failing_table(self) -> DocTable:
        """The failing lists with what each lacks, in words (Phụ lục 2)."""
        return DocTable([_("STT"), _("Chức danh quy hoạch"), _("Nội dung chưa đạt")], [1.2, 7.0, 18.5],
                        [[i, f"{f.title}\n{f.unit}", "\n".join(f.lines)] for i, f in enumerate(self.failing, start=1)],
                        ["right", "left", "left"])

    @property
    def unit_words(self) -> str:
        short = sum(1 for g in self.by_unit if g.failing_pools)
        return _("%(units)s cơ quan, đơn vị có danh sách quy hoạch; %(short)s cơ quan, đơn vị còn danh sách chưa đạt. "
                 "Chi tiết từng cơ quan, đơn vị tại Phụ lục 1.", units=len(self.by_unit), short=short)

    @property
    def failing_words(self) -> str:
        members = sum(len(f.members) for f in self.failing)
        return _("%(pools)s danh sách chưa đạt điều kiện hoặc chỉ tiêu cơ cấu, trong đó %(members)s lượt cán bộ chưa "
                 "đủ điều kiện. Nội dung chưa đạt của từng danh sách tại Phụ lục 2.", pools=len(self.failing),
                 members=members)

    @property
    def bases(self) -> list[str]:
        """The legal bases of the conditions and targets the failing lists miss (cited once)."""
        seen: dict[str, None] = {}
        for f in self.failing:
            for x in [*f.structure, *(y for m in f.members for y in m.findings)]:
                if x.basis:
                    seen.setdefault(x.basis, None)
        return list(seen)

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
    career: list[DossierCareer]
    years: list[DossierYear]
    months: list[tuple[int, float | None]]       # (month, score) of the latest scored year
    month_year: int | None
    votes: list[dict]
    disciplines: list[dict]
    pools: list[dict]              # the pools the cadre is in, with the failing findings
    charts: dict[str, Chart]
    on: dt.date


# --------------------------------------------------------------------------- scenario decision

@dataclass
class PlanTerm:
    """A named term of a plan's objective: weight × value = signed contribution."""

    name: str
    label: str
    weight: int
    value: int
    contribution: int


@dataclass
class DecisionPlan:
    """A solved plan as the decision report compares it: the one proposed (or adopted) and
    each alternative (another run of the scenario, a copy or a relaxed child)."""

    run_id: int
    scenario_id: int
    scenario_name: str
    label: str                     # the run's label ("Tỷ lệ cán bộ nữ tối thiểu = 30%"), may be ""
    relation: str                  # Phương án được thông qua / Lần giải khác / Bản sao / Nới quy định
    chosen: bool
    status: str                    # in words: tối ưu (đã chứng minh), ...
    objective: int | None
    gap: float | None
    terms: dict[str, PlanTerm]
    moves: int
    open_before: int
    open_after: int
    soft_missed: list[str]         # soft structure targets still short after the plan
    soft_short: int                # persons short over those targets
    hard_targets: int
    by_kind: dict[str, int] = field(default_factory=dict)   # moves per kind, in words: {"Bổ nhiệm": 24, ...}


@dataclass
class DecisionMove:
    number: int
    cadre_code: str
    cadre_name: str
    age: int | None
    sex: str                       # Nam / Nữ
    minority: bool
    from_post: str                 # "" for a cadre from outside the posts in play
    from_unit: str
    to_post: str
    to_unit: str
    kind: str                      # Lấp vị trí trống / Thay người chuyển đi / Điều động
    fit: int
    development: int
    reasons: list[str]
    act: str = ""                  # the kind of move (RULES §9): Bổ nhiệm / Luân chuyển / Điều động / Biệt phái


@dataclass
class DecisionChain:
    number: int
    kind: str                      # chain / cycle
    kind_label: str                # Chuỗi / Vòng
    moves: int
    text: str
    opens: str                     # the post left vacant at a chain's end, "" when none


@dataclass
class DecisionTarget:
    """A structure target of the plan, before and after (solver.StructureFigure in words)."""

    name: str
    hard: bool
    seats: int
    need: int | None
    cap: int | None
    before: int
    after: int
    shortfall_before: int
    shortfall_after: int

    @property
    def passed(self) -> bool:
        return self.shortfall_after == 0

    @property
    def before_share(self) -> float:
        return self.before / self.seats if self.seats else 0.0

    @property
    def after_share(self) -> float:
        return self.after / self.seats if self.seats else 0.0


@dataclass
class DecisionLevelRow:
    """The leadership in play at one level (or all of it), one attribute, before and after."""

    scope: str                     # Tất cả vị trí trong phương án / Tỉnh / Xã ...
    attribute: str                 # female, minority, young
    label: str                     # Nữ / Dân tộc thiểu số / Trẻ (dưới 40 tuổi)
    seats: int
    before: int
    after: int

    @property
    def before_share(self) -> float:
        return self.before / self.seats if self.seats else 0.0

    @property
    def after_share(self) -> float:
        return self.after / self.seats if self.seats else 0.0


@dataclass
class ScenarioDecisionReport:
    """The Standing Committee's decision report on a rotation scenario: the plan adopted
    (or proposed, as a draft), the alternatives it was compared with, the moves, the vacancy
    chains and the structure before and after."""

    heading: Heading
    scenario_id: int
    scenario_name: str
    description: str
    rotation_date: dt.date
    adopted: bool
    decision_no: str
    adopted_on: dt.date | None
    adopted_by: str
    note: str
    run_id: int
    run_label: str
    data_stamp: int | None
    rule_set_code: str
    rule_set_name: str             # legal basis
    rules: list[tuple[str, str]]   # the rule set's numbers the plan was solved under
    weights: list[tuple[str, int, str]]   # label, weight, what it counts
    settings: list[tuple[str, str]]       # the scenario's choices, in words
    plan: DecisionPlan
    alternatives: list[DecisionPlan]
    alternatives_left_out: int
    term_names: list[tuple[str, str]]     # (name, label) of every term of any plan compared
    moves: list[DecisionMove]
    chains: list[DecisionChain]
    targets: list[DecisionTarget]
    levels: list[DecisionLevelRow]
    summary: list[str]
    closing: list[str]             # the request to the Standing Committee, or what follows its decision
    warnings: list[str]
    charts: dict[str, Chart]
    on: dt.date
    resolution: str = ""           # Nghị quyết số 15-NQ/TU ngày 01/06/2026 (adopted)
    alternative_words: list[str] = field(default_factory=list)   # each alternative in a sentence
    comparison: DocTable | None = None   # the plans side by side, in words (the chosen one first)

    @property
    def draft(self) -> bool:
        return not self.adopted

    @property
    def recipients(self) -> list[str]:
        """"Nơi nhận" of the paper (set with its letterhead)."""
        return self.heading.recipients

    @property
    def compared(self) -> list[DecisionPlan]:
        return [self.plan, *self.alternatives]
