"""Evaluation analytics: making inflated ratings visible (RULES.md §6; the seeds' complaint
that ratings are "chưa thực chất").

Five figures, each with its evidence, summed from each cadre's part kept in the process's
`ledger` (brought up to date from the planning change log: a changed rating reads that
cadre again, not every evaluation), with the planning world for names and the organisation
tree:

- **E4 per unit and year**: excellent (HTXSNV) against the cap of the rating rule set in
  force at that year's end (`excellent_max_share_of_good`, 20 % under QĐ 124 and QĐ 366).
  The cap is counted on those rated good or better: excellent ratings are chosen among the
  cadres rated good (HD 21/2019), so a unit with 10 rated HTTNV-or-better may have at most
  2 rated HTXSNV. `excess` is how many excellent ratings lie above the cap.
- **Ratings that never change**: the same yearly rating for at least `constant_years`
  consecutive years up to the cadre's latest rating (the whole run is shown).
- **Good or better in a year with a discipline**: a yearly rating of HTTNV or HTXSNV in the
  calendar year of a disciplinary decision (a member disciplined in the year is rated at most
  HTNV).
- **Monthly scores against the year's rating**: per unit and year, the mean of each cadre's
  monthly scores (E3) read through the year's score thresholds (E2), against the rating the
  cadre got at year end; `above` counts year ratings higher than the months support.
- **Units against comparable units**: over the last `window` years, each unit's excellent
  share against the pooled share of the other units of the same level and kind; `z` is that
  difference in binomial standard errors of the unit's size, so a large unit well above its
  peers ranks first and a small unit's chance swing does not.

The rules themselves (E2 score thresholds, E3 monthly scores, E4 cap, E6 months) are decided
in `quyhoach.domain.evaluations`; this module runs the queries and calls them.

The page (`web/evaluations.py`), the report section and the XLSX all read `Analytics`.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlmodel import Session, select

from quyhoach.db.models import Discipline, Evaluation
from quyhoach.domain.vocab import RATING_ORDER
from quyhoach.services.evaluations import ledger as ledger_service
from quyhoach.services.evaluations.figures import (
    CONSTANT_YEARS, RATINGS, Analytics, ConstantRating, DisciplineFlag, MonthGap, UnitComparison, UnitRef, UnitYear,
)
from quyhoach.services.evaluations.ledger import cadre_ref as _cadre_ref
from quyhoach.services.planning.world import AFTER_WRITE, MEMO_READS, World

COMPARISON_WINDOW = 5     # years compared between units
COMPARISON_MIN_RATED = 10  # a unit with fewer ratings in the window is not ranked
COMPARISON_MIN_PEERS = 3   # nor a unit with fewer comparable units (same level and kind)


def _unit_ref(world: World, unit_id: int | None) -> UnitRef | None:
    unit = world.units.get(unit_id) if unit_id is not None else None
    if unit is None:
        return None
    return UnitRef(unit.id, unit.code, unit.name, world.levels.get(unit.level_id, ""), unit.kind)


def evaluation_analytics(session: Session, world: World, *, unit_id: int | None = None,
                         constant_years: int = CONSTANT_YEARS, window: int = COMPARISON_WINDOW) -> Analytics:
    """Every figure of the Đánh giá page for the province, or for one unit's subtree: summed
    once per planning world from the cadres' parts, and carried over to the next world while
    no write touches the evaluations, the disciplines or the cadres' names (`world.MEMO_READS`)."""
    key = ("analytics", unit_id, constant_years, window)
    if key not in world.memo:
        with ledger_service.lock:   # worked out by one request; the others of this process wait for it
            if key not in world.memo:
                held = ledger_service.current(session, world)
                world.memo[key] = _sum(held, world, unit_id=unit_id, constant_years=constant_years, window=window)
    return world.memo[key]


MEMO_READS["analytics"] = frozenset({Evaluation.__tablename__, Discipline.__tablename__, "cadre.name"})


def _after_write(session: Session, world: World) -> None:
    """The province's figures on the writer's new world, in a process that keeps them (a Đánh
    giá page was read): the ledger brought up to date and summed by the writer, not by the
    next reader."""
    if ledger_service.held(session):
        evaluation_analytics(session, world)


AFTER_WRITE.append(_after_write)


