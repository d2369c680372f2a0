"""From the records to a solver problem.

The solver (`solver/`) knows nothing of the database: this module prepares the problem
completely — ages, remaining service, ratings, discipline months, tenure, the candidate
moves and their scores, all at the rotation date. The rules' numbers come from the rule
set in force on the rotation date; the rules themselves are `domain.rotation`'s.

`build_problem` runs named steps in order: the rule set, the scope, the pools in play,
the posts, the cadres, the candidate moves, the units and their targets, the relations,
the pins. `problem_for` is the one way the CLI, the scenario page and the save get a
scenario's problem.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

import solver
from quyhoach.db.models import Scenario
from quyhoach.domain import rotation as rules_of_rotation
from quyhoach.domain.dates import add_months, age_on, format_date, months_between
from quyhoach.domain.facts import CadreFacts, TitleFact
from quyhoach.domain.retirement import remaining_service_months, retirement_of
from quyhoach.domain.rulesets import RuleSetData
from quyhoach.domain.vocab import RATING_ORDER
from quyhoach.services.planning import world as world_service
from quyhoach.services.planning.world import World
from quyhoach.services.rotation.settings import HARD, OFF, SOFT, ScenarioError, ScenarioSettings
from solver.model import TERM_NAMES

TARGET_WORDS = {"female": "cán bộ nữ", "minority": "cán bộ dân tộc thiểu số", "young": "cán bộ trẻ"}


@dataclass
class BuiltProblem:
    problem: solver.Problem
    rules: RuleSetData
    opened: dict[str, str]                  # post id -> why it is open ("X nghỉ hưu ngày ...")
    cadre_names: dict[str, str]
    post_names: dict[str, str]
    warnings: list[str] = field(default_factory=list)


def _tier(rank: int) -> int:
    """Ranks are compared in steps of ten: a deputy director (55) and a director (60) are one
    step apart; a commune chair (38) and a commune deputy secretary (35) are equivalent."""
    return rank // 10


def _post_id(title: TitleFact, seat: int) -> str:
    return f"{title.code}#{seat}"


def _ratings(cadre: CadreFacts, on: dt.date, years: int = 5) -> list[str | None]:
    by_year = {r.year: r.rating for r in cadre.ratings}
    return [by_year.get(year) for year in range(on.year - 1, on.year - 1 - years, -1)]


def _fit(cadre: CadreFacts, ratings: list[str | None], months_left: int, params: dict[str, Any] | None = None) -> int:
    """The cadre's fit for a leadership post (domain.rotation.fit_score)."""
    return rules_of_rotation.fit_score(ratings, cadre.theory_level, cadre.state_mgmt_level, months_left, params)


def _head_terms(since: dt.date, on: dt.date, params: dict[str, Any] | None = None) -> int:
    """Whole terms already served as head in one place (R5, domain.rotation.head_terms)."""
    return rules_of_rotation.head_terms(since, on, params)


def _held(post: solver.Post, units: dict[str, solver.Unit]) -> rules_of_rotation.HeldPost:
    return rules_of_rotation.HeldPost(collective=post.collective or post.unit,
                                      locality=post.locality or units[post.unit].locality,
                                      top_leader=post.top_leader, is_head=post.is_head, sector=post.sector)


def _conflicting_now(relation: solver.Relation, posts: list[solver.Post], units: dict[str, solver.Unit]) -> bool:
    """Whether two relatives already hold posts QĐ 114 keeps apart (P14 applied to posts
    held, domain.rotation.relatives_conflict_in_posts)."""
    held = {p.holder: p for p in posts if p.holder}
    a, b = held.get(relation.a), held.get(relation.b)
    if a is None or b is None:
        return False
    return rules_of_rotation.relatives_conflict_in_posts(_held(a, units), _held(b, units))


# --------------------------------------------------------------------------- the steps

