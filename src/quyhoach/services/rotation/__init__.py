"""Rotation scenarios: from the records to a solver problem, the solve as a background job,
parameter sweeps, comparison, relaxing a rule, adoption.

The solver (`solver/`) knows nothing of the database: this module prepares the problem
completely — ages, remaining service, ratings, discipline months, tenure, the candidate
moves and their scores, all at the rotation date — freezes it in the run, and reads the
plan back. The rules' numbers come from the rule set in force on the rotation date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from sqlmodel import Session, select

import solver
from quyhoach.db.models import (
    Adoption, Cadre, Pool, PoolEntry, PoolEvent, Posting, RuleSet, Scenario, SolveRun, Title, utcnow,
)
from solver.model import TERM_NAMES
from quyhoach.domain.dates import add_months, age_on, format_date, months_between
from quyhoach.domain.facts import CadreFacts, TitleFact
from quyhoach.domain.retirement import remaining_service_months, retirement_of
from quyhoach.domain.rulesets import RuleSetData
from quyhoach.domain.vocab import RATING_ORDER
from quyhoach.services.platform import audit, jobs, stamp
from quyhoach.services.planning import world as world_service
from quyhoach.services.planning.world import World

HARD, SOFT, OFF = "hard", "soft", "off"
TARGET_ATTRIBUTES = ("female", "minority", "young")


class ScenarioError(ValueError):
    """A scenario change refused, with the reason in Vietnamese."""


# --------------------------------------------------------------------------- settings

@dataclass
class TargetSetting:
    mode: str = SOFT            # hard, soft or off
    share: float = 0.25


@dataclass
class ScenarioSettings:
    """What a scenario puts in play and how it weighs it. Stored as JSON on the scenario."""

    unit_codes: list[str] = field(default_factory=list)    # units in play (with their subtrees); empty: all
    fill_vacancies: str = SOFT          # hard: every vacant post must be filled; soft: filled where worth it
    retiring_within_months: int = 12    # holders retiring within this many months leave their post open
    term_limit_opens_post: bool = True  # R5: a head at the consecutive-terms limit is rotated out of scope
    resolve_family_conflicts: bool = False  # QĐ 114 conflicts already in place must be resolved by this plan
    pools_in_play: bool = True          # pool members are candidates for their pool's title
    rotate_equivalent: bool = True      # pool members holding a post may move to an equivalent one elsewhere
    max_candidates_per_cadre: int = 25
    non_local: str = HARD               # R4: key posts held by non-locals (hard, or soft = a penalty)
    non_local_penalty: int = 60
    targets: dict[str, TargetSetting] = field(default_factory=lambda: {
        "female": TargetSetting(SOFT, 0.25), "minority": TargetSetting(OFF, 0.30), "young": TargetSetting(OFF, 0.15)})
    target_min_seats: int = 3           # unit targets only where the unit has at least this many posts in play
    max_leaving_per_unit: int | None = None
    max_arriving_per_unit: int | None = None
    weights: dict[str, int] = field(default_factory=lambda: {
        "fit": 1, "development": 1, "structure": 50, "moves": 5, "baseline": 0})
    pinned: list[dict[str, Any]] = field(default_factory=list)      # {"cadre": code, "post": post id or None}
    forbidden: list[dict[str, Any]] = field(default_factory=list)
    rule_set: str = ""                  # planning rule set code; empty: the one in force on the date
    time_limit: float = 10.0

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "ScenarioSettings":
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        settings = cls(**{k: v for k, v in data.items() if k in known and k != "targets"})
        targets = data.get("targets") or {}
        for attribute in TARGET_ATTRIBUTES:
            if attribute in targets:
                value = targets[attribute]
                settings.targets[attribute] = TargetSetting(value.get("mode", SOFT), float(value.get("share", 0)))
        return settings

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def validate(settings: ScenarioSettings) -> None:
    """Refuse settings a solve could not make sense of, with the field named."""
    if settings.fill_vacancies not in (HARD, SOFT):
        raise ScenarioError("«Lấp vị trí khuyết» phải là bắt buộc hoặc khuyến khích")
    if settings.non_local not in (HARD, SOFT):
        raise ScenarioError("«Không là người địa phương» phải là bắt buộc hoặc khuyến khích")
    for attribute, target in settings.targets.items():
        if target.mode not in (HARD, SOFT, OFF):
            raise ScenarioError(f"chỉ tiêu «{attribute}»: chế độ không hợp lệ")
        if not 0 <= target.share <= 1:
            raise ScenarioError(f"chỉ tiêu «{attribute}»: tỷ lệ phải từ 0 đến 100%")
    for name, weight in settings.weights.items():
        if not isinstance(weight, int) or not 0 <= weight <= 10_000:
            raise ScenarioError(f"trọng số «{name}» phải là số nguyên từ 0 đến 10.000")
    if not 1 <= settings.time_limit <= 600:
        raise ScenarioError("thời gian giải phải từ 1 đến 600 giây")
    if not 0 <= settings.retiring_within_months <= 120:
        raise ScenarioError("số tháng trước khi nghỉ hưu phải từ 0 đến 120")


# --------------------------------------------------------------------------- building the problem

def _tier(rank: int) -> int:
    """Ranks are compared in steps of ten: a deputy director (55) and a director (60) are one
    step apart; a commune chair (38) and a commune deputy secretary (35) are equivalent."""
    return rank // 10


def _post_id(title: TitleFact, seat: int) -> str:
    return f"{title.code}#{seat}"


def _ratings(cadre: CadreFacts, on: dt.date, years: int = 5) -> list[str | None]:
    by_year = {r.year: r.rating for r in cadre.ratings}
    return [by_year.get(year) for year in range(on.year - 1, on.year - 1 - years, -1)]


def _fit(cadre: CadreFacts, ratings: list[str | None], months_left: int) -> int:
    """How well a cadre fits a leadership post, 0–100, from what the records show: recent
    ratings, training, and the service left to give."""
    score = 30
    score += sum({"excellent": 10, "good": 6, "complete": 0, "fail": -15}.get(r or "", 0) for r in ratings[:3])
    score += {"advanced": 12, "intermediate": 6}.get(cadre.theory_level, 0)
    score += {"senior": 8, "principal": 6, "specialist": 2}.get(cadre.state_mgmt_level, 0)
    score += min(months_left // 12, 15)
    return max(0, min(100, score))


@dataclass
class BuiltProblem:
    problem: solver.Problem
    rules: RuleSetData
    opened: dict[str, str]                  # post id -> why it is open ("X nghỉ hưu ngày ...")
    cadre_names: dict[str, str]
    post_names: dict[str, str]
    warnings: list[str] = field(default_factory=list)


def _conflicting_now(relation: solver.Relation, posts: list[solver.Post], units: dict[str, solver.Unit]) -> bool:
    """Whether two relatives already hold posts QĐ 114 keeps apart: the same leadership
    collective, or a party secretary / government head and the head of a sensitive sector of
    the same locality."""
    held = {p.holder: p for p in posts if p.holder}
    a, b = held.get(relation.a), held.get(relation.b)
    if a is None or b is None:
        return False
    if (a.collective or a.unit) == (b.collective or b.unit):
        return True
    locality = lambda p: p.locality or units[p.unit].locality  # noqa: E731
    for top, other in ((a, b), (b, a)):
        if top.top_leader and other.is_head and other.sector and locality(top) == locality(other):
            return True
    return False


def build_problem(world: World, settings: ScenarioSettings, rotation_date: dt.date, name: str = "",
                  problem_id: str = "scenario") -> BuiltProblem:
    """The solver problem of a scenario, prepared entirely from the records at the rotation date."""
    if settings.rule_set:
        matches = [r for r in world.rule_sets if r.code == settings.rule_set]
        if not matches:
            raise ScenarioError(f"không có bộ quy định «{settings.rule_set}»")
        rules = matches[0]
    else:
        rules = world.rule_set("planning", rotation_date)
    params = rules.params

    units_by_code = {u.code: u for u in world.units.values()}
    scope: set[int] = set()
    for code in settings.unit_codes:
        if code not in units_by_code:
            raise ScenarioError(f"không có đơn vị mã «{code}»")
        scope |= world.subtree(units_by_code[code].id)
    if not settings.unit_codes:
        scope = set(world.units)
    titles = [t for t in world.titles.values() if t.unit_id in scope]
    if not titles:
        raise ScenarioError("phạm vi đã chọn không có chức danh nào")

    locality_code = {u.id: u.code for u in world.units.values() if u.is_locality}

    def localities_of(unit_id: int | None) -> list[str]:
        return [locality_code[i] for i in world.unit_ancestors(unit_id) if i in locality_code]

    # Pools in play: the active pools of the titles in scope whose term is running or next.
    pool_members: dict[int, set[int]] = {}
    in_any_pool: set[int] = set()
    for record in world.pools.values():
        if record.facts.term.end < rotation_date:
            continue
        for cadre in record.facts.members:
            in_any_pool.add(cadre.id)
            if record.facts.title.unit_id in scope:
                pool_members.setdefault(record.facts.title.id, set()).add(cadre.id)

    horizon = add_months(rotation_date, settings.retiring_within_months)
    limit = int(params.get("head_max_consecutive_terms", 2))
    posts: list[solver.Post] = []
    opened: dict[str, str] = {}
    post_names: dict[str, str] = {}
    post_title: dict[str, TitleFact] = {}
    holder_of: dict[int, tuple[str, dt.date]] = {}
    for title in sorted(titles, key=lambda t: (-t.rank, t.code)):
        seats = sorted(world.holders.get(title.id, []), key=lambda h: (h[1], h[0]))
        count = max(world.title_seats.get(title.id, 1), len(seats))
        for seat in range(1, count + 1):
            post_id = _post_id(title, seat)
            holder = None
            if seat <= len(seats):
                cadre_id, since = seats[seat - 1]
                cadre = world.cadres[cadre_id]
                leaves = retirement_of(cadre)
                terms_as_head = _head_terms(since, rotation_date) if title.is_head else 0
                if leaves <= horizon:
                    opened[post_id] = f"{cadre.name} nghỉ hưu ngày {format_date(leaves)}"
                elif settings.term_limit_opens_post and terms_as_head >= limit:
                    opened[post_id] = (f"{cadre.name} đã là người đứng đầu {terms_as_head} nhiệm kỳ liên tiếp "
                                       f"(tối đa {limit}, R5): luân chuyển ra ngoài phạm vi phương án")
                else:
                    holder = cadre.code
                    holder_of[cadre_id] = (post_id, since)
            else:
                opened[post_id] = "vị trí đang khuyết"
            post_title[post_id] = title
            post_names[post_id] = title.name + (f" (ghế {seat})" if count > 1 else "")
            posts.append(solver.Post(
                id=post_id, unit=title.unit_code, name=post_names[post_id], rank=_tier(title.rank), holder=holder,
                must_fill=settings.fill_vacancies == HARD and holder is None,
                is_head=title.is_head, is_deputy=title.is_deputy,
                top_leader=title.is_party_secretary or title.is_government_head,
                sector=title.sensitive_sector if title.is_head else None,
                non_local=title.non_local and settings.non_local == HARD,
                locality=title.locality_code or None,
            ))

    # The cadres: holders of the posts in play, and the pool members who could be moved.
    involved: set[int] = set(holder_of)
    if settings.pools_in_play:
        for members in pool_members.values():
            involved |= members
    cadres: list[solver.Cadre] = []
    cadre_names: dict[str, str] = {}
    fits: dict[int, int] = {}
    for cadre_id in sorted(involved):
        cadre = world.cadres[cadre_id]
        ratings = _ratings(cadre, rotation_date)
        months_left = remaining_service_months(cadre, rotation_date)
        fits[cadre_id] = _fit(cadre, ratings, months_left)
        held = holder_of.get(cadre_id)
        top = max(cadre.titles, key=lambda t: t.rank, default=None)
        unit_code = post_title[held[0]].unit_code if held else (top.unit_code if top else None)
        if unit_code is not None and world.units and unit_code not in units_by_code:
            unit_code = None
        since = held[1] if held else _since(world, cadre_id)
        discipline = None
        recent = sorted(cadre.disciplines, key=lambda d: d.decision_date, reverse=True)
        if recent and recent[0].decision_date <= rotation_date:
            discipline = solver.Discipline(recent[0].level, months_between(recent[0].decision_date, rotation_date))
        head_terms = 0
        head_unit = None
        if top is not None and top.is_head and since is not None:
            head_unit = top.unit_code
            head_terms = _head_terms(since, rotation_date)
        good = [r for r in ratings[:3] if r]
        outstanding = bool(ratings and ratings[0] == "excellent"
                           and all(RATING_ORDER.get(r, 0) >= RATING_ORDER["good"] for r in good) and len(good) == 3)
        cadre_names[cadre.code] = cadre.name
        cadres.append(solver.Cadre(
            id=cadre.code, name=cadre.name, unit=unit_code, rank=_tier(top.rank) if top else 0,
            sex=cadre.sex, minority=cadre.minority, age=age_on(cadre.birth_date, rotation_date),
            months_service_left=months_left, ratings=ratings, outstanding=outstanding,
            home_localities=sorted({locality_code[i] for i in cadre.hometown_locality_ids if i in locality_code}),
            discipline=discipline, months_in_post=months_between(since, rotation_date) if since else 120,
            head_unit=head_unit, head_terms=head_terms, in_pool=cadre_id in in_any_pool,
            current_fit=fits[cadre_id] if held else 0,
        ))

    # Candidate moves: pool members to the seats of their pool's title; pool members who
    # hold a post to the equivalent posts of other units.
    candidates: list[solver.Candidate] = []
    seats_of: dict[int, list[str]] = {}
    for post in posts:
        seats_of.setdefault(post_title[post.id].id, []).append(post.id)
    by_tier: dict[int, list[str]] = {}
    for post in posts:
        by_tier.setdefault(post.rank, []).append(post.id)
    seen: set[tuple[str, str]] = set()

    def propose(cadre_id: int, post_id: str, reason: str) -> None:
        cadre = world.cadres[cadre_id]
        if (cadre.code, post_id) in seen or holder_of.get(cadre_id, ("",))[0] == post_id:
            return
        title = post_title[post_id]
        here = holder_of.get(cadre_id)
        from_title = post_title[here[0]] if here else max(cadre.titles, key=lambda t: t.rank, default=None)
        development = 0
        if from_title is not None:
            if from_title.locality_code != title.locality_code:
                development += 30
            if from_title.unit_id != title.unit_id:
                development += 10
            if from_title.level != title.level:
                development += 10
        fit = fits[cadre_id]
        if title.non_local and settings.non_local == SOFT and title.locality_id in cadre.hometown_locality_ids:
            fit = max(0, fit - settings.non_local_penalty)
            reason += "; là người địa phương (R4 khuyến khích: bị trừ điểm)"
        seen.add((cadre.code, post_id))
        candidates.append(solver.Candidate(cadre=cadre.code, post=post_id, fit=fit, development=development,
                                           reasons=[reason]))

    if settings.pools_in_play:
        for title_id, members in pool_members.items():
            for cadre_id in sorted(members):
                for post_id in seats_of.get(title_id, []):
                    propose(cadre_id, post_id, f"trong quy hoạch {world.titles[title_id].name}")
    if settings.rotate_equivalent:
        for cadre_id, (post_id, _since_day) in sorted(holder_of.items()):
            if cadre_id not in in_any_pool:
                continue
            here = post_title[post_id]
            options = [p for p in by_tier.get(_tier(here.rank), []) if post_title[p].unit_id != here.unit_id]
            options.sort(key=lambda p: (post_title[p].locality_code == here.locality_code, p))
            for other in options[: settings.max_candidates_per_cadre]:
                propose(cadre_id, other, f"luân chuyển sang vị trí tương đương ({post_title[other].unit_name})")

    # Units in play, with their limits; structure targets on the resulting leadership.
    unit_ids = sorted({t.unit_id for t in titles})
    units = [solver.Unit(
        id=world.units[u].code, name=world.units[u].name, level=world.levels.get(world.units[u].level_id, ""),
        locality=(localities_of(u) or [None])[0],
        max_leaving=settings.max_leaving_per_unit, max_arriving=settings.max_arriving_per_unit,
    ) for u in unit_ids]
    seats_per_unit: dict[str, int] = {}
    for post in posts:
        seats_per_unit[post.unit] = seats_per_unit.get(post.unit, 0) + 1
    targets: list[solver.Target] = []
    labels = {"female": "cán bộ nữ", "minority": "cán bộ dân tộc thiểu số", "young": "cán bộ trẻ"}
    for unit in units:
        if seats_per_unit.get(unit.id, 0) < settings.target_min_seats:
            continue
        for attribute, target in settings.targets.items():
            if target.mode == OFF or target.share <= 0:
                continue
            extra: dict[str, Any] = {}
            if attribute == "young":
                extra["max_age"] = int(params.get("young_age", {}).get(unit.level, 40))
            targets.append(solver.Target(
                id=f"{attribute}@{unit.id}", attribute="age" if attribute == "young" else attribute,
                unit=unit.id, name=f"{labels[attribute]} ≥ {round(target.share * 100)}% · {unit.name}",
                min_share=target.share, hard=target.mode == HARD, **extra))

    codes = {c.id for c in cadres}
    relations = []
    warnings: list[str] = []
    unit_index = {u.id: u for u in units}
    family_kinds = set(params.get("relation_kinds", []))
    for cadre in cadres:
        facts = world.cadres[_id_of(world, cadre.id)]
        for relative in facts.relatives:
            if relative.code in codes and cadre.id < relative.code:
                relation = solver.Relation(cadre.id, relative.code, relative.kind)
                if (not settings.resolve_family_conflicts and relative.kind in family_kinds
                        and _conflicting_now(relation, posts, unit_index)):
                    warnings.append(f"{cadre.name} và {relative.name} ({relative.kind}) đang giữ hai chức vụ "
                                    "QĐ 114 không cho phép: phương án giữ nguyên, cần xử lý riêng "
                                    "(hoặc chọn «giải quyết xung đột đã có»)")
                    continue
                relations.append(relation)

    def assignments(items: list[dict[str, Any]], what: str) -> list[solver.Assignment]:
        out = []
        post_ids = {p.id for p in posts}
        for item in items:
            if item.get("cadre") not in codes:
                raise ScenarioError(f"{what}: cán bộ «{item.get('cadre')}» không thuộc phạm vi phương án")
            if item.get("post") is not None and item["post"] not in post_ids:
                raise ScenarioError(f"{what}: vị trí «{item.get('post')}» không thuộc phạm vi phương án")
            out.append(solver.Assignment(item["cadre"], item.get("post")))
        return out

    solver_rules = solver.Rules(
        rule_set=f"{rules.code} · {rules.legal_basis}",
        rating_years=int(params.get("rating_window_years", 3)),
        rating_threshold=str(params.get("rating_min", "good")),
        min_service_months=int(params.get("rotation_min_service_months", 120)),
        min_tenure_months=int(params.get("rotation_min_tenure_months", 36)),
        head_term_limit=int(params.get("head_max_consecutive_terms", 2)),
        discipline_cooldown_months={k: int(v) for k, v in params.get("discipline_cooldown_months", {}).items()},
        family_kinds=list(params.get("relation_kinds", [])),
    )
    problem = solver.Problem(
        id=problem_id, name=name, date=format_date(rotation_date), rules=solver_rules,
        weights=solver.Weights(**{k: int(v) for k, v in settings.weights.items() if k in TERM_NAMES}),
        units=units, posts=posts, cadres=cadres, candidates=candidates, relations=relations, targets=targets,
        pinned=assignments(settings.pinned, "Cố định"), forbidden=assignments(settings.forbidden, "Loại trừ"),
    )
    return BuiltProblem(problem, rules, opened, cadre_names, post_names, warnings)


def _head_terms(since: dt.date, on: dt.date) -> int:
    """Whole five-year terms already served as head in one place. At the limit (R5: two),
    the head may not stay for another: the solver then requires a move."""
    return max(0, months_between(since, on)) // 60


def _since(world: World, cadre_id: int) -> dt.date | None:
    starts = [since for title_id in world.title_of_cadre.get(cadre_id, [])
              for holder, since in world.holders.get(title_id, []) if holder == cadre_id]
    return min(starts) if starts else None


def _id_of(world: World, code: str) -> int:
    index = world.memo.get("cadre_ids")
    if index is None:
        index = world.memo["cadre_ids"] = {c.code: c.id for c in world.cadres.values()}
    return index[code]


# --------------------------------------------------------------------------- scenarios

def create(session: Session, *, name: str, rotation_date: dt.date, settings: ScenarioSettings,
           description: str = "", parent_id: int | None = None) -> Scenario:
    name = (name or "").strip()
    if not name:
        raise ScenarioError("cần đặt tên cho phương án")
    validate(settings)
    scenario = Scenario(name=name[:200], description=(description or "")[:2000], rotation_date=rotation_date,
                        settings=settings.to_dict(), parent_id=parent_id)
    session.add(scenario)
    session.flush()
    audit.record(session, "scenario.create", f"scenario:{scenario.id}",
                 after={"name": scenario.name, "rotation_date": rotation_date, "settings": scenario.settings,
                        "parent_id": parent_id})
    return scenario


def update(session: Session, scenario: Scenario, *, settings: ScenarioSettings, name: str | None = None,
           description: str | None = None, rotation_date: dt.date | None = None,
           expected_version: int | None = None) -> Scenario:
    if scenario.status == "adopted":
        raise ScenarioError("phương án đã được thông qua: không sửa được; hãy sao chép để làm phương án mới")
    if expected_version is not None and expected_version != scenario.version:
        raise ScenarioError("phương án vừa được người khác sửa; hãy tải lại trang")
    validate(settings)
    before = {"name": scenario.name, "rotation_date": scenario.rotation_date, "settings": scenario.settings}
    scenario.settings = settings.to_dict()
    if name is not None:
        if not name.strip():
            raise ScenarioError("cần đặt tên cho phương án")
        scenario.name = name.strip()[:200]
    if description is not None:
        scenario.description = description[:2000]
    if rotation_date is not None:
        scenario.rotation_date = rotation_date
    scenario.version += 1
    scenario.updated_at = utcnow()
    session.add(scenario)
    session.flush()
    audit.record(session, "scenario.update", f"scenario:{scenario.id}", before=before,
                 after={"name": scenario.name, "rotation_date": scenario.rotation_date, "settings": scenario.settings})
    return scenario


def copy(session: Session, scenario: Scenario, *, name: str | None = None,
         change: dict[str, Any] | None = None) -> Scenario:
    """A new draft with the same inputs (and `change` applied to the settings)."""
    settings = ScenarioSettings.from_dict({**scenario.settings, **(change or {})})
    return create(session, name=name or f"{scenario.name} (bản sao)", rotation_date=scenario.rotation_date,
                  settings=settings, description=scenario.description, parent_id=scenario.id)


RELAXABLE = {
    "must_fill": "không bắt buộc lấp mọi vị trí khuyết",
    "non_local": "«không là người địa phương» thành khuyến khích (trừ điểm thay vì cấm)",
    "target": "chỉ tiêu cơ cấu này thành khuyến khích",
    "max_leaving": "bỏ giới hạn số người đi của đơn vị",
    "max_arriving": "bỏ giới hạn số người đến của đơn vị",
    "pinned": "bỏ bố trí cố định này",
    "forbidden": "bỏ loại trừ này",
    "family": "giữ nguyên các xung đột QĐ 114 đã có (chỉ cấm xung đột mới)",
}


def relax(session: Session, scenario: Scenario, rule: str, subject: str) -> Scenario:
    """Copy a scenario with one rule of its diagnosis made soft (or dropped)."""
    settings = ScenarioSettings.from_dict(scenario.settings)
    if rule == "must_fill":
        settings.fill_vacancies = SOFT
    elif rule == "non_local":
        settings.non_local = SOFT
    elif rule == "target":
        attribute = subject.split("@", 1)[0]
        if attribute not in settings.targets:
            raise ScenarioError("không tìm thấy chỉ tiêu này trong phương án")
        settings.targets[attribute].mode = SOFT
    elif rule in ("max_leaving", "leave"):   # the diagnosis names unit limits "leave"/"arrive"
        settings.max_leaving_per_unit = None
    elif rule in ("max_arriving", "arrive"):
        settings.max_arriving_per_unit = None
    elif rule == "pinned":
        settings.pinned = [p for p in settings.pinned if p.get("cadre") != subject]
    elif rule == "family":
        settings.resolve_family_conflicts = False
    elif rule == "forbidden":
        settings.forbidden = [f for f in settings.forbidden if f"{f.get('cadre')}→{f.get('post')}" != subject]
    else:
        raise ScenarioError("quy định này là bắt buộc theo văn bản, không nới được trong phương án")
    rule = {"leave": "max_leaving", "arrive": "max_arriving"}.get(rule, rule)
    return create(session, name=f"{scenario.name} — nới: {RELAXABLE[rule]}"[:200],
                  rotation_date=scenario.rotation_date, settings=settings,
                  description=scenario.description, parent_id=scenario.id)


# --------------------------------------------------------------------------- solving

def start_solve(session: Session, runner, scenario: Scenario, *, label: str = "",
                override: dict[str, Any] | None = None, sweep: tuple[str, float] | None = None) -> SolveRun:
    """Freeze the problem of the scenario (as the records are now) and queue its solve."""
    if scenario.status == "adopted":
        raise ScenarioError("phương án đã được thông qua; không giải lại")
    settings = ScenarioSettings.from_dict({**scenario.settings, **(override or {})})
    if sweep is not None:
        _apply_sweep(settings, *sweep)
    validate(settings)
    world = world_service.cached(session, scenario.rotation_date)
    built = build_problem(world, settings, scenario.rotation_date, scenario.name, f"scenario-{scenario.id}")
    run = SolveRun(scenario_id=scenario.id, label=label, problem=solver.problem_to_dict(built.problem),
                   data_stamp=stamp.current(session), rule_set=built.rules.code,
                   sweep_key=sweep[0] if sweep else None, sweep_value=sweep[1] if sweep else None)
    session.add(run)
    session.flush()
    job = jobs.create(session, "rotation.solve", {"run_id": run.id, "time_limit": settings.time_limit},
                      f"Giải phương án «{scenario.name}»" + (f" · {label}" if label else ""))
    run.job_id = job.id
    session.add(run)
    audit.record(session, "scenario.solve", f"scenario:{scenario.id}",
                 after={"run_id": run.id, "label": label, "rule_set": run.rule_set, "data_stamp": run.data_stamp})
    job_id = job.id
    session.commit()
    runner.enqueue(job_id)
    return run


SWEEPABLE = {
    "female": "Tỷ lệ cán bộ nữ tối thiểu",
    "minority": "Tỷ lệ cán bộ dân tộc thiểu số tối thiểu",
    "young": "Tỷ lệ cán bộ trẻ tối thiểu",
    "moves": "Trọng số số lượt điều động",
}


def _apply_sweep(settings: ScenarioSettings, key: str, value: float) -> None:
    if key in settings.targets:
        target = settings.targets[key]
        target.share = float(value)
        if target.mode == OFF:
            target.mode = SOFT
    elif key == "moves":
        settings.weights["moves"] = int(value)
    else:
        raise ScenarioError(f"không quét được tham số «{key}»")


def start_sweep(session: Session, runner, scenario: Scenario, key: str, values: list[float]) -> list[SolveRun]:
    """One solve per value of a parameter ("what if the women target is 25%, 30%, 35%?")."""
    if key not in SWEEPABLE:
        raise ScenarioError(f"không quét được tham số «{key}»")
    if not 2 <= len(values) <= 8:
        raise ScenarioError("cần từ 2 đến 8 giá trị để quét")
    runs = []
    for value in values:
        label = f"{SWEEPABLE[key]} = {round(value * 100)}%" if key in TARGET_ATTRIBUTES else f"{SWEEPABLE[key]} = {int(value)}"
        runs.append(start_solve(session, runner, scenario, label=label, sweep=(key, value)))
    return runs


def _solve_job(ctx: jobs.JobContext) -> dict[str, Any]:
    """The background solve: reads the frozen problem, solves with progress and stop, writes
    the plan in one transaction at the end (a stopped or failed solve writes nothing)."""
    with Session(ctx.engine) as session:
        run = session.get(SolveRun, ctx.payload["run_id"])
        problem = solver.problem_from_dict(run.problem)
        problem_data, rule_set = run.problem, run.rule_set
        run.status = "running"
        session.add(run)
        session.commit()
    time_limit = float(ctx.payload.get("time_limit", 10))
    ctx.progress(0.0, "đang dựng mô hình", force=True)

    def on_progress(p: solver.Progress) -> None:
        detail = {"phase": p.phase, "elapsed": round(p.elapsed, 2), "incumbent": p.incumbent, "bound": p.bound,
                  "gap": p.gap}
        try:
            ctx.progress(min(0.99, p.elapsed / time_limit), _phase_words(p), detail)
        except jobs.StopRequested:
            pass  # the stop callback below tells the solver

    try:
        plan = solver.solve(problem, solver.Options(time_limit=time_limit, progress=on_progress,
                                                    stop=ctx.should_stop, alternatives=0))
    except Exception:
        _finish(ctx, "failed", None)
        raise
    if ctx.should_stop():
        _finish(ctx, "stopped", None)
        raise jobs.StopRequested()
    _finish(ctx, "done", plan)
    return {"run_id": ctx.payload["run_id"], "status": plan.status, "objective": plan.objective,
            "moves": len(plan.moves), "figures": _figures(ctx, problem_data, plan, rule_set)}


def _figures(ctx: jobs.JobContext, problem_data: dict[str, Any], plan: solver.Plan, rule_set: str) -> dict[str, Any]:
    """The plan's figures for the comparison page (names, open posts, structure per unit
    before and after), kept in the job's result so that page need not read the problem."""
    from quyhoach.services.rotation import views as scenario_views

    try:
        with Session(ctx.engine) as session:
            params = scenario_views.rule_params(session, rule_set)
        return scenario_views.figures(problem_data, solver.plan_to_dict(plan), params)
    except Exception:  # a summary is a convenience: the comparison recomputes it when missing
        return {}


