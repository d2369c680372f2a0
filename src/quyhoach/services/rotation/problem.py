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

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

import solver
from quyhoach.db.models import Posting, Scenario
from quyhoach.domain import eligibility, standards
from quyhoach.domain import rotation as rules_of_rotation
from quyhoach.domain.dates import add_months, age_on, format_date, months_between
from quyhoach.domain.facts import CadreFacts, RelativeFact, TermFact, TitleFact
from quyhoach.domain.retirement import remaining_service_months, retirement_of
from quyhoach.domain.rulesets import RuleSetData
from quyhoach.domain.phrase import Phrase, Share
from quyhoach.domain.vocab import N_, RATING_ORDER
from quyhoach.services.planning import world as world_service
from quyhoach.services.planning.forecast import continuous_start, horizon_terms
from quyhoach.services.planning.world import World
from quyhoach.services.rotation.settings import HARD, OFF, SOFT, ScenarioError, ScenarioSettings
from solver.model import TERM_NAMES

TARGET_WORDS = {"female": N_("cán bộ nữ"), "minority": N_("cán bộ dân tộc thiểu số"), "young": N_("cán bộ trẻ")}


def problem_words(problem: solver.Problem) -> dict[str, Any]:
    """The problem's words the pages translate (`say`), by their Vietnamese text: the posts'
    names (a seat), the structure targets' names, the candidates' reasons. Stored beside the
    problem (SolveRun.problem["words"]); the solver reads the problem without them."""
    texts = [p.name for p in problem.posts] + [t.name for t in problem.targets]
    texts += [r for c in problem.candidates for r in c.reasons]
    return {str(t): t.to_json() for t in texts if isinstance(t, Phrase) and t.args}


def target_name(attribute: str, share: float, unit_name: str) -> Phrase:
    """A structure target's name, "cán bộ nữ ≥ 25% · Sở Nội vụ": Vietnamese in the problem,
    translatable where a page shows it (`say` with the plan's words)."""
    return Phrase(N_("%(kind)s ≥ %(share)s · %(unit)s"), kind=Phrase(TARGET_WORDS[attribute]),
                  share=Share(round(share * 100) / 100), unit=unit_name)


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


def _ratings(cadre: CadreFacts, rules: RuleSetData, on: dt.date, rating_sets: list[RuleSetData],
             years: int = 5) -> list[str | None]:
    """The ratings the solver reads, most recent first: the years that count on `on` as
    planning counts them (`eligibility.window_ratings`, P8), then older years for the fit,
    each read by E1's `eligibility.rating_of` (a score-only year only under a rating set that
    has the score)."""
    counted = eligibility.window_ratings(cadre, rules, on, rating_sets=rating_sets)
    window = [rating for _year, rating in reversed(counted)]
    first = counted[0][0] if counted else on.year
    by_year = {r.year: r for r in cadre.ratings}
    older = [eligibility.rating_of(by_year[y], rating_sets) if y in by_year else None
             for y in range(first - 1, first - 1 - max(0, years - len(window)), -1)]
    return window + older


def _discipline(cadre: CadreFacts, rules: RuleSetData, on: dt.date) -> solver.Discipline | None:
    """The discipline the solver reads (P9/P13), judged by the domain for each purpose
    (`eligibility.disciplines_in_force`, all of them, not only the latest): in force for
    planning and rotation (an ended reprimand or warning no longer bars under QĐ 377), and in
    force before a higher post (an appointment: the cooldown alone). The one named is the
    discipline whose bar ends last, else the latest decided."""
    planning = eligibility.disciplines_in_force(cadre, rules, on)
    higher = eligibility.disciplines_in_force(cadre, rules, on, for_appointment=True)
    barring = planning or higher
    if barring:
        d, _end = max(barring, key=lambda pair: pair[1])
    else:
        past = [x for x in cadre.disciplines if x.decision_date <= on]
        if not past:
            return None
        d = max(past, key=lambda x: x.decision_date)
    return solver.Discipline(d.level, months_between(d.decision_date, on), in_force=bool(planning),
                             in_force_appointment=bool(higher))