def _sum(held: ledger_service.Ledger, world: World, *, unit_id: int | None, constant_years: int,
         window: int) -> Analytics:
    scope_ids = world.subtree(unit_id) if unit_id is not None else None
    refs: dict[int, UnitRef | None] = {}

    def ref(uid: int | None) -> UnitRef | None:
        if uid is None:
            return None
        if uid not in refs:
            refs[uid] = _unit_ref(world, uid)
        return refs[uid]

    def in_scope(uid: int | None) -> bool:
        return scope_ids is None or (uid is not None and uid in scope_ids)

    years = sorted(held.year_rated)
    params = {year: held.param(world, year) for year in years}

    # E4 per unit and year
    counts = {k: c for k, c in held.counts.items() if in_scope(k[0])}
    unit_years = []
    for (uid, year), c in counts.items():
        unit = ref(uid)
        if unit is None:
            continue
        code, p = params[year]
        unit_years.append(UnitYear(unit, year, dict(c), code, float(p["excellent_max_share_of_good"])))
    unit_years.sort(key=lambda u: (u.unit.name, u.year))

    # ratings that never change: the run of identical ratings ending at the latest year
    constants = [ConstantRating(_cadre_ref(world, cadre_id), ref(uid), rating, list(run))
                 for cadre_id, (rating, run, uid) in held.runs.items()
                 if len(run) >= constant_years and in_scope(uid)]
    constants.sort(key=lambda c: (-RATING_ORDER[c.rating], -len(c.years), c.unit.name if c.unit else "", c.cadre.name))

    # good or better in the year of a discipline
    disciplined = []
    for cadre_id, rows in held.disciplines.items():
        for d in rows:
            year = d.decision_date.year
            rating, score, uid = held.history.get(cadre_id, {}).get(year, (None, None, None))
            if rating in ("excellent", "good") and in_scope(uid):
                disciplined.append(DisciplineFlag(_cadre_ref(world, cadre_id), ref(uid), year, rating, score, d.level,
                                                  d.decision_date, d.decision_no, d.authority))
    disciplined.sort(key=lambda f: (-RATING_ORDER[f.rating], -f.year, f.cadre.name))

    # monthly scores against the year's rating
    month_gaps = [MonthGap(ref(uid), year, params[year][0], held.gap_rows((uid, year)))
                  for uid, year in held.gaps if in_scope(uid) and ref(uid) is not None]
    month_gaps.sort(key=lambda g: (-g.year, -g.above_share, -g.mean_steps, g.unit.name))

    # units against comparable units (same level and kind) over the last `window` years
    recent = years[-window:] if years else []
    per_unit: dict[int, Counter] = defaultdict(Counter)
    for (uid, year), c in counts.items():
        if year in recent:
            per_unit[uid].update(c)
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for uid in per_unit:
        unit = ref(uid)
        if unit is not None:
            groups[(unit.level, unit.kind)].append(uid)
    # peers are read over the whole province even for a subtree's page: "comparable units"
    if scope_ids is not None:
        all_counts: dict[int, Counter] = defaultdict(Counter)
        for (uid, year), c in held.counts.items():
            if year in recent:
                all_counts[uid].update(c)
        peer_groups: dict[tuple[str, str], list[int]] = defaultdict(list)
        for uid in all_counts:
            unit = ref(uid)
            if unit is not None:
                peer_groups[(unit.level, unit.kind)].append(uid)
    else:
        all_counts, peer_groups = per_unit, groups

    def points(c: Counter) -> float:
        n = sum(c[r] for r in RATINGS)
        return sum(RATING_ORDER[r] * c[r] for r in RATINGS) / n if n else 0.0

    comparisons = []
    for group, members in groups.items():
        peers_all = peer_groups.get(group, [])
        group_total: Counter = Counter()
        for uid in peers_all:
            group_total.update(all_counts[uid])
        for uid in members:
            own = per_unit[uid]
            rated = sum(own[r] for r in RATINGS)
            if rated < COMPARISON_MIN_RATED or len(peers_all) - 1 < COMPARISON_MIN_PEERS:
                continue
            others = group_total - all_counts[uid]
            comparisons.append(UnitComparison(
                ref(uid), rated, own["excellent"], len(peers_all) - 1, sum(others[r] for r in RATINGS),
                others["excellent"], round(points(own), 3), round(points(others), 3)))
    comparisons.sort(key=lambda c: (-c.z, -c.difference, c.unit.name))

    return Analytics(
        on=world.on, scope=ref(unit_id) if unit_id is not None else None, years=years, window=recent,
        unit_years=unit_years, constants=constants, disciplined=disciplined, month_gaps=month_gaps,
        comparisons=comparisons, constant_years=constant_years,
        rule_sets={y: params[y][0] for y in years},
        cap_shares={y: float(params[y][1]["excellent_max_share_of_good"]) for y in years},
    )


def unit_ratings(session: Session, world: World, unit_id: int, year: int | None = None) -> list[dict]:
    """The evidence behind a unit's flags: every yearly rating given in the unit (one year or
    all), with the cadre's mean monthly score that year and any discipline decided that year."""
    query = select(Evaluation.cadre_id, Evaluation.year, Evaluation.rating, Evaluation.score).where(
        Evaluation.period == "year", Evaluation.unit_id == unit_id)
    if year is not None:
        query = query.where(Evaluation.year == year)
    rows = session.exec(query).all()
    cadre_ids = list({r[0] for r in rows})
    months: dict[tuple[int, int], list[float]] = defaultdict(list)
    disciplines: dict[tuple[int, int], list[Discipline]] = defaultdict(list)
    if cadre_ids:
        for cadre_id, y, score in session.exec(
                select(Evaluation.cadre_id, Evaluation.year, Evaluation.score)
                .where(Evaluation.period == "month", Evaluation.cadre_id.in_(cadre_ids), Evaluation.score.is_not(None))):
            months[(cadre_id, y)].append(score)
        for d in session.exec(select(Discipline).where(Discipline.cadre_id.in_(cadre_ids))):
            disciplines[(d.cadre_id, d.decision_date.year)].append(d)
    out = []
    for cadre_id, y, rating, score in rows:
        m = months.get((cadre_id, y))
        out.append({"cadre": _cadre_ref(world, cadre_id), "year": y, "rating": rating, "score": score,
                    "month_mean": round(sum(m) / len(m), 2) if m else None, "months": len(m) if m else 0,
                    "disciplines": disciplines.get((cadre_id, y), [])})
    out.sort(key=lambda r: (-r["year"], -RATING_ORDER.get(r["rating"] or "", -1), r["cadre"].name))
    return out