def _lost(session: Session, job) -> None:
    """A solve whose worker died: its run is marked failed (it never wrote a plan)."""
    run = session.get(SolveRun, job.payload.get("run_id"))
    if run is not None and run.status in ("queued", "running"):
        run.status = "failed"
        run.finished_at = utcnow()
        session.add(run)



def _phase_words(p: solver.Progress) -> str:
    phase = {"relaxation": "nới lỏng (cận trên)", "search": "tìm kiếm", "alternatives": "phương án thay thế",
             "diagnosis": "chẩn đoán"}.get(p.phase, p.phase)
    if p.incumbent is not None and p.gap is not None:
        return f"{phase}: phương án tốt nhất {p.incumbent:,}, cận {p.bound:,}, khoảng cách {p.gap:.2%}".replace(",", ".")
    return phase


def _finish(ctx: jobs.JobContext, status: str, plan: solver.Plan | None) -> None:
    with Session(ctx.engine) as session:
        run = session.get(SolveRun, ctx.payload["run_id"])
        run.status = status
        run.finished_at = utcnow()
        if plan is not None:
            run.plan = solver.plan_to_dict(plan)
            run.objective, run.bound, run.gap, run.moves = plan.objective, plan.bound, plan.gap, len(plan.moves)
            run.status = "done" if plan.ok else plan.status
        session.add(run)
        session.commit()