def _fit(cadre: CadreFacts, ratings: list[str | None], months_left: int, params: dict[str, Any] | None = None) -> int:
    """The cadre's fit for a leadership post (domain.rotation.fit_score)."""
    return rules_of_rotation.fit_score(ratings, cadre.theory_level, cadre.state_mgmt_level, months_left, params)


@dataclass(frozen=True)
class _HeadStatus:
    terms: int                  # consecutive terms as head on the rotation date, the current one included (R5)
    leaves: dt.date | None      # the day R5 sends them away, as the forecast says it (None: beyond the next term)
    held_then: int              # the terms they will have served on that day
    within: bool                # ... and that day falls within the scenario's horizon


def _head_status(b: _Build, cadre_id: int, title: TitleFact, since: dt.date) -> _HeadStatus:
    """R5 for a head, counted as the vacancy forecast counts it (`domain.rotation.head_terms`
    over the real terms of the title's kind, from the start of the continuous holding), and
    the day the limit sends them away (`domain.rotation.head_leaves`, as `domain.forecast`)."""
    start = b.head_starts.get((cadre_id, title.id), since)
    terms = b.terms_by_kind.get(title.term_kind) or [t for ts in b.terms_by_kind.values() for t in ts]
    count = rules_of_rotation.head_terms(start, terms, b.on)
    # the current and the next term, the next as it will be when not entered yet (as the forecast)
    upcoming = sorted((t for t in horizon_terms(terms, b.on) if t.end >= b.on), key=lambda t: t.start)[:2]
    found = rules_of_rotation.head_leaves(count, upcoming, rules_of_rotation.head_term_limit(b.params))
    if found is None:
        return _HeadStatus(count, None, count, False)
    term, held = found
    leaves = term.end + dt.timedelta(days=1)
    return _HeadStatus(count, leaves, held, leaves <= b.horizon)


# --------------------------------------------------------------------------- the steps

