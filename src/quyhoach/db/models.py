"""SQLModel tables. One family per noun: base fields, the table, and where the
web needs it a create input. Constraints live on the fields.

Codes (`code` columns) are the stable keys that spreadsheets and fixtures use;
integer ids are internal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

# Sort keys are ASCII digit strings ordered byte by byte; PostgreSQL's default
# locale collation would reorder them, so it gets the "C" collation.
SortKey = sa.String(400).with_variant(sa.String(400, collation="C"), "postgresql")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class WithdrawnFields(SQLModel):
    """A record found wrong is withdrawn with a reason, never deleted: it stays in the
    dossier's history and leaves the facts the rules read (services/planning/world.py)."""

    withdrawn_at: dt.datetime | None = Field(default=None, description="when the record was withdrawn")
    withdrawn_reason: str | None = Field(default=None, max_length=500)
    withdrawn_by: str | None = Field(default=None, max_length=120)


class Ethnicity(SQLModel, table=True):
    """The 54 official ethnic groups with their statistical codes (01 Kinh ... 54 Rơ-măm)."""

    code: str = Field(primary_key=True, max_length=2)
    name_vi: str = Field(max_length=60)
    name_en: str = Field(max_length=60)

    @property
    def is_minority(self) -> bool:
        return self.code != "01"


class Level(SQLModel, table=True):
    """A level of the organisation (trung ương, tỉnh, huyện, xã ...). Levels are data:
    the two-level local government of 2025 and the older three-level one both fit."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=30, unique=True)
    name: str = Field(max_length=80)
    depth: int = Field(ge=0, description="0 for the highest level, growing downward")


class Unit(SQLModel, table=True):
    """A node of the organisation tree: a party committee, a department, a commune..."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=200)
    short_name: str | None = Field(default=None, max_length=80)
    parent_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    level_id: int = Field(foreign_key="level.id", index=True)
    kind: str = Field(max_length=30)
    is_locality: bool = Field(default=False, description="a territory (tỉnh, xã) rather than an agency")
    sort_order: int = Field(default=0)
    search_text: str = Field(default="", max_length=400)
    active: bool = Field(default=True)


class Term(SQLModel, table=True):
    """A five-year term (nhiệm kỳ) of the party or of the government."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=30, unique=True)
    kind: str = Field(max_length=20)
    name: str = Field(max_length=80)
    start_date: dt.date
    end_date: dt.date


class Title(SQLModel, table=True):
    """A leadership post (chức danh) of a unit, with its rank and flags."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=60, unique=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    name: str = Field(max_length=200)
    rank: int = Field(ge=0, le=1000, description="higher is more senior; compared across units")
    seats: int = Field(default=1, ge=1, le=50)
    term_kind: str = Field(default="party", max_length=20)
    is_head: bool = Field(default=False, description="người đứng đầu")
    is_deputy: bool = Field(default=False, description="cấp phó")
    non_local: bool = Field(default=False, description="key post held by a non-local (QĐ 65, R4)")
    sensitive_sector: str | None = Field(default=None, max_length=30, description="one of the 13 sectors of QĐ 114")
    appointing_authority: str | None = Field(default=None, max_length=120)
    leadership_role: str | None = Field(default=None, max_length=30, description="party_secretary, government_head, council_head")
    search_text: str = Field(default="", max_length=400)
    # Title standards (QĐ 365 framework, P15): the lowest level required of the holder, or none.
    required_theory: str | None = Field(default=None, max_length=20, description="theory_level code")
    required_state_mgmt: str | None = Field(default=None, max_length=20, description="state_mgmt_level code")
    required_degree: str | None = Field(default=None, max_length=20, description="degree code")
    active: bool = Field(default=True, description="False once closed or merged into another title")


