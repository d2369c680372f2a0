"""The vacancy forecast of the province (or a unit's subtree): the seats that fall vacant
in the current and the next term, year by year, with the reason and the depth of each
title's pool. The rules are in `domain.forecast`; this module builds its Seats from the
planning world and the postings.

How the facts are read:
- holders: the current postings of each title (world.holders); a title with more seats
  than holders has a vacant seat now;
- consecutive terms of a head: the holder's continuous time in the title (back-to-back
  postings merged) is laid against the terms of the title's kind; the current term counts,
  and each earlier term counts when the holder held the title for at least half of it;
- appointed posts: titles of departments, party organs, judicial and public bodies, unless
  the appointing authority is an elected body's approval (phê chuẩn, Ban Chấp hành, HĐND,
  Bộ Chính trị); those posts follow the terms instead;
- pool depth: the members of the title's pool for that term with no blocking finding.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, select

from quyhoach.db.models import Posting, Title
from quyhoach.domain import forecast as domain
from quyhoach.domain.facts import CadreFacts, TermFact
from quyhoach.domain.phrase import Phrase
from quyhoach.domain.rotation import head_terms
from quyhoach.domain.rulesets import RuleSetData
from quyhoach.domain.text import fold
from quyhoach.domain.vocab import N_
from quyhoach.services.planning import verdicts
from quyhoach.services.planning.world import MEMO_READS, World

APPOINTED_UNIT_KINDS = frozenset({"department", "party_organ", "judicial", "enterprise"})
ELECTED_AUTHORITY_WORDS = ("phe chuan", "ban chap hanh", "hoi dong nhan dan", "bo chinh tri")
MERGE_GAP = dt.timedelta(days=31)   # postings this close are one continuous holding


def is_appointed(unit_kind: str, authority: str | None) -> bool:
    """An appointed post (5-year appointment), as opposed to one elected for a term."""
    folded = fold(authority or "")
    if any(word in folded for word in ELECTED_AUTHORITY_WORDS):
        return False
    return unit_kind in APPOINTED_UNIT_KINDS


def continuous_start(periods: list[tuple[dt.date, dt.date | None]], since: dt.date) -> dt.date:
    """The start of the continuous holding that includes the posting starting `since`."""
    start = since
    for begin, end in sorted(periods, key=lambda p: p[0], reverse=True):
        if begin >= start:
            continue
        if end is None or end + MERGE_GAP >= start:
            start = begin
        else:
            break
    return start


def consecutive_terms(start: dt.date, terms: list[TermFact], on: dt.date) -> int:
    """Terms in a row the holding covers, the current one included (R5: decided by
    `domain.rotation.head_terms`, which the rotation problem builder reads too)."""
    return head_terms(start, terms, on)


@dataclass
class YearBar:
    year: int
    vacancies: int
    covered: int
    message: str
    x: float = 0
    width: float = 0
    y_all: float = 0
    y_covered: float = 0


@dataclass
class ForecastView:
    forecast: domain.Forecast
    rules: RuleSetData
    pool_ids: dict[tuple[int, str], int]    # (title id, term code) -> pool id
    bars: list[YearBar]
    chart: dict
    unit: object = None

    @property
    def reasons(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for v in self.forecast.vacancies:
            counts[v.reason] += 1
        return dict(counts)

    def pool_id(self, vacancy: domain.Vacancy) -> int | None:
        if vacancy.term is None:
            return None
        return self.pool_ids.get((vacancy.title.id, vacancy.term.code))


def successor_depth(session: Session, world: World) -> dict[int, dict[str, int]]:
    """Eligible pool members per title and term code, read from the stored verdicts (each
    pool's members less those a rule blocks): once per world, and after a patch only for the
    pools it read again (`World.changes_since`)."""
    by_pool = verdicts.current_by_pool(session, world)
    held = world.memo.get(("depth",))
    if held is not None and held[0] == world.generation:
        return held[2]
    changed = world.changes_since(held[0]) if held is not None else None
    if held is None or changed is None:
        where = {i: (j.facts.title.id, j.facts.term.code) for i, j in by_pool.items()}
        depth: dict[int, dict[str, int]] = defaultdict(dict)
        for j in by_pool.values():
            depth[j.facts.title.id][j.facts.term.code] = j.depth
    else:     # the pools read again since: their titles' counts copied and set again
        where, depth = dict(held[1]), defaultdict(dict, held[2])
        for i in changed.pools:
            if i in where:
                title_id, term_code = where.pop(i)
                depth[title_id] = {k: v for k, v in depth[title_id].items() if k != term_code}
            j = by_pool.get(i)
            if j is not None:
                where[i] = (j.facts.title.id, j.facts.term.code)
                depth[j.facts.title.id] = {**depth.get(j.facts.title.id, {}), j.facts.term.code: j.depth}
    world.memo[("depth",)] = (world.generation, where, depth)
    return depth


def pools_by_title_term(world: World) -> dict[tuple[int, str], int]:
    """Each pool's id by (title id, term code): once per world."""
    key = ("pools-by-title-term",)
    if key not in world.memo:
        world.memo[key] = {(r.facts.title.id, r.facts.term.code): r.id for r in world.pools.values()}
    return world.memo[key]


def _stale_titles(session: Session, world: World, generation: int) -> set[int] | None:
    """The titles whose part may have moved since the world of `generation`: those whose
    holders changed, those held by a cadre read again, those of a pool read again; None when
    not known (every title is looked at)."""
    changed = world.changes_since(generation)
    if changed is None:
        return None
    by_pool = verdicts.current_by_pool(session, world)
    if any(i not in by_pool for i in changed.pools):
        return None            # a pool gone: its title is not known here
    out = set(changed.titles)
    for cadre_id in changed.cadres:
        out.update(world.title_of_cadre.get(cadre_id, ()))
    out.update(by_pool[i].facts.title.id for i in changed.pools)
    return out


@dataclass(frozen=True)
class _TitlePart:
    """One title's seats and the vacancies they give, with what they were worked out from:
    the title's holders (the world's list), the holders' facts and the pools' depth. A patch
    replaces the list and the facts of every cadre it reads again, so a part whose list and
    facts are those of the world asking, and whose depth is equal, is the part of that world."""

    holders: list[tuple[int, dt.date]] | None
    facts: tuple[CadreFacts | None, ...]
    by_term: dict[str, int]
    seats: tuple[domain.Seat, ...]
    vacancies: tuple[domain.Vacancy, ...]

    def holds(self, world: World, title_id: int, by_term: dict[str, int]) -> bool:
        current = world.holders.get(title_id)
        return (self.holders is current and self.by_term == by_term
                and all(f is world.cadres.get(c) for f, (c, _) in zip(self.facts, current or (), strict=True)))


def _title_rows(session: Session, world: World) -> dict[int, tuple[int, bool]]:
    """Each title's seats and whether it is an appointed post: read once per world and carried
    over by every patch (a change to a title or a unit rebuilds the world)."""
    key = ("forecast-titles",)
    if key not in world.memo:
        rows = {tid: (n, authority) for tid, n, authority in
                session.exec(select(Title.id, Title.seats, Title.appointing_authority)).all()}
        out = {}
        for title in world.titles.values():
            count, authority = rows.get(title.id, (1, None))
            unit = world.units.get(title.unit_id)
            out[title.id] = (count, is_appointed(unit.kind if unit else "", authority))
        world.memo[key] = out
    return world.memo[key]


def _periods(session: Session, world: World, holder_ids: set[int]) -> dict[tuple[int, int], list]:
    """The postings (start, end) of these holders by (cadre, title), up to the world's date."""
    periods: dict[tuple[int, int], list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    if holder_ids:
        for cadre_id, title_id, start, end in session.exec(
            select(Posting.cadre_id, Posting.title_id, Posting.start_date, Posting.end_date)
            .where(Posting.title_id.is_not(None), Posting.cadre_id.in_(sorted(holder_ids)),
                   Posting.start_date <= world.on)
        ):
            periods[(cadre_id, title_id)].append((start, end))
    return periods


def _parts(session: Session, world: World, unit_ids: set[int] | None) -> list[_TitlePart]:
    """The part of every title (of the unit subtree), in the world's order of titles: those
    the world holds already (or a patch carried over) kept, the others worked out."""
    on = world.on
    rules = world.rule_set("planning")
    horizon = horizon_terms(list(world.terms.values()), on)
    rows = _title_rows(session, world)
    depth = successor_depth(session, world)
    generation, held = world.memo.get(("forecast-parts",), (0, {}))
    chosen = [t for t in world.titles.values() if unit_ids is None or t.unit_id in unit_ids]
    moved = _stale_titles(session, world, generation) if held else None
    looked = chosen if moved is None else [t for t in chosen if t.id in moved or t.id not in held]
    stale = [t for t in looked if t.id not in held or not held[t.id].holds(world, t.id, depth.get(t.id, {}))]
    # the parts are current at this world only once every title was looked at: a unit's view
    # leaves the others' as they were, to be looked at by the next view of them
    current_at = world.generation if unit_ids is None else generation
    if not stale:
        if generation != current_at:
            world.memo[("forecast-parts",)] = (current_at, held)
        return [held[t.id] for t in chosen]
    periods = _periods(session, world, {c for t in stale for c, _ in world.holders.get(t.id, ())})
    terms_by_kind: dict[str, list[TermFact]] = defaultdict(list)
    for term in world.terms.values():
        terms_by_kind[term.kind].append(term)
    parts = dict(held)
    for title in stale:
        count, appointed = rows[title.id]
        by_term = depth.get(title.id, {})
        terms = terms_by_kind.get(title.term_kind) or list(world.terms.values())
        current = world.holders.get(title.id)
        out: list[domain.Seat] = []
        for cadre_id, since in current or ():
            holder = world.cadres.get(cadre_id)
            if holder is None:
                continue
            start = continuous_start(periods.get((cadre_id, title.id), []), since)
            out.append(domain.Seat(
                title=title, holder=holder, since=since,
                consecutive_terms=consecutive_terms(start, terms, on) if title.is_head else 1,
                appointed=appointed, successors=0, successors_by_term=by_term,
            ))
        for _ in range(max(0, count - len(current or ()))):
            out.append(domain.Seat(title=title, holder=None, successors=0, successors_by_term=by_term))
        found = (domain.vacancy_of(seat, horizon, rules, on) for seat in out)
        parts[title.id] = _TitlePart(current, tuple(world.cadres.get(c) for c, _ in current or ()), by_term,
                                     tuple(out), tuple(v for v in found if v is not None))
    world.memo[("forecast-parts",)] = (current_at, parts)
    return [parts[t.id] for t in chosen]


# each part checked against the world asking (holders, facts, depth): carried over by every patch,
# as the successor depth (brought up to date with what the patch changed)
MEMO_READS["depth"] = frozenset()
MEMO_READS["forecast-titles"] = frozenset()
MEMO_READS["forecast-parts"] = frozenset()


def seats(session: Session, world: World, unit_ids: set[int] | None = None) -> list[domain.Seat]:
    """One Seat per holder of every title (of the unit subtree), and one per vacant seat."""
    return [seat for part in _parts(session, world, unit_ids) for seat in part.seats]


def horizon_terms(terms: list[TermFact], on: dt.date) -> list[TermFact]:
    """The terms of the database and, for each kind whose next term is not entered yet,
    that next term as it will be (five years from the end of the current one), so the
    forecast always spans the current and the next term."""
    out = list(terms)
    kinds: dict[str, list[TermFact]] = defaultdict(list)
    for term in terms:
        kinds[term.kind].append(term)
    for kind, same in kinds.items():
        ahead = sorted((t for t in same if t.end >= on), key=lambda t: t.start)
        if len(ahead) >= 2 or not ahead:
            continue
        last = ahead[-1]
        start = last.end + dt.timedelta(days=1)
        end = dt.date(start.year + 5, start.month, start.day) - dt.timedelta(days=1)
        code = f"{last.code.rsplit('-', 2)[0]}-{start.year}-{start.year + 5}"
        years = f"{start.year}–{start.year + 5}"
        prefix = last.name.rsplit(" ", 1)[0] if last.name[-1].isdigit() else last.name
        out.append(TermFact(code=code, kind=kind, name=Phrase(N_("%(name)s (dự kiến)"), name=f"{prefix} {years}"),
                            start=start, end=end))
    return out


def _chart(bars: list[YearBar], width: int = 640, height: int = 200) -> dict:
    left, right, top, bottom = 36, 10, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    most = max([b.vacancies for b in bars] + [1])
    step = next((s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000) if most / s <= 6), 2000)
    high = step * -(-most // step)
    slot = plot_w / max(1, len(bars))
    for i, bar in enumerate(bars):
        bar.width = round(slot * 0.3, 1)
        bar.x = round(left + slot * i + slot * 0.18, 1)
        bar.y_all = round(top + plot_h * (1 - bar.vacancies / high), 1)
        bar.y_covered = round(top + plot_h * (1 - bar.covered / high), 1)
    return {
        "width": width, "height": height, "left": left, "right": width - right, "top": top,
        "bottom": height - bottom, "slot": slot,
        "ticks": [{"y": round(top + plot_h * (1 - v / high), 1), "value": v} for v in range(0, high + 1, step)],
    }


def vacancy_forecast(session: Session, world: World, *, unit_ids: set[int] | None = None, unit=None) -> ForecastView:
    """Every seat falling vacant from today to the end of the next term, per year: worked out
    once per world and unit (a patch carries each title's part over, `_parts`)."""
    key = ("forecast", None if unit_ids is None else frozenset(unit_ids), getattr(unit, "id", None))
    hit = world.memo.get(key)
    if hit is None:
        hit = world.memo[key] = _vacancy_forecast(session, world, unit_ids, unit)
    return hit


def _vacancy_forecast(session: Session, world: World, unit_ids: set[int] | None, unit) -> ForecastView:
    rules = world.rule_set("planning")
    terms = horizon_terms(list(world.terms.values()), world.on)
    parts = _parts(session, world, unit_ids)
    result = domain.summarise((v for part in parts for v in part.vacancies), terms, world.on)
    pool_ids = pools_by_title_term(world)
    bars = [YearBar(y.year, len(y.vacancies), len(y.vacancies) - len(y.uncovered), y.message) for y in result.years]
    return ForecastView(result, rules, pool_ids, bars, _chart(bars), unit)