@dataclass
class _Build:
    """What the steps share: the inputs, and what each step adds for the next ones."""

    world: World
    settings: ScenarioSettings
    on: dt.date
    head_starts: dict[tuple[int, int], dt.date] = field(default_factory=dict)  # (cadre, title) -> continuous start
    rules: RuleSetData | None = None
    params: dict[str, Any] = field(default_factory=dict)
    horizon: dt.date = dt.date.max
    terms_by_kind: dict[str, list[TermFact]] = field(default_factory=dict)
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
    b.horizon = add_months(b.on, b.settings.retiring_within_months)
    for term in world.terms.values():
        b.terms_by_kind.setdefault(term.kind, []).append(term)


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
    retires within the horizon, or (R5) reaches the head's term limit there within it (the
    day the vacancy forecast gives)."""
    world, settings = b.world, b.settings
    horizon = b.horizon
    limit = rules_of_rotation.head_term_limit(b.params)
    sensitive = set(b.params.get("sensitive_sectors", []))
    relaxed = set(settings.relaxed or ())
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
                head = _head_status(b, cadre_id, title, since) if title.is_head else None
                if leaves <= horizon:
                    b.opened[post_id] = Phrase(N_("%(name)s nghỉ hưu ngày %(date)s"), name=cadre.name,
                                               date=format_date(leaves))
                elif settings.term_limit_opens_post and head is not None and head.within:
                    assert head.leaves is not None
                    b.opened[post_id] = Phrase(
                        N_("%(name)s là người đứng đầu nhiệm kỳ thứ %(held)s liên tiếp đến %(date)s (tối đa %(max)s, "
                           "R5): luân chuyển ra ngoài phạm vi phương án"), name=cadre.name, held=head.held_then,
                        date=format_date(head.leaves - dt.timedelta(days=1)), max=limit)
                else:
                    holder = cadre.code
                    b.holder_of[cadre_id] = (post_id, since)
            else:
                b.opened[post_id] = Phrase.of(N_("vị trí đang khuyết"))
            b.post_title[post_id] = title
            b.post_names[post_id] = (Phrase(N_("%(title)s (ghế %(seat)s)"), title=title.name, seat=seat) if count > 1
                                     else title.name)
            b.posts.append(solver.Post(
                id=post_id, unit=title.unit_code, name=b.post_names[post_id], rank=_tier(title.rank), holder=holder,
                must_fill=settings.fill_vacancies == HARD and holder is None and f"must_fill:{post_id}" not in relaxed,
                is_head=title.is_head, is_deputy=title.is_deputy,
                top_leader=title.is_party_secretary or title.is_government_head,
                sector=title.sensitive_sector if title.is_head and title.sensitive_sector in sensitive else None,
                # P14's leadership collective of the unit; a post outside it shares none
                collective=title.unit_code if eligibility.in_unit_leadership(title) else post_id,
                non_local=title.non_local and settings.non_local == HARD,
                locality=title.locality_code or None,
                requires=standards.requirement_codes(title),     # title standards (QĐ 365 framework)
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
        ratings = _ratings(cadre, b.rules, on, world.rule_sets)
        months_left = remaining_service_months(cadre, on)
        b.fits[cadre_id] = _fit(cadre, ratings, months_left, b.params)
        held = b.holder_of.get(cadre_id)
        top = max(cadre.titles, key=lambda t: t.rank, default=None)
        unit_code = b.post_title[held[0]].unit_code if held else (top.unit_code if top else None)
        if unit_code is not None and world.units and unit_code not in b.units_by_code:
            unit_code = None
        since = held[1] if held else _since(world, cadre_id)
        discipline = _discipline(cadre, b.rules, on)
        head_terms = 0
        head_unit = None
        head_title = b.post_title[held[0]] if held else top
        if head_title is not None and head_title.is_head and since is not None:
            head_unit = head_title.unit_code
            # the solver bars a head post of the same unit at head_terms >= the limit: that is
            # when R5 sends them away within the horizon (the forecast's day); otherwise the
            # terms counted so far, below the limit
            status = _head_status(b, cadre_id, head_title, since)
            limit = rules_of_rotation.head_term_limit(b.params)
            head_terms = max(status.held_then, limit) if status.within else min(status.terms, limit - 1)
        good = [r for r in ratings[:3] if r]
        outstanding = bool(ratings and ratings[0] == "excellent"
                           and all(RATING_ORDER.get(r, 0) >= RATING_ORDER["good"] for r in good) and len(good) == 3)
        b.cadre_names[cadre.code] = cadre.name
        b.cadres.append(solver.Cadre(
            id=cadre.code, name=cadre.name, unit=unit_code, rank=_tier(top.rank) if top else 0,
            sex=cadre.sex, minority=cadre.minority, age=age_on(cadre.birth_date, on),
            months_service_left=months_left, ratings=ratings, outstanding=outstanding,
            home_localities=sorted({b.locality_code[i] for i in cadre.hometown_locality_ids if i in b.locality_code}),
            qualifications=standards.qualification_codes(cadre),
            discipline=discipline, months_in_post=months_between(since, on) if since else 120,
            head_unit=head_unit, head_terms=head_terms, in_pool=cadre_id in b.in_any_pool,
            current_fit=b.fits[cadre_id] if held else 0,
        ))


def _candidates(b: _Build) -> list[solver.Candidate]:
    """Candidate moves, each with its kind (RULES.md §9): a pool member to the seats of their
    pool's title is an APPOINTMENT (QĐ 377 art. 34: judged by the pool, P8, 60 months left,
    the cooldowns for a higher post, the standards; not by R6/R7/R8); a pool member who holds
    a post to an equivalent post of another unit is a ROTATION (QĐ 65: R1–R9)."""
    world, settings = b.world, b.settings
    candidates: list[solver.Candidate] = []
    seats_of: dict[int, list[str]] = {}
    for post in b.posts:
        seats_of.setdefault(b.post_title[post.id].id, []).append(post.id)
    by_tier: dict[int, list[str]] = {}
    for post in b.posts:
        by_tier.setdefault(post.rank, []).append(post.id)
    seen: set[tuple[str, str]] = set()

    def propose(cadre_id: int, post_id: str, reason: str, kind: str) -> None:
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
            reason = Phrase(N_("%(reason)s; là người địa phương (R4 khuyến khích: bị trừ điểm)"), reason=reason)
        seen.add((cadre.code, post_id))
        candidates.append(solver.Candidate(cadre=cadre.code, post=post_id, fit=fit, development=development,
                                           reasons=[reason], kind=kind))

    if settings.pools_in_play:
        for title_id, members in b.pool_members.items():
            for cadre_id in sorted(members):
                for post_id in seats_of.get(title_id, []):
                    propose(cadre_id, post_id, Phrase(N_("bổ nhiệm từ nguồn quy hoạch %(title)s"),
                                                      title=world.titles[title_id].name), "appointment")
    if settings.rotate_equivalent:
        for cadre_id, (post_id, _since_day) in sorted(b.holder_of.items()):
            if cadre_id not in b.in_any_pool:
                continue
            here = b.post_title[post_id]
            options = [p for p in by_tier.get(_tier(here.rank), []) if b.post_title[p].unit_id != here.unit_id]
            options.sort(key=lambda p: (b.post_title[p].locality_code == here.locality_code, p))
            for other in options[: settings.max_candidates_per_cadre]:
                propose(cadre_id, other, Phrase(N_("luân chuyển sang vị trí tương đương (%(unit)s, %(direction)s)"),
                                                unit=b.post_title[other].unit_name,
                                                direction=_direction(here, b.post_title[other])), "rotation")
    return candidates


DIRECTION_WORDS = {"down": N_("luân chuyển về cấp dưới"), "up": N_("luân chuyển lên cấp trên"),
                   "locality": N_("luân chuyển giữa các địa phương"), "agency": N_("luân chuyển giữa các cơ quan")}


def _direction(here: TitleFact, there: TitleFact) -> str:
    """R3's direction of a rotation, in words (recorded on the move's reasons)."""
    return Phrase.of(DIRECTION_WORDS[rules_of_rotation.direction(here.level, there.level, here.locality_code,
                                                                 there.locality_code, here.rank, there.rank)])


def _units(b: _Build) -> None:
    """The units in play, with their limits on leaving and arriving."""
    world, settings = b.world, b.settings

    def localities_of(unit_id: int | None) -> list[str]:
        return [b.locality_code[i] for i in world.unit_ancestors(unit_id) if i in b.locality_code]

    relaxed = set(settings.relaxed or ())
    unit_ids = sorted({t.unit_id for t in b.titles})
    b.units = [solver.Unit(
        id=world.units[u].code, name=world.units[u].name, level=world.levels.get(world.units[u].level_id, ""),
        locality=(localities_of(u) or [None])[0],
        max_leaving=None if f"leave:{world.units[u].code}" in relaxed else settings.max_leaving_per_unit,
        max_arriving=None if f"arrive:{world.units[u].code}" in relaxed else settings.max_arriving_per_unit,
    ) for u in unit_ids]


def _targets(b: _Build) -> list[solver.Target]:
    """Structure targets on the resulting leadership of every unit with enough posts."""
    settings = b.settings
    seats_per_unit: dict[str, int] = {}
    for post in b.posts:
        seats_per_unit[post.unit] = seats_per_unit.get(post.unit, 0) + 1
    targets: list[solver.Target] = []
    relaxed = set(settings.relaxed or ())
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
                unit=unit.id, name=target_name(attribute, target.share, unit.name),
                min_share=target.share, hard=target.mode == HARD and f"target:{attribute}@{unit.id}" not in relaxed,
                **extra))
    return targets


def _conflicting_now(b: _Build, facts: CadreFacts, relative: RelativeFact, held: dict[str, str]) -> bool:
    """Whether two relatives already hold posts QĐ 114 keeps apart: P14's own function
    (`eligibility.relatives_finding`) asked of the one's post against the other's."""
    post_a, post_b = held.get(facts.code), held.get(relative.code)
    if post_a is None or post_b is None:
        return False
    alone = dataclasses.replace(facts, relatives=(dataclasses.replace(relative, titles=(b.post_title[post_b],)),))
    assert b.rules is not None
    return not eligibility.relatives_finding(alone, b.post_title[post_a], b.rules).passed


def _relations(b: _Build) -> list[solver.Relation]:
    """Family relations between cadres in play; a QĐ 114 conflict already in place (P14) is
    left out with a warning unless the scenario asks the plan to resolve it."""
    codes = {c.id for c in b.cadres}
    relations = []
    held = {p.holder: p.id for p in b.posts if p.holder}
    family_kinds = set(b.params.get("relation_kinds", []))
    for cadre in b.cadres:
        facts = b.world.cadres[_id_of(b.world, cadre.id)]
        for relative in facts.relatives:
            if relative.code in codes and cadre.id < relative.code:
                relation = solver.Relation(cadre.id, relative.code, relative.kind)
                if (not b.settings.resolve_family_conflicts and relative.kind in family_kinds
                        and _conflicting_now(b, facts, relative, held)):
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
        # QĐ 377 art. 34: one full term left at appointment (P6's one term unless the set says otherwise)
        appointment_min_service_months=int(params.get("appointment_min_service_months",
                                                      params.get("next_term_min_months", 60))),
        min_tenure_months=int(params.get("rotation_min_tenure_months", 36)),
        head_term_limit=rules_of_rotation.head_term_limit(params),
        discipline_cooldown_months={k: int(v) for k, v in params.get("discipline_cooldown_months", {}).items()},
        family_kinds=list(params.get("relation_kinds", [])),
    )


def build_problem(world: World, settings: ScenarioSettings, rotation_date: dt.date, name: str = "",
                  problem_id: str = "scenario", *,
                  head_starts: dict[tuple[int, int], dt.date] | None = None) -> BuiltProblem:
    """The solver problem of a scenario, prepared entirely from the records at the rotation date.
    `head_starts` gives the start of each holder's continuous holding of a title (back-to-back
    postings merged, as the forecast reads them); without it, the current posting's start."""
    b = _Build(world, settings, rotation_date, head_starts=dict(head_starts or {}))
    _rule_set(b)
    _scope(b)
    _pools(b)
    _posts(b)
    _cadres(b)
    _rating_warnings(b)
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
    return build_problem(world, settings, on, scenario.name if name is None else name, problem_id,
                         head_starts=head_starts(session, world))