@dataclass
class _Build:
    """What the steps share: the inputs, and what each step adds for the next ones."""

    world: World
    settings: ScenarioSettings
    on: dt.date
    rules: RuleSetData | None = None
    params: dict[str, Any] = field(default_factory=dict)
    # scope
    units_by_code: dict[str, Any] = field(default_factory=dict)
    scope: set[int] = field(default_factory=set)
    titles: list[TitleFact] = field(default_factory=list)
    locality_code: dict[int, str] = field(default_factory=dict)
    # pools
    pool_members: dict[int, set[int]] = field(default_factory=dict)
    in_any_pool: set[int] = field(default_factory=set)
    # posts
    posts: list[solver.Post] = field(default_factory=list)
    opened: dict[str, str] = field(default_factory=dict)
    post_names: dict[str, str] = field(default_factory=dict)
    post_title: dict[str, TitleFact] = field(default_factory=dict)
    holder_of: dict[int, tuple[str, dt.date]] = field(default_factory=dict)
    # cadres
    cadres: list[solver.Cadre] = field(default_factory=list)
    cadre_names: dict[str, str] = field(default_factory=dict)
    fits: dict[int, int] = field(default_factory=dict)
    # units, relations
    units: list[solver.Unit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _rule_set(b: _Build) -> None:
    """The rule set named by the scenario, else the planning set in force on the date."""
    if b.settings.rule_set:
        matches = [r for r in b.world.rule_sets if r.code == b.settings.rule_set]
        if not matches:
            raise ScenarioError(f"không có bộ quy định «{b.settings.rule_set}»")
        b.rules = matches[0]
    else:
        b.rules = b.world.rule_set("planning", b.on)
    b.params = b.rules.params


def _scope(b: _Build) -> None:
    """The units in play (each with its subtree; none named: all) and their titles."""
    world = b.world
    b.units_by_code = {u.code: u for u in world.units.values()}
    for code in b.settings.unit_codes:
        if code not in b.units_by_code:
            raise ScenarioError(f"không có đơn vị mã «{code}»")
        b.scope |= world.subtree(b.units_by_code[code].id)
    if not b.settings.unit_codes:
        b.scope = set(world.units)
    b.titles = [t for t in world.titles.values() if t.unit_id in b.scope]
    if not b.titles:
        raise ScenarioError("phạm vi đã chọn không có chức danh nào")
    b.locality_code = {u.id: u.code for u in world.units.values() if u.is_locality}


def _pools(b: _Build) -> None:
    """Pools in play: the active pools of the titles in scope whose term is running or next."""
    for record in b.world.pools.values():
        if record.facts.term.end < b.on:
            continue
        for cadre in record.facts.members:
            b.in_any_pool.add(cadre.id)
            if record.facts.title.unit_id in b.scope:
                b.pool_members.setdefault(record.facts.title.id, set()).add(cadre.id)


def _posts(b: _Build) -> None:
    """Every seat of the titles in scope, with its holder, or why it is open: the holder
    retires within the horizon, or (R5) has served the head's term limit there."""
    world, settings = b.world, b.settings
    horizon = add_months(b.on, settings.retiring_within_months)
    limit = rules_of_rotation.head_term_limit(b.params)
    for title in sorted(b.titles, key=lambda t: (-t.rank, t.code)):
        seats = sorted(world.holders.get(title.id, []), key=lambda h: (h[1], h[0]))
        count = max(world.title_seats.get(title.id, 1), len(seats))
        for seat in range(1, count + 1):
            post_id = _post_id(title, seat)
            holder = None
            if seat <= len(seats):
                cadre_id, since = seats[seat - 1]
                cadre = world.cadres[cadre_id]
                leaves = retirement_of(cadre)
                terms_as_head = _head_terms(since, b.on, b.params) if title.is_head else 0
                if leaves <= horizon:
                    b.opened[post_id] = f"{cadre.name} nghỉ hưu ngày {format_date(leaves)}"
                elif settings.term_limit_opens_post and rules_of_rotation.at_head_term_limit(terms_as_head, b.params):
                    b.opened[post_id] = (f"{cadre.name} đã là người đứng đầu {terms_as_head} nhiệm kỳ liên tiếp "
                                         f"(tối đa {limit}, R5): luân chuyển ra ngoài phạm vi phương án")
                else:
                    holder = cadre.code
                    b.holder_of[cadre_id] = (post_id, since)
            else:
                b.opened[post_id] = "vị trí đang khuyết"
            b.post_title[post_id] = title
            b.post_names[post_id] = title.name + (f" (ghế {seat})" if count > 1 else "")
            b.posts.append(solver.Post(
                id=post_id, unit=title.unit_code, name=b.post_names[post_id], rank=_tier(title.rank), holder=holder,
                must_fill=settings.fill_vacancies == HARD and holder is None,
                is_head=title.is_head, is_deputy=title.is_deputy,
                top_leader=title.is_party_secretary or title.is_government_head,
                sector=title.sensitive_sector if title.is_head else None,
                non_local=title.non_local and settings.non_local == HARD,
                locality=title.locality_code or None,
            ))


def _cadres(b: _Build) -> None:
    """The cadres: holders of the posts in play, and the pool members who could be moved,
    with everything the solver's rules read about them at the rotation date."""
    world, on = b.world, b.on
    involved: set[int] = set(b.holder_of)
    if b.settings.pools_in_play:
        for members in b.pool_members.values():
            involved |= members
    for cadre_id in sorted(involved):
        cadre = world.cadres[cadre_id]
        ratings = _ratings(cadre, on)
        months_left = remaining_service_months(cadre, on)
        b.fits[cadre_id] = _fit(cadre, ratings, months_left, b.params)
        held = b.holder_of.get(cadre_id)
        top = max(cadre.titles, key=lambda t: t.rank, default=None)
        unit_code = b.post_title[held[0]].unit_code if held else (top.unit_code if top else None)
        if unit_code is not None and world.units and unit_code not in b.units_by_code:
            unit_code = None
        since = held[1] if held else _since(world, cadre_id)
        discipline = None
        recent = sorted(cadre.disciplines, key=lambda d: d.decision_date, reverse=True)
        if recent and recent[0].decision_date <= on:
            discipline = solver.Discipline(recent[0].level, months_between(recent[0].decision_date, on))
        head_terms = 0
        head_unit = None
        if top is not None and top.is_head and since is not None:
            head_unit = top.unit_code
            head_terms = _head_terms(since, on, b.params)
        good = [r for r in ratings[:3] if r]
        outstanding = bool(ratings and ratings[0] == "excellent"
                           and all(RATING_ORDER.get(r, 0) >= RATING_ORDER["good"] for r in good) and len(good) == 3)
        b.cadre_names[cadre.code] = cadre.name
        b.cadres.append(solver.Cadre(
            id=cadre.code, name=cadre.name, unit=unit_code, rank=_tier(top.rank) if top else 0,
            sex=cadre.sex, minority=cadre.minority, age=age_on(cadre.birth_date, on),
            months_service_left=months_left, ratings=ratings, outstanding=outstanding,
            home_localities=sorted({b.locality_code[i] for i in cadre.hometown_locality_ids if i in b.locality_code}),
            discipline=discipline, months_in_post=months_between(since, on) if since else 120,
            head_unit=head_unit, head_terms=head_terms, in_pool=cadre_id in b.in_any_pool,
            current_fit=b.fits[cadre_id] if held else 0,
        ))


def _candidates(b: _Build) -> list[solver.Candidate]:
    """Candidate moves: pool members to the seats of their pool's title; pool members who
    hold a post to the equivalent posts of other units."""
    world, settings = b.world, b.settings
    candidates: list[solver.Candidate] = []
    seats_of: dict[int, list[str]] = {}
    for post in b.posts:
        seats_of.setdefault(b.post_title[post.id].id, []).append(post.id)
    by_tier: dict[int, list[str]] = {}
    for post in b.posts:
        by_tier.setdefault(post.rank, []).append(post.id)
    seen: set[tuple[str, str]] = set()

    def propose(cadre_id: int, post_id: str, reason: str) -> None:
        cadre = world.cadres[cadre_id]
        if (cadre.code, post_id) in seen or b.holder_of.get(cadre_id, ("",))[0] == post_id:
            return
        title = b.post_title[post_id]
        here = b.holder_of.get(cadre_id)
        from_title = b.post_title[here[0]] if here else max(cadre.titles, key=lambda t: t.rank, default=None)
        development = 0
        if from_title is not None:
            development = rules_of_rotation.development_bonus(
                from_title.locality_code, title.locality_code, from_title.unit_id, title.unit_id,
                from_title.level, title.level, b.params)
        fit = b.fits[cadre_id]
        if title.non_local and settings.non_local == SOFT and title.locality_id in cadre.hometown_locality_ids:
            fit = max(0, fit - settings.non_local_penalty)
            reason += "; là người địa phương (R4 khuyến khích: bị trừ điểm)"
        seen.add((cadre.code, post_id))
        candidates.append(solver.Candidate(cadre=cadre.code, post=post_id, fit=fit, development=development,
                                           reasons=[reason]))

    if settings.pools_in_play:
        for title_id, members in b.pool_members.items():
            for cadre_id in sorted(members):
                for post_id in seats_of.get(title_id, []):
                    propose(cadre_id, post_id, f"trong quy hoạch {world.titles[title_id].name}")
    if settings.rotate_equivalent:
        for cadre_id, (post_id, _since_day) in sorted(b.holder_of.items()):
            if cadre_id not in b.in_any_pool:
                continue
            here = b.post_title[post_id]
            options = [p for p in by_tier.get(_tier(here.rank), []) if b.post_title[p].unit_id != here.unit_id]
            options.sort(key=lambda p: (b.post_title[p].locality_code == here.locality_code, p))
            for other in options[: settings.max_candidates_per_cadre]:
                propose(cadre_id, other, f"luân chuyển sang vị trí tương đương ({b.post_title[other].unit_name})")
    return candidates


def _units(b: _Build) -> None:
    """The units in play, with their limits on leaving and arriving."""
    world, settings = b.world, b.settings

    def localities_of(unit_id: int | None) -> list[str]:
        return [b.locality_code[i] for i in world.unit_ancestors(unit_id) if i in b.locality_code]

    unit_ids = sorted({t.unit_id for t in b.titles})
    b.units = [solver.Unit(
        id=world.units[u].code, name=world.units[u].name, level=world.levels.get(world.units[u].level_id, ""),
        locality=(localities_of(u) or [None])[0],
        max_leaving=settings.max_leaving_per_unit, max_arriving=settings.max_arriving_per_unit,
    ) for u in unit_ids]


def _targets(b: _Build) -> list[solver.Target]:
    """Structure targets on the resulting leadership of every unit with enough posts."""
    settings = b.settings
    seats_per_unit: dict[str, int] = {}
    for post in b.posts:
        seats_per_unit[post.unit] = seats_per_unit.get(post.unit, 0) + 1
    targets: list[solver.Target] = []
    for unit in b.units:
        if seats_per_unit.get(unit.id, 0) < settings.target_min_seats:
            continue
        for attribute, target in settings.targets.items():
            if target.mode == OFF or target.share <= 0:
                continue
            extra: dict[str, Any] = {}
            if attribute == "young":
                extra["max_age"] = int(b.params.get("young_age", {}).get(unit.level, 40))
            targets.append(solver.Target(
                id=f"{attribute}@{unit.id}", attribute="age" if attribute == "young" else attribute,
                unit=unit.id, name=f"{TARGET_WORDS[attribute]} ≥ {round(target.share * 100)}% · {unit.name}",
                min_share=target.share, hard=target.mode == HARD, **extra))
    return targets


def _relations(b: _Build) -> list[solver.Relation]:
    """Family relations between cadres in play; a QĐ 114 conflict already in place is left
    out with a warning unless the scenario asks the plan to resolve it."""
    codes = {c.id for c in b.cadres}
    relations = []
    unit_index = {u.id: u for u in b.units}
    family_kinds = set(b.params.get("relation_kinds", []))
    for cadre in b.cadres:
        facts = b.world.cadres[_id_of(b.world, cadre.id)]
        for relative in facts.relatives:
            if relative.code in codes and cadre.id < relative.code:
                relation = solver.Relation(cadre.id, relative.code, relative.kind)
                if (not b.settings.resolve_family_conflicts and relative.kind in family_kinds
                        and _conflicting_now(relation, b.posts, unit_index)):
                    b.warnings.append(f"{cadre.name} và {relative.name} ({relative.kind}) đang giữ hai chức vụ "
                                      "QĐ 114 không cho phép: phương án giữ nguyên, cần xử lý riêng "
                                      "(hoặc chọn «giải quyết xung đột đã có»)")
                    continue
                relations.append(relation)
    return relations


def _pins(b: _Build, items: list[dict[str, Any]], what: str) -> list[solver.Assignment]:
    """Pinned or forbidden moves, each checked against the cadres and posts in play."""
    codes = {c.id for c in b.cadres}
    post_ids = {p.id for p in b.posts}
    out = []
    for item in items:
        if item.get("cadre") not in codes:
            raise ScenarioError(f"{what}: cán bộ «{item.get('cadre')}» không thuộc phạm vi phương án")
        if item.get("post") is not None and item["post"] not in post_ids:
            raise ScenarioError(f"{what}: vị trí «{item.get('post')}» không thuộc phạm vi phương án")
        out.append(solver.Assignment(item["cadre"], item.get("post")))
    return out


def _solver_rules(rules: RuleSetData) -> solver.Rules:
    params = rules.params
    return solver.Rules(
        rule_set=f"{rules.code} · {rules.legal_basis}",
        rating_years=int(params.get("rating_window_years", 3)),
        rating_threshold=str(params.get("rating_min", "good")),
        min_service_months=int(params.get("rotation_min_service_months", 120)),
        min_tenure_months=int(params.get("rotation_min_tenure_months", 36)),
        head_term_limit=rules_of_rotation.head_term_limit(params),
        discipline_cooldown_months={k: int(v) for k, v in params.get("discipline_cooldown_months", {}).items()},
        family_kinds=list(params.get("relation_kinds", [])),
    )


def build_problem(world: World, settings: ScenarioSettings, rotation_date: dt.date, name: str = "",
                  problem_id: str = "scenario") -> BuiltProblem:
    """The solver problem of a scenario, prepared entirely from the records at the rotation date."""
    b = _Build(world, settings, rotation_date)
    _rule_set(b)
    _scope(b)
    _pools(b)
    _posts(b)
    _cadres(b)
    candidates = _candidates(b)
    _units(b)
    targets = _targets(b)
    relations = _relations(b)
    pinned = _pins(b, settings.pinned, "Cố định")
    forbidden = _pins(b, settings.forbidden, "Loại trừ")
    assert b.rules is not None
    problem = solver.Problem(
        id=problem_id, name=name, date=format_date(rotation_date), rules=_solver_rules(b.rules),
        weights=solver.Weights(**{k: int(v) for k, v in settings.weights.items() if k in TERM_NAMES}),
        units=b.units, posts=b.posts, cadres=b.cadres, candidates=candidates, relations=relations, targets=targets,
        pinned=pinned, forbidden=forbidden,
    )
    return BuiltProblem(problem, b.rules, b.opened, b.cadre_names, b.post_names, b.warnings)


def problem_for(session: Session, scenario: Scenario, settings: ScenarioSettings | None = None, *,
                rotation_date: dt.date | None = None, name: str | None = None) -> BuiltProblem:
    """The problem of a scenario (or of `settings` about to be saved on it), from the records
    as they are now: the one builder the CLI, the save, the preview and the solve share."""
    on = rotation_date or scenario.rotation_date
    settings = settings if settings is not None else ScenarioSettings.from_dict(scenario.settings)
    world = world_service.cached(session, on)
    problem_id = f"scenario-{scenario.id}" if scenario.id is not None else "scenario"
    return build_problem(world, settings, on, scenario.name if name is None else name, problem_id)


def _since(world: World, cadre_id: int) -> dt.date | None:
    starts = [since for title_id in world.title_of_cadre.get(cadre_id, [])
              for holder, since in world.holders.get(title_id, []) if holder == cadre_id]
    return min(starts) if starts else None


def _id_of(world: World, code: str) -> int:
    index = world.memo.get("cadre_ids")
    if index is None:
        index = world.memo["cadre_ids"] = {c.code: c.id for c in world.cadres.values()}
    return index[code]
