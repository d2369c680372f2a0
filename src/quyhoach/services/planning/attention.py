"""What needs attention now, in planning, within a user's units: the Tổng quan page's
planning items, each read from what the planning world has judged already (the review
worklist, the judged pools, the vacancy forecast, the ratings the rules count). No rule is
decided here: each item is a count over another service's answer, grouped by unit so that
the page can link to the list filtered to that unit.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlmodel import Session

from quyhoach.domain.facts import TitleFact
from quyhoach.domain.forecast import Forecast, Vacancy
from quyhoach.domain.text import text_sort_key
from quyhoach.services.planning import forecast as forecast_service, review_views, verdicts, views
from quyhoach.services.planning.world import MEMO_READS, World

HORIZON_DAYS = 365     # "falling vacant in the next 12 months"
SHOWN = 5              # rows shown per item; the link opens the rest


@dataclass(frozen=True)
class UnitCount:
    """A unit and how many of an item it has (the link filters the list to it)."""

    code: str
    name: str
    count: int


@dataclass
class Item:
    """One kind of thing needing attention: how many, the units they are in (most first),
    and the first rows (whatever the item lists: pools, vacancies, exits)."""

    total: int = 0
    units: list[UnitCount] = field(default_factory=list)
    rows: list = field(default_factory=list)


@dataclass
class PlanningAttention:
    on: dt.date
    review_year: int
    rating_year: int
    exits: Item
    failing_pools: Item
    vacancies: Item
    missing_ratings: Item
    vacancy_pools: dict[tuple[int, str], int] = field(default_factory=dict)   # (title id, term code) -> pool id


def _by_unit(world: World, unit_ids: list[int]) -> list[UnitCount]:
    counts = Counter(unit_ids)
    rows = [UnitCount(world.units[u].code, world.units[u].name, n) for u, n in counts.items() if u in world.units]
    return sorted(rows, key=lambda r: (-r.count, text_sort_key(r.name)))


def _key(units: frozenset[int] | set[int] | None) -> frozenset[int] | None:
    return None if units is None else frozenset(units)


def _in(units: frozenset[int] | set[int] | None, title: TitleFact) -> bool:
    return units is None or title.unit_id in units


def open_exits(session: Session, world: World, root_unit_id: int | None) -> Item:
    """Proposed exits of this year's review with no decision yet (the review's own worklist)."""
    worklist = review_views.review_worklist(session, world, unit_id=root_unit_id)
    open_items = worklist.open_exits
    unit_of = {r.id: r.facts.title.unit_id for r in world.pools.values()}
    return Item(len(open_items), _by_unit(world, [unit_of[i.pool_id] for i in open_items]), open_items[:SHOWN])


def failing_pools(session: Session, world: World, units: frozenset[int] | set[int] | None) -> Item:
    """Pools short of a target or holding a member who fails a rule, worst first (the
    dashboard's order and test, read from the stored verdicts as the dashboard)."""
    failing = verdicts.selection(session, world, ("attention-pools", _key(units)),
                                 lambda j: _in(units, j.facts.title) and not views.pool_meets_all(j))
    key = ("attention-pools-item", _key(units))       # counted by unit once per list
    hit = world.memo.get(key)
    if hit is None or hit[0] is not failing:
        hit = world.memo[key] = (failing, Item(len(failing), _by_unit(world, [j.facts.title.unit_id for j in failing]),
                                               failing[:SHOWN]))
    return hit[1]


def uncovered_soon(forecast: Forecast) -> list[Vacancy]:
    """The forecast's seats falling vacant within a year with no eligible successor: the
    attention item, and the forecast page filtered to it (its link)."""
    end = forecast.on + dt.timedelta(days=HORIZON_DAYS)
    return [v for v in forecast.uncovered if v.date <= end]


def uncovered_vacancies(session: Session, world: World, units: frozenset[int] | set[int] | None) -> Item:
    """Seats the forecast sees falling vacant within a year with no eligible successor."""
    key = ("attention-vacancies", _key(units))
    if key not in world.memo:
        view = forecast_service.vacancy_forecast(session, world, unit_ids=set(units) if units is not None else None)
        world.memo[key] = uncovered_soon(view.forecast)
    found: list[Vacancy] = world.memo[key]
    return Item(len(found), _by_unit(world, [v.title.unit_id for v in found]), found[:SHOWN])


def missing_ratings(world: World, units: frozenset[int] | set[int] | None, year: int) -> Item:
    key = ("attention-ratings", _key(units), year)
    if key not in world.memo:
        world.memo[key] = _missing_ratings(world, units, year)
    return world.memo[key]


def _missing_ratings(world: World, units: frozenset[int] | set[int] | None, year: int) -> Item:
    """Title holders and pool members of the units with no yearly rating for `year`, the
    year the rules count now: their verdicts read an older year or none. Counted once per
    cadre, in the unit of their title (or of the pool's title)."""
    unit_of: dict[int, int] = {}
    for title_id, holders in world.holders.items():
        title = world.titles.get(title_id)
        if title is None or not _in(units, title):
            continue
        for cadre_id, _since in holders:
            unit_of.setdefault(cadre_id, title.unit_id)
    for record in world.pools.values():
        if record.facts.term.end < world.on or not _in(units, record.facts.title):
            continue
        for cadre in record.facts.members:
            unit_of.setdefault(cadre.id, record.facts.title.unit_id)
    # whether each cadre has the year's rating, kept by the identity of their facts: a patch
    # replaces the facts of the cadres it read again, so only those are looked at again
    held: dict[int, tuple[object, bool]] = world.memo.get(("rated", year), {})
    rated: dict[int, tuple[object, bool]] = {}
    missing = []
    for cadre_id, unit_id in unit_of.items():
        cadre = world.cadres.get(cadre_id)
        if cadre is None:
            continue
        hit = held.get(cadre_id)
        if hit is None or hit[0] is not cadre:
            hit = (cadre, any(r.year == year and (r.rating or r.score is not None) for r in cadre.ratings))
        rated[cadre_id] = hit
        if not hit[1]:
            missing.append((cadre, unit_id))
    world.memo[("rated", year)] = rated
    missing.sort(key=lambda pair: text_sort_key(pair[0].name))
    return Item(len(missing), _by_unit(world, [u for _, u in missing]), [c for c, _ in missing[:SHOWN]])


MEMO_READS["rated"] = frozenset()     # checked by the identity of each cadre's facts
MEMO_READS["attention-pools"] = frozenset()    # brought up to date with the verdicts (verdicts.selection)


def planning_attention(session: Session, world: World, units: frozenset[int] | set[int] | None,
                       root_unit_id: int | None) -> PlanningAttention:
    """The planning items of the Tổng quan page for a user who sees `units` (None: the
    province), whose own unit is `root_unit_id`."""
    counted = views.counted_through(world)
    return PlanningAttention(
        on=world.on, review_year=world.on.year, rating_year=counted.year,
        exits=open_exits(session, world, root_unit_id),
        failing_pools=failing_pools(session, world, units),
        vacancies=uncovered_vacancies(session, world, units),
        missing_ratings=missing_ratings(world, units, counted.year),
        vacancy_pools=forecast_service.pools_by_title_term(world),
    )