def head_starts(session: Session, world: World) -> dict[tuple[int, int], dt.date]:
    """(cadre, title) -> the start of the continuous holding of each head title held now, as
    the vacancy forecast reads it (`services.planning.forecast.continuous_start`)."""
    heads = {t.id for t in world.titles.values() if t.is_head}
    current = {(cid, tid): since for tid in heads for cid, since in world.holders.get(tid, [])}
    if not current:
        return {}
    periods: dict[tuple[int, int], list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    cadre_ids = sorted({cid for cid, _ in current})
    for cadre_id, title_id, start, end in session.exec(
        select(Posting.cadre_id, Posting.title_id, Posting.start_date, Posting.end_date)
        .where(Posting.title_id.in_(sorted(heads)), Posting.cadre_id.in_(cadre_ids), Posting.start_date <= world.on)
    ):
        periods[(cadre_id, title_id)].append((start, end))
    return {key: continuous_start(periods.get(key, []), since) for key, since in current.items()}


def _rating_warnings(b: _Build) -> None:
    """Warn before solving when the rotation date needs ratings most cadres in play do not
    have: the rating rule (P8, R9) would exclude them and the plan come back empty."""
    if not b.cadres:
        return
    assert b.rules is not None
    missing: dict[int, int] = {}
    for cadre in b.cadres:
        facts = b.world.cadres[_id_of(b.world, cadre.id)]
        for year, rating in eligibility.window_ratings(facts, b.rules, b.on, rating_sets=b.world.rule_sets):
            if rating is None:
                missing[year] = missing.get(year, 0) + 1
    for year, count in sorted(missing.items(), reverse=True):
        if count * 2 >= len(b.cadres):
            b.warnings.append(f"{_n(count)} cán bộ chưa có xếp loại năm {year}: quy định về xếp loại sẽ loại họ "
                              f"(cần xếp loại {len(eligibility.counted_years(b.rules, b.on))} năm gần nhất)")


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _since(world: World, cadre_id: int) -> dt.date | None:
    starts = [since for title_id in world.title_of_cadre.get(cadre_id, [])
              for holder, since in world.holders.get(title_id, []) if holder == cadre_id]
    return min(starts) if starts else None


def _id_of(world: World, code: str) -> int:
    index = world.memo.get("cadre_ids")
    if index is None:
        index = world.memo["cadre_ids"] = {c.code: c.id for c in world.cadres.values()}
    return index[code]