class CadreBase(SQLModel):
    """The fields of the 2C personal record (sơ yếu lý lịch) that planning needs."""

    code: str = Field(max_length=40, unique=True)
    full_name: str = Field(max_length=120)
    other_names: str | None = Field(default=None, max_length=120)
    birth_date: dt.date
    # "day", or "month"/"year" when the dossier gives only month and year or the year: the
    # date is then the 1st of the month or 1 January (docs/RULES.md, P6).
    birth_date_precision: str = Field(default="day", max_length=5)
    sex: str = Field(max_length=1)
    ethnicity_code: str = Field(foreign_key="ethnicity.code", max_length=2)
    religion: str | None = Field(default=None, max_length=60)
    hometown: str | None = Field(default=None, max_length=200)
    hometown_unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    birthplace: str | None = Field(default=None, max_length=200)
    party_entry_date: dt.date | None = None
    party_official_date: dt.date | None = None
    education: str | None = Field(default=None, max_length=200)
    theory_level: str = Field(default="none", max_length=20)
    state_mgmt_level: str = Field(default="none", max_length=20)
    foreign_language: str | None = Field(default=None, max_length=120)
    it_level: str | None = Field(default=None, max_length=120)
    note: str | None = Field(default=None, max_length=1000)
    # The rest of form 2C (services/records/tabular.DOSSIER_2C_COLUMNS), printed by reports.dossier_2c.
    residence: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    family_origin: str | None = Field(default=None, max_length=120)
    prior_occupation: str | None = Field(default=None, max_length=200)
    recruited_on: dt.date | None = None
    recruited_by: str | None = Field(default=None, max_length=200)
    current_agency_since: dt.date | None = None
    mass_orgs: str | None = Field(default=None, max_length=300)
    military: str | None = Field(default=None, max_length=200)
    general_education: str | None = Field(default=None, max_length=20)
    academic_title: str | None = Field(default=None, max_length=120)
    civil_grade: str | None = Field(default=None, max_length=120)
    salary_step: int | None = None
    salary_coefficient: float | None = None
    salary_since: dt.date | None = None
    honorary_titles: str | None = Field(default=None, max_length=200)
    strengths: str | None = Field(default=None, max_length=200)
    awards: str | None = Field(default=None, max_length=2000)
    health: str | None = Field(default=None, max_length=120)
    war_status: str | None = Field(default=None, max_length=120)
    id_number: str | None = Field(default=None, max_length=20)
    id_issued_on: dt.date | None = None
    insurance_no: str | None = Field(default=None, max_length=20)
    training: str | None = Field(default=None, max_length=3000)
    personal_history: str | None = Field(default=None, max_length=2000)
    family: str | None = Field(default=None, max_length=6000)
    spouse_family: str | None = Field(default=None, max_length=6000)
    salary_history: str | None = Field(default=None, max_length=2000)
    family_economy: str | None = Field(default=None, max_length=1000)
    self_assessment: str | None = Field(default=None, max_length=3000)
    assessment: str | None = Field(default=None, max_length=3000)