def plan_of(run: SolveRun) -> solver.Plan | None:
    return solver.plan_from_dict(run.plan) if run.plan else None


def problem_of(run: SolveRun) -> solver.Problem:
    return solver.problem_from_dict(run.problem)


# --------------------------------------------------------------------------- adoption

def adopt(session: Session, scenario: Scenario, run: SolveRun, *, decision_no: str, on: dt.date,
          note: str = "", actor: str = "") -> Adoption:
    """The Standing Committee adopts a plan: it is frozen with its inputs, the moves update
    the posts (from `on`), and the pools' histories record who left for which post."""
    if scenario.status == "adopted":
        raise ScenarioError("phương án này đã được thông qua")
    if run.scenario_id != scenario.id or run.status != "done" or not run.plan:
        raise ScenarioError("chỉ thông qua được một lần giải đã có phương án")
    decision_no = (decision_no or "").strip()
    if len(decision_no) < 3:
        raise ScenarioError("cần ghi số quyết định (hoặc nghị quyết) thông qua phương án")
    plan = plan_of(run)
    problem = problem_of(run)
    if stamp.current(session) != run.data_stamp:
        _recheck(session, problem, plan)
    titles = {t.code: t for t in session.exec(select(Title))}
    cadre_ids = dict(session.exec(select(Cadre.code, Cadre.id)).all())
    for move in plan.moves:
        cadre_id = cadre_ids[move.cadre]
        title = titles[move.to_post.split("#")[0]]
        if move.from_post is not None:
            old_title = titles[move.from_post.split("#")[0]]
            current = session.exec(select(Posting).where(
                Posting.cadre_id == cadre_id, Posting.title_id == old_title.id, Posting.end_date.is_(None))).first()
            if current is not None:
                current.end_date = on - dt.timedelta(days=1)
                session.add(current)
        else:
            for current in session.exec(select(Posting).where(
                    Posting.cadre_id == cadre_id, Posting.end_date.is_(None), Posting.is_concurrent.is_(False))):
                current.end_date = on - dt.timedelta(days=1)
                session.add(current)
        session.add(Posting(cadre_id=cadre_id, unit_id=title.unit_id, title_id=title.id, position=title.name,
                            start_date=on))
        # R12: appointed to the planned title (or rotated to an equal one) leaves that pool.
        for entry, pool in session.exec(select(PoolEntry, Pool).join(Pool, Pool.id == PoolEntry.pool_id).where(
                PoolEntry.cadre_id == cadre_id, PoolEntry.status == "active", Pool.title_id == title.id)):
            reason = f"Được bố trí giữ chức vụ theo phương án luân chuyển «{scenario.name}», {decision_no}"
            entry.status, entry.exited_on, entry.exit_reason, entry.exit_rule = "exited", on, reason[:500], "P12"
            session.add(entry)
            session.add(PoolEvent(pool_id=pool.id, cadre_id=cadre_id, kind="exit", on=on, reason=reason[:500],
                                  rule="P12", actor=actor))
            pool.version += 1
            session.add(pool)
    rule_set = session.exec(select(RuleSet).where(RuleSet.code == run.rule_set)).one_or_none()
    adoption = Adoption(scenario_id=scenario.id, run_id=run.id, adopted_on=on, decision_no=decision_no[:80],
                        note=(note or "")[:1000], rule_set_params=dict(rule_set.params) if rule_set else {},
                        settings=dict(scenario.settings), data_stamp=run.data_stamp or 0, actor=actor)
    scenario.status = "adopted"
    scenario.version += 1
    session.add(scenario)
    session.add(adoption)
    stamp.bump(session)
    session.flush()
    audit.record(session, "scenario.adopt", f"scenario:{scenario.id}", before={"status": "draft"},
                 after={"status": "adopted", "run_id": run.id, "decision_no": adoption.decision_no, "on": on,
                        "moves": [[m.cadre, m.from_post, m.to_post] for m in plan.moves]}, reason=note)
    return adoption


def _recheck(session: Session, problem: solver.Problem, plan: solver.Plan) -> None:
    """The records changed since the solve: every move must still start from the post the
    cadre holds and go to a post that is still open (or opened by the plan)."""
    world = world_service.build(session)
    holders: dict[str, set[str]] = {}
    for title_id, held in world.holders.items():
        holders[world.titles[title_id].code] = {world.cadres[c].code for c, _ in held}
    for move in plan.moves:
        if move.from_post is not None:
            title_code = move.from_post.split("#")[0]
            if move.cadre not in holders.get(title_code, set()):
                raise ScenarioError(f"hồ sơ đã thay đổi sau khi giải: {move.cadre} không còn giữ "
                                    f"{title_code}; hãy giải lại phương án")
    occupied = {code for code, held in holders.items() if held}
    freed = {m.from_post.split("#")[0] for m in plan.moves if m.from_post}
    opened_in_problem = {p.id.split("#")[0] for p in problem.posts if p.holder is None}
    for move in plan.moves:
        title_code = move.to_post.split("#")[0]
        if title_code in opened_in_problem and title_code in occupied and title_code not in freed:
            seats = sum(1 for p in problem.posts if p.id.split("#")[0] == title_code)
            if len(holders.get(title_code, ())) >= seats:
                raise ScenarioError(f"hồ sơ đã thay đổi sau khi giải: vị trí {title_code} đã có người; "
                                    "hãy giải lại phương án")


def compare_holders(problem: solver.Problem, plans: list[solver.Plan]) -> dict[str, list[str | None]]:
    """For each cadre moved in any plan: the post each plan puts them in (None: stays)."""
    moved: dict[str, list[str | None]] = {}
    for index, plan in enumerate(plans):
        for move in plan.moves:
            moved.setdefault(move.cadre, [None] * len(plans))[index] = move.to_post
    return moved


__all__ = [
    "BuiltProblem", "RELAXABLE", "SWEEPABLE", "ScenarioError", "ScenarioSettings", "TargetSetting", "adopt",
    "build_problem", "compare_holders", "copy", "create", "plan_of", "problem_of", "relax", "start_solve",
    "start_sweep", "update", "validate",
]