class Cadre(CadreBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    search_text: str = Field(default="", max_length=400, index=True)
    sort_key: str = Field(default="", sa_type=SortKey, index=True)
    retirement_override: dt.date | None = Field(default=None, description="set by decision, with a reason")
    retirement_override_reason: str | None = Field(default=None, max_length=300)
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class Posting(WithdrawnFields, table=True):
    """A stretch of the career (quá trình công tác): a title or a position in a unit."""

    id: int | None = Field(default=None, primary_key=True)
    cadre_id: int = Field(foreign_key="cadre.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    title_id: int | None = Field(default=None, foreign_key="title.id", index=True)
    position: str = Field(max_length=200, description="as written in the dossier")
    start_date: dt.date
    end_date: dt.date | None = Field(default=None, description="None while held")
    is_concurrent: bool = Field(default=False, description="kiêm nhiệm")
    kind: str | None = Field(default=None, max_length=20, index=True,
                             description="appointment, rotation, transfer or secondment (RULES §9); None: not recorded")
    planned_end: dt.date | None = Field(default=None, description="a rotation's or secondment's planned end")
    direction: str | None = Field(default=None, max_length=20,
                                  description="a rotation's direction (R3): down, up, locality or agency")
    decision_no: str | None = Field(default=None, max_length=60, description="the decision that made the change")
    decision_date: dt.date | None = None


class Evaluation(WithdrawnFields, table=True):
    """A rating and/or a score for one period: a year, a quarter, a month or a term."""

    __table_args__ = (
        sa.UniqueConstraint("cadre_id", "period", "year", "period_no", name="uq_evaluation_period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cadre_id: int = Field(foreign_key="cadre.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True, description="where the cadre worked then")
    period: str = Field(max_length=10, description="year, quarter, month or term")
    year: int = Field(ge=1945, le=2100)
    period_no: int = Field(default=0, ge=0, le=12, description="quarter 1-4, month 1-12, 0 for a year or a term")
    rating: str | None = Field(default=None, max_length=12)
    score: float | None = Field(default=None, ge=0, le=100)
    note: str | None = Field(default=None, max_length=500)


class ConfidenceVote(WithdrawnFields, table=True):
    """A confidence vote (lấy phiếu tín nhiệm) with its counts."""

    id: int | None = Field(default=None, primary_key=True)
    cadre_id: int = Field(foreign_key="cadre.id", index=True)
    vote_date: dt.date
    body: str = Field(max_length=120, description="the body that voted, e.g. Ban Chấp hành")
    convened: int = Field(ge=0)
    present: int = Field(ge=0)
    high: int = Field(ge=0)
    normal: int = Field(ge=0)
    low: int = Field(ge=0)


class Discipline(WithdrawnFields, table=True):
    """A disciplinary measure (kỷ luật) with its dates."""

    id: int | None = Field(default=None, primary_key=True)
    cadre_id: int = Field(foreign_key="cadre.id", index=True)
    level: str = Field(max_length=20)
    decision_date: dt.date
    effective_to: dt.date | None = Field(default=None, description="end of effect")
    decision_no: str | None = Field(default=None, max_length=60)
    authority: str | None = Field(default=None, max_length=120)
    reason: str | None = Field(default=None, max_length=500)


class PoliticalConclusion(SQLModel, table=True):
    """A competent body's conclusion that a cadre does not meet the political standard
    (không đạt tiêu chuẩn chính trị): an automatic exit from the pools (P9)."""

    __table_args__ = (sa.UniqueConstraint("cadre_id", "concluded_on", "body", name="uq_political_conclusion"),)

    id: int | None = Field(default=None, primary_key=True)
    cadre_id: int = Field(foreign_key="cadre.id", index=True)
    concluded_on: dt.date
    body: str = Field(max_length=120, description="the body that concluded, e.g. Ủy ban Kiểm tra Tỉnh ủy")
    document_no: str | None = Field(default=None, max_length=60)
    content: str | None = Field(default=None, max_length=500)


class Relation(WithdrawnFields, table=True):
    """A family link between two cadres, stored once: `cadre` is `kind` of `relative`."""

    __table_args__ = (sa.UniqueConstraint("cadre_id", "relative_id", name="uq_relation_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    cadre_id: int = Field(foreign_key="cadre.id", index=True)
    relative_id: int = Field(foreign_key="cadre.id", index=True)
    kind: str = Field(max_length=20)


class RuleSet(SQLModel, table=True):
    """Versioned parameters with their legal basis and validity (filled by the planning issue)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    domain: str = Field(max_length=20, description="planning, rating or rotation")
    name: str = Field(max_length=200)
    legal_basis: str = Field(max_length=300)
    valid_from: dt.date
    valid_to: dt.date | None = None
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    unconfirmed: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Proposal(SQLModel, table=True):
    """An appointment or nomination proposal under way: while open, no planning (P5)."""

    id: int | None = Field(default=None, primary_key=True)
    cadre_id: int = Field(foreign_key="cadre.id", index=True)
    title_id: int | None = Field(default=None, foreign_key="title.id")
    opened_on: dt.date
    closed_on: dt.date | None = None
    note: str | None = Field(default=None, max_length=300)


class Pool(SQLModel, table=True):
    """A succession pool (danh sách quy hoạch): one title, one term."""

    __table_args__ = (sa.UniqueConstraint("title_id", "term_id", name="uq_pool_title_term"),)

    id: int | None = Field(default=None, primary_key=True)
    title_id: int = Field(foreign_key="title.id", index=True)
    term_id: int = Field(foreign_key="term.id", index=True)
    status: str = Field(default="draft", max_length=20, description="draft, approved")
    approved_on: dt.date | None = None
    decision_no: str | None = Field(default=None, max_length=60)
    note: str | None = Field(default=None, max_length=1000)
    version: int = Field(default=1, description="bumped on every change, to refuse a stale save")
    updated_at: dt.datetime = Field(default_factory=utcnow)


class PoolEntry(SQLModel, table=True):
    """A cadre in a pool, from the day they entered to the day they left (if they did)."""

    __table_args__ = (sa.UniqueConstraint("pool_id", "cadre_id", name="uq_pool_entry"),)

    id: int | None = Field(default=None, primary_key=True)
    pool_id: int = Field(foreign_key="pool.id", index=True)
    cadre_id: int = Field(foreign_key="cadre.id", index=True)
    source: str = Field(default="internal", max_length=20, description="internal (tại chỗ) or external (nơi khác)")
    status: str = Field(default="active", max_length=20, description="active, exited")
    added_on: dt.date
    added_reason: str = Field(max_length=500)
    exited_on: dt.date | None = None
    exit_reason: str | None = Field(default=None, max_length=500)
    exit_rule: str | None = Field(default=None, max_length=10, description="the rule that triggered the exit, if any")
    # A reason the app wrote (an adoption, an import) kept as a Phrase's JSON (domain.phrase),
    # said in the reader's language; None for the words an officer typed (the reason as is).
    added_words: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    exit_words: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class PoolEvent(SQLModel, table=True):
    """The history of a pool: every entry, exit, review decision and ballot, with its reason."""

    id: int | None = Field(default=None, primary_key=True)
    pool_id: int = Field(foreign_key="pool.id", index=True)
    cadre_id: int | None = Field(default=None, foreign_key="cadre.id", index=True)
    kind: str = Field(max_length=20, description="add, exit, reinstate, review_keep, ballot, approve")
    on: dt.date
    reason: str = Field(default="", max_length=500)
    words: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True),
                                         description="the reason as a Phrase's JSON when the app wrote it")
    rule: str | None = Field(default=None, max_length=10)
    actor: str = Field(default="", max_length=120)
    created_at: dt.datetime = Field(default_factory=utcnow)


class Ballot(SQLModel, table=True):
    """The tallies of one procedure step for a pool entry (RULES.md §4 procedure)."""

    __table_args__ = (sa.UniqueConstraint("entry_id", "step", name="uq_ballot_step"),)

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="poolentry.id", index=True)
    step: str = Field(max_length=30, description="leadership_proposal, key_cadres, standing_committee, approval")
    held_on: dt.date
    convened: int = Field(ge=0)
    present: int = Field(ge=0)
    issued: int = Field(ge=0)
    valid: int = Field(ge=0)
    agree: int = Field(ge=0)


class ReviewDecision(SQLModel, table=True):
    """The officer's answer to one item of the annual review worklist."""

    __table_args__ = (sa.UniqueConstraint("entry_id", "rule", "review_year", name="uq_review_item"),)

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="poolentry.id", index=True)
    rule: str = Field(max_length=10)
    review_year: int
    decision: str = Field(max_length=10, description="accept (exit) or reject (keep)")
    reason: str = Field(max_length=500)
    decided_on: dt.date
    actor: str = Field(default="", max_length=120)


class DataStamp(SQLModel, table=True):
    """One row whose counter grows with every write transaction, so a process can tell
    whether facts it built earlier (the planning world) are still current."""

    id: int = Field(default=1, primary_key=True)
    counter: int = Field(default=0)


class Job(SQLModel, table=True):
    """Long work done outside the web request (a solve, a report): its state, progress and
    result. The page polls it; a worker in this process or on RQ does it."""

    id: str = Field(primary_key=True, max_length=36)
    kind: str = Field(max_length=30, index=True)
    status: str = Field(default="queued", max_length=12, description="queued, running, done, failed, stopped")
    title: str = Field(default="", max_length=300)
    # who asked for it (a username; None: a job made by the command line or before owners
    # were kept): only they, or a role allowed to, may stop it or download what it made
    owner: str | None = Field(default=None, max_length=80, index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    progress: float = Field(default=0.0, ge=0, le=1)
    message: str = Field(default="", max_length=500)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    result: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str | None = Field(default=None, max_length=2000)
    stop_requested: bool = Field(default=False)
    attempts: int = Field(default=0)
    created_at: dt.datetime = Field(default_factory=utcnow)
    started_at: dt.datetime | None = None
    heartbeat_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None


class Scenario(SQLModel, table=True):
    """A rotation scenario (phương án luân chuyển): what is in play, which rules are hard
    or soft, the weights, the pinned and forbidden moves, the rule set. `settings` holds
    them as the scenario form edits them (see services.rotation.ScenarioSettings)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=2000)
    rotation_date: dt.date
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="draft", max_length=20, description="draft, adopted")
    parent_id: int | None = Field(default=None, foreign_key="scenario.id")
    # How it was derived from its parent: "copy", or "relaxed" (one rule of the parent's
    # diagnosis made soft or dropped: which rule, for which subject).
    derivation: str | None = Field(default=None, max_length=20, description="copy, relaxed")
    relaxed_rule: str | None = Field(default=None, max_length=40)
    relaxed_subject: str | None = Field(default=None, max_length=200)
    version: int = Field(default=1)
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class SolveRun(SQLModel, table=True):
    """One solve of a scenario: the frozen problem it read, the plan it found."""

    id: int | None = Field(default=None, primary_key=True)
    scenario_id: int = Field(foreign_key="scenario.id", index=True)
    job_id: str | None = Field(default=None, foreign_key="job.id", max_length=36)
    label: str = Field(default="", max_length=200, description="e.g. the value of a sweep")
    sweep_key: str | None = Field(default=None, max_length=60)
    sweep_value: float | None = None
    status: str = Field(default="queued", max_length=20)
    problem: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    plan: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    objective: int | None = None
    bound: int | None = None
    gap: float | None = None
    moves: int | None = None
    data_stamp: int | None = None
    rule_set: str = Field(default="", max_length=40)
    created_at: dt.datetime = Field(default_factory=utcnow)
    finished_at: dt.datetime | None = None


class Adoption(SQLModel, table=True):
    """A plan adopted by the Standing Committee, frozen with its inputs so the decision can
    be reproduced: the run (problem and plan), the rule set's parameters, the data stamp."""

    id: int | None = Field(default=None, primary_key=True)
    scenario_id: int = Field(foreign_key="scenario.id", index=True, unique=True)
    run_id: int = Field(foreign_key="solverun.id")
    adopted_on: dt.date
    decision_no: str = Field(max_length=80)
    signed_on: dt.date | None = Field(default=None, description="the day the resolution was signed (cited as "
                                      "'Nghị quyết số … ngày …'); none: the effective date")
    note: str = Field(default="", max_length=1000)
    rule_set_params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    data_stamp: int = 0
    actor: str = Field(default="", max_length=120)
    created_at: dt.datetime = Field(default_factory=utcnow)


class User(SQLModel, table=True):
    """Someone who signs in. `scope_unit_id`: the unit of the body that manages them; they
    see that unit and the units under it (none: the whole province)."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=60, unique=True)
    full_name: str = Field(max_length=120)
    password_hash: str = Field(max_length=200)
    role: str = Field(max_length=30, description="org_board, standing_committee, viewer, admin")
    scope_unit_id: int | None = Field(default=None, foreign_key="unit.id")
    active: bool = Field(default=True)
    failed_logins: int = Field(default=0)
    locked_until: dt.datetime | None = Field(default=None, description="refused until then after failed sign-ins")
    session_generation: int = Field(default=0, description="raised on sign-out, password change and deactivation: "
                                    "every session signed in before is refused")
    created_at: dt.datetime = Field(default_factory=utcnow)
    last_login_at: dt.datetime | None = None


class AuditHead(SQLModel, table=True):
    """The head of the audit chain: appending updates it first, which serialises writers."""

    id: int = Field(default=1, primary_key=True)
    seq: int = Field(default=0)
    last_hash: str = Field(default="", max_length=64)
    keyed_from: int = Field(default=1, description="the first entry chained with the HMAC key; those before "
                            "(written before revision 0011) are plain SHA-256")


class AuditEntry(SQLModel, table=True):
    """Who did what, when, before and after, why. Each entry's hash covers the previous
    entry's hash: changing or deleting any entry breaks the chain (`quyhoach audit verify`)."""

    # `entity` found by equality and by LIKE 'prefix%' (PostgreSQL: pattern ops, whatever the
    # collation), and the entries filed under two subjects ("a|b") apart (migration 0019).
    __table_args__ = (
        sa.Index("ix_auditentry_entity", "entity", postgresql_ops={"entity": "varchar_pattern_ops"}),
        sa.Index("ix_auditentry_joint", "entity", postgresql_where=sa.text("entity LIKE '%|%'"),
                 sqlite_where=sa.text("entity LIKE '%|%'")),
    )

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True, index=True)
    at: dt.datetime = Field(default_factory=utcnow)
    actor: str = Field(max_length=120, index=True)
    action: str = Field(max_length=60, index=True)
    entity: str = Field(default="", max_length=200)
    before: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    after: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    reason: str = Field(default="", max_length=1000)
    # the app's own reason as words (a Phrase's JSON), said in the reader's language; covered
    # by the hash when set (services.platform.audit); None for a person's reason and the old entries
    reason_words: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    prev_hash: str = Field(default="", max_length=64)
    hash: str = Field(max_length=64)


class PlanningChange(SQLModel, table=True):
    """What one write transaction changed in the planning facts, written in that transaction
    (services.planning.changes): a process holding the planning world at stamp `stamp_from`
    re-reads only these cadres and pools to reach `stamp_to`, instead of rebuilding it whole.
    A chain with a gap, or `full`, means: rebuild."""

    __tablename__ = "planning_change"

    id: int | None = Field(default=None, primary_key=True)
    stamp_from: int
    stamp_to: int = Field(index=True)
    full: bool = Field(default=False, description="units, titles, terms or levels moved: rebuild whole")
    rules: bool = Field(default=False, description="a rule set changed: every verdict judged again")
    cadre_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    pool_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    tables: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False),
                              description="the tables written, so caches of other figures know whether they hold")


class PoolVerdict(SQLModel, table=True):
    """A pool's judgement as of a reference date, kept where every process sees it
    (services.planning.verdicts): `quyhoach check` and the spread check read it, and judge again
    only the pools the change log says were touched after `stamp` (the data stamp it is known
    current at). Only what did not pass is kept; the passed findings are judged on demand."""

    __tablename__ = "pool_verdict"

    pool_id: int = Field(primary_key=True)
    on_date: dt.date = Field(primary_key=True, description="the reference date the rules were judged at")
    stamp: int = Field(index=True, description="the data stamp this verdict is known current at")
    title_id: int
    term_id: int
    rule_set: str = Field(max_length=60)
    passes: bool = Field(description="no member fails a rule and no structure target is short")
    members: int
    failing_members: int = Field(description="members a blocking finding catches")
    structure_failures: int
    severity: int = Field(description="the worst-first score of judging.PoolJudgement.severity_score")
    worst: str = Field(default="", max_length=10, description="error, warning or empty: the worst finding not passed")
    findings: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False),
                                           description="the findings not passed (Finding.as_dict)")
    names: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False),
                                  description="cadre code -> name of every member, in the pool's order")


class PoolVerdictStamp(SQLModel, table=True):
    """The data stamp every stored verdict of a reference date is known current at: a refresh
    that judged again only the pools a change touched moves this one row, not the stamp of every
    verdict (services.planning.verdicts). A verdict is current at the later of the two."""

    __tablename__ = "pool_verdict_stamp"

    on_date: dt.date = Field(primary_key=True)
    stamp: int
