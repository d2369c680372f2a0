"""Eligibility of a cadre for a title's succession pool: RULES.md §4, P1 and P4–P14.

`check(cadre, title, term, rules, on)` evaluates every rule that applies and returns one
`Finding` per rule, passed or not, each with its numbers, its evidence and the rule set
it was judged under. Nothing stops at the first failure: the officer sees every reason.

`exit_findings(...)` gives the failing findings that propose an exit in the annual review.

All functions here are pure: facts in, findings out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from fractions import Fraction
from typing import Any
from collections.abc import Callable, Mapping, Sequence

from .dates import add_months
from .evaluations import fail_run
from .facts import CadreFacts, DisciplineFact, RatingFact, TermFact, TitleFact, VoteFact
from .findings import ERROR, INFO, WARNING, Finding
from .numbers import format_percent
from .phrase import Phrase, Share
from .rating_years import (  # noqa: F401 - read through eligibility too
    _BUILTIN_RATING_SETS, _RatingSets, _Years, _ratings, count_from_of, not_rated, rating_of, rating_set_of_year,
)
from .registry import rule
from .retirement import RetirementAge, remaining_service_months, retirement_age_applied, retirement_of
from .rulesets import RuleSetData
from .standards import conclusion_words, conclusions_in_force, title_standards
from .vocab import N_, DISCIPLINE_LEVEL, DISCIPLINE_ORDER, RATING_ORDER, RATING_SHORT, RELATION_KIND, SENSITIVE_SECTOR

# Rule names, in a few Vietnamese words (the UI label of each rule; N_ marks them for the
# English catalogue, the pages translate them with the `rule_name` filter).
RULE_NAMES: dict[str, str] = {
    "P1": N_("Chức danh quy hoạch cao hơn chức danh hiện giữ"),
    "P4": N_("Số chức danh quy hoạch cùng cấp"),
    "P5": N_("Không đang trong quy trình bổ nhiệm, giới thiệu ứng cử"),
    "P6": N_("Đủ tuổi công tác trọn nhiệm kỳ"),
    "P7": N_("Đủ tuổi công tác khi quy hoạch bổ sung"),
    "P8": N_("Xếp loại chất lượng các năm gần nhất"),
    "P9": N_("Không thuộc diện đương nhiên ra khỏi quy hoạch"),
    "P10": N_("Không bị xếp loại không hoàn thành nhiệm vụ"),
    "P11": N_("Kết quả lấy phiếu tín nhiệm"),
    "P12": N_("Chưa được bổ nhiệm chức danh quy hoạch"),
    "P13": N_("Thời hạn sau kỷ luật"),
    "P14": N_("Quan hệ gia đình (kiểm soát quyền lực)"),
    "E5": N_("Không hai năm liên tiếp không hoàn thành nhiệm vụ"),
    "R4": N_("Chức danh bố trí người không phải người địa phương"),
}

# Rules whose failure proposes an exit from a pool in the annual review (rà soát).
# P6/P7 fail = over the planning age; P8 (a weak rating) and P1/P4/P5/P14 do not by
# themselves take a member out.
EXIT_RULES: frozenset[str] = frozenset({"P6", "P7", "P9", "P10", "P11", "P12", "P13"})

MONTHS = Phrase.of(N_("tháng"))


# --------------------------------------------------------------------------- helpers

class _Context:
    """What a rule set implies, computed once per rule set (not once per check)."""

    __slots__ = ("rules", "basis", "extra_basis", "relation_kinds", "sensitive", "rating_min",
                 "rating_min_order", "window", "exit_min_order", "cooldown", "low_max",
                 "low_max_text", "low_max_percent", "count_from", "ended_no_bar", "quorum", "dismissal",
                 "dismissal_text")

    def __init__(self, rules: RuleSetData) -> None:
        params = rules.params
        self.rules = rules
        self.basis = rules.legal_basis
        self.extra_basis = {
            rule: f"{rules.legal_basis}; {extra}" for rule, extra in (params.get("rule_basis") or {}).items()
        }
        self.relation_kinds = frozenset(params["relation_kinds"])
        self.sensitive = frozenset(params["sensitive_sectors"])
        self.rating_min = params["rating_min"]
        self.rating_min_order = RATING_ORDER[self.rating_min]
        self.window = int(params["rating_window_years"])
        self.exit_min_order = DISCIPLINE_ORDER[params["discipline_exit_min"]]
        self.cooldown = dict(params["discipline_cooldown_months"])
        self.low_max = Fraction(params["confidence_low_max_share"]).limit_denominator(1000)
        self.low_max_text = percent(float(params["confidence_low_max_share"]))
        self.low_max_percent = round(float(self.low_max) * 100, 1)
        self.count_from = count_from_of(params.get("ratings_count_from", "recorded"))
        self.ended_no_bar = frozenset(params.get("discipline_ended_no_bar") or ())
        self.quorum = Fraction(params.get("confidence_quorum_share", 2 / 3)).limit_denominator(1000)
        self.dismissal = Fraction(params.get("confidence_dismissal_share", 2 / 3)).limit_denominator(1000)
        self.dismissal_text = _share_words(self.dismissal)

    def basis_of(self, rule: str) -> str:
        return self.extra_basis.get(rule, self.basis)


def _share_words(share: Fraction) -> str | Share:
    return f"{share.numerator}/{share.denominator}" if share.denominator <= 10 else Share(float(share))


_CONTEXTS: dict[int, _Context] = {}


def _context(rules: RuleSetData) -> _Context:
    ctx = _CONTEXTS.get(id(rules))
    if ctx is None or ctx.rules is not rules:
        if len(_CONTEXTS) > 256:
            _CONTEXTS.clear()
        ctx = _CONTEXTS[id(rules)] = _Context(rules)  # holds `rules`, so its id stays unique
    return ctx


def format_date(day: dt.date) -> str:
    """dd/mm/yyyy, as dates.format_date, without strftime's cost (called ~10 times a check)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def percent(share: float) -> str:
    """'58,3%': Vietnamese decimal comma, at most one decimal (through Babel, as every number)."""
    return format_percent(share, 1, trim=True)


def _rating_label(rating: str) -> str:
    return RATING_SHORT.get(rating, rating)


def _latest_counted(count_from: tuple[int, int] | None, on: dt.date, years: _Years | None) -> int:
    if count_from is None:
        return on.year if years is not None and years.recorded(on.year) else on.year - 1
    return on.year if on >= dt.date(on.year, *count_from) else on.year - 1


def _window(ctx: _Context, on: dt.date, years: _Years | None) -> list[int]:
    latest = _latest_counted(ctx.count_from, on, years)
    skipped = years.skipped if years is not None else set()
    out: list[int] = []
    year = latest
    while len(out) < ctx.window and year > latest - ctx.window - 20:
        if year not in skipped:
            out.append(year)
        year -= 1
    return sorted(out)


def counting_day(rules: RuleSetData, year: int) -> dt.date:
    """The day from which `year`'s ratings count whether recorded or not: 1 January of the
    next year under "recorded", else the configured day of the year itself."""
    count_from = _context(rules).count_from
    return dt.date(year + 1, 1, 1) if count_from is None else dt.date(year, *count_from)


def latest_counted_year(rules: RuleSetData, on: dt.date, cadre: CadreFacts | None = None, *,
                        rating_sets: Sequence[RuleSetData] | None = None) -> int:
    """The newest year whose ratings count on `on` (`ratings_count_from`). Under "recorded",
    the current year counts for a cadre whose rating of it is recorded; without a cadre, the
    year before."""
    years = _Years(cadre, _ratings(rating_sets)) if cadre is not None else None
    return _latest_counted(_context(rules).count_from, on, years)


def counted_years(rules: RuleSetData, on: dt.date, cadre: CadreFacts | None = None, *,
                  rating_sets: Sequence[RuleSetData] | None = None) -> list[int]:
    """The years whose ratings count on `on` (P8's window, oldest first): one function for
    planning, the suggestions, the pages and the rotation problem. Which years count is the
    rule set's `ratings_count_from`; with a cadre, a year skipped under E6 is passed over and
    the window reaches one year further back."""
    years = _Years(cadre, _ratings(rating_sets)) if cadre is not None else None
    return _window(_context(rules), on, years)


def window_ratings(cadre: CadreFacts, rules: RuleSetData, on: dt.date, *,
                   rating_sets: Sequence[RuleSetData] | None = None) -> list[tuple[int, str | None]]:
    """(year, rating or None) for each counted year on `on`, oldest first."""
    years = _Years(cadre, _ratings(rating_sets))
    return [(year, years.rating.get(year)) for year in _window(_context(rules), on, years)]


def yearly_ratings(cadre: CadreFacts, *, rating_sets: Sequence[RuleSetData] | None = None) -> dict[int, str | None]:
    """The rating of each recorded year as the rules read it (a score only under a rating set
    that has one): what a list shows in its rating columns."""
    return dict(_Years(cadre, _ratings(rating_sets)).rating)


def disciplines_in_force(cadre: CadreFacts, rules: RuleSetData, on: dt.date, *,
                         for_appointment: bool = False) -> list[tuple[DisciplineFact, dt.date]]:
    """The disciplines that still bar the cadre on `on`, each with the day its bar ends (P9,
    P13). For planning, a level in `discipline_ended_no_bar` (QĐ 377: reprimand, warning) stops
    barring once its own effect has ended (`effective_to`); `for_appointment=True` reads the
    cooldown before a higher post alone."""
    return _active_disciplines(_context(rules), cadre, on, for_appointment=for_appointment)


def _rating_words(fact: RatingFact, rating: str | None) -> str:
    if not fact.rating and fact.score is not None:
        if rating is None:
            return Phrase(N_("%(score)s điểm (chưa áp dụng thang điểm để xếp loại năm %(year)s)"),
                          score=f"{fact.score:g}", year=fact.year)
        return Phrase(N_("%(score)s điểm (tương đương %(rating)s)"), score=f"{fact.score:g}",
                      rating=_rating_label(rating))
    return _rating_label(rating) if rating else Phrase.of(N_("chưa xếp loại"))


def _title_words(title: TitleFact) -> str:
    if title.unit_name and title.unit_name.lower() not in title.name.lower():
        return f"{title.name} ({title.unit_name})"
    return title.name


def _discipline_words(d: DisciplineFact) -> str:
    level = Phrase.lowered(DISCIPLINE_LEVEL.label(d.level))
    if d.decision_no:
        return Phrase(N_("kỷ luật %(level)s theo quyết định số %(number)s ngày %(date)s"), level=level,
                      number=d.decision_no, date=format_date(d.decision_date))
    return Phrase(N_("kỷ luật %(level)s ngày %(date)s"), level=level, date=format_date(d.decision_date))


def _vote_words(v: VoteFact) -> str:
    return Phrase(N_("phiếu tín nhiệm ngày %(date)s tại %(body)s: triệu tập %(convened)s, có mặt %(present)s; "
                     "tín nhiệm cao %(high)s, tín nhiệm %(normal)s, tín nhiệm thấp %(low)s"),
                  date=format_date(v.vote_date), body=v.body, convened=v.convened, present=v.present, high=v.high,
                  normal=v.normal, low=v.low)


def _finding_factory() -> Callable[..., Finding]:
    """A constructor for Finding that skips the frozen dataclass's per-field
    object.__setattr__ (2.5 µs -> 0.5 µs; a province check builds ~100,000 findings).
    The result equals Finding(**values); fields added to Finding later keep their defaults."""
    if "__slots__" in Finding.__dict__:  # pragma: no cover - slots: no __dict__ to fill
        return lambda **values: Finding(**values)
    plain: dict[str, Any] = {}
    factories: list[tuple[str, Callable[[], Any]]] = []
    for f in dataclasses.fields(Finding):
        if f.default is not dataclasses.MISSING:
            plain[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            factories.append((f.name, f.default_factory))
    new = object.__new__

    def make(**values: Any) -> Finding:
        finding = new(Finding)
        state = finding.__dict__
        state.update(plain)
        for name, factory in factories:
            state[name] = factory()
        state.update(values)
        return finding

    return make


new_finding = _finding_factory()


def _make(ctx: _Context, rule: str, passed: bool, severity: str, message: str, subject: str,
          compared: dict[str, Any] | None = None, evidence: tuple[str, ...] = (),
          from_date: dt.date | None = None) -> Finding:
    return new_finding(
        rule=rule, passed=passed, severity=INFO if passed else severity, name=RULE_NAMES[rule],
        message=message, basis=ctx.basis_of(rule), rule_set=ctx.rules.code,
        compared=compared or {}, evidence=evidence, from_date=from_date, subject=subject,
    )


def _from_words(day: dt.date) -> str:
    return Phrase(N_("đủ điều kiện từ %(date)s"), date=format_date(day))


def term_started(term: TermFact, on: dt.date) -> bool:
    return term.start <= on


def service_reference_date(term: TermFact, on: dt.date) -> dt.date:
    """The date remaining service is counted from: the term's start for a term still to
    come, `on` once the term has started (annual supplement)."""
    return on if term.start <= on else term.start


# --------------------------------------------------------------------------- rules
# One small function per rule, each opening with the rule in plain words.

@rule("P1")
def _p1_higher_title(ctx: _Context, cadre: CadreFacts, title: TitleFact) -> Finding:
    # P1: a cadre is planned only for a title higher than the one they hold now.
    if not cadre.titles:
        return _make(ctx, "P1", True, ERROR, Phrase(N_("chưa giữ chức danh lãnh đạo; %(title)s có thứ bậc %(rank)s"),
                                                    title=title.name, rank=title.rank),
                     cadre.code, {"value": 0, "threshold": title.rank, "unit": Phrase.of(N_("thứ bậc"))})
    highest = max(cadre.titles, key=lambda t: t.rank)
    evidence = tuple(_held_words(t) for t in cadre.titles)
    compared = {"value": highest.rank, "threshold": title.rank, "unit": Phrase.of(N_("thứ bậc"))}
    if title.rank > highest.rank:
        return _make(ctx, "P1", True, ERROR,
                     Phrase(N_("chức danh quy hoạch (thứ bậc %(rank)s) cao hơn chức danh đang giữ "
                               "%(held)s (thứ bậc %(held_rank)s)"), rank=title.rank, held=highest.name,
                            held_rank=highest.rank), cadre.code, compared, evidence)
    template = (N_("đang giữ %(held)s (thứ bậc %(held_rank)s), bằng chức danh quy hoạch %(title)s (thứ bậc %(rank)s)")
                if title.rank == highest.rank else
                N_("đang giữ %(held)s (thứ bậc %(held_rank)s), cao hơn chức danh quy hoạch %(title)s (thứ bậc %(rank)s)"))
    return _make(ctx, "P1", False, ERROR,
                 Phrase(template, held=highest.name, held_rank=highest.rank, title=title.name, rank=title.rank),
                 cadre.code, compared, evidence)


def _held_words(t: TitleFact) -> str:
    return Phrase(N_("đang giữ %(title)s, thứ bậc %(rank)s"), title=_title_words(t), rank=t.rank)


@rule("P4")
def _p4_pools_per_level(ctx: _Context, cadre: CadreFacts, title: TitleFact,
                        title_index: Mapping[int, TitleFact | str] | None) -> Finding:
    # P4: one cadre is in the pools of at most N titles at one level (this one included).
    limit = int(ctx.rules.params["pools_per_cadre_max"])
    others: list[int] = []
    names: list[str] = []
    for title_id in cadre.pool_title_ids:
        if title_id == title.id:
            continue
        if title_index is None:
            others.append(title_id)
            continue
        known = title_index.get(title_id)
        if known is None:
            continue
        level = known if isinstance(known, str) else known.level
        if level == title.level:
            others.append(title_id)
            if not isinstance(known, str):
                names.append(_title_words(known))
    count = len(others)
    evidence = tuple(Phrase(N_("đang trong quy hoạch %(title)s"), title=n) for n in sorted(names))
    compared = {"value": count + 1, "threshold": limit, "unit": Phrase.of(N_("chức danh"))}
    if count < limit:
        return _make(ctx, "P4", True, ERROR,
                     Phrase(N_("đang trong quy hoạch %(count)s chức danh khác cùng cấp; thêm chức danh này là "
                               "%(total)s, tối đa %(limit)s"), count=count, total=count + 1, limit=limit),
                     cadre.code, compared, evidence)
    return _make(ctx, "P4", False, ERROR,
                 Phrase(N_("đã trong quy hoạch %(count)s chức danh khác cùng cấp; thêm chức danh này là "
                           "%(total)s, vượt mức tối đa %(limit)s"), count=count, total=count + 1, limit=limit),
                 cadre.code, compared, evidence)


@rule("P5")
def _p5_open_proposal(ctx: _Context, cadre: CadreFacts) -> Finding:
    # P5: no planning while an appointment or nomination proposal for the cadre is open.
    if cadre.open_proposal:
        return _make(ctx, "P5", False, ERROR,
                     Phrase.of(N_("đang có đề nghị bổ nhiệm, giới thiệu ứng cử chưa kết thúc; chưa xem xét quy hoạch")),
                     cadre.code, {"value": 1, "threshold": 0, "unit": Phrase.of(N_("đề nghị đang mở"))})
    return _make(ctx, "P5", True, ERROR, Phrase.of(N_("không có đề nghị bổ nhiệm, giới thiệu ứng cử đang mở")),
                 cadre.code, {"value": 0, "threshold": 0, "unit": Phrase.of(N_("đề nghị đang mở"))})


def _retirement_evidence(cadre: CadreFacts) -> tuple[str, ...]:
    last_day = retirement_of(cadre)
    if cadre.retirement_override is not None:
        return (Phrase(N_("nghỉ hưu ngày %(date)s theo quyết định riêng (không theo lộ trình)"), date=format_date(last_day)),)
    age = retirement_age_applied(cadre.sex, cadre.birth_date)
    sex = Phrase.of(N_("nam")) if cadre.sex.upper().startswith("M") else Phrase.of(N_("nữ"))
    return (Phrase(N_("sinh %(birth)s (%(sex)s): nghỉ hưu khi đủ %(age)s, ngày %(date)s (Nghị định 135/2020)"),
                   birth=format_date(cadre.birth_date), sex=sex, age=_age_words(age), date=format_date(last_day)),)


def _age_words(age: RetirementAge) -> Phrase:
    """'60 tuổi 6 tháng' (RetirementAge's own words), translatable."""
    if age.months:
        return Phrase(N_("%(years)s tuổi %(months)s tháng"), years=age.years, months=age.months)
    return Phrase(N_("%(years)s tuổi"), years=age.years)


def _service_words(cadre: CadreFacts, months: int, reference: dt.date) -> str:
    if months > 0:
        return Phrase(N_("còn %(months)s tháng công tác tính đến %(date)s"), months=months, date=format_date(reference))
    return Phrase(N_("không còn thời gian công tác tính đến %(date)s (nghỉ hưu ngày %(retire)s)"),
                  date=format_date(reference), retire=format_date(retirement_of(cadre)))


@rule("P6", "P7")
def _p6_p7_service(ctx: _Context, cadre: CadreFacts, title: TitleFact, term: TermFact,
                   on: dt.date) -> Finding:
    params = ctx.rules.params
    started = term.start <= on
    if started and title.rank >= params["supplement_rank_min"]:
        # P7: an annual supplement to the current term's pool of the highest titles needs at
        # least 72 months of service left on the day of the supplement.
        need = int(params["supplement_min_months"])
        months = remaining_service_months(cadre, on)
        compared = {"value": months, "threshold": need, "unit": MONTHS}
        text = _service_words(cadre, months, on)
        if months >= need:
            return _make(ctx, "P7", True, ERROR, Phrase(_P7_NEED, text=text, need=need),
                         cadre.code, compared, _retirement_evidence(cadre))
        return _make(ctx, "P7", False, ERROR, Phrase(_P7_NEED, text=text, need=need),
                     cadre.code, compared, _retirement_evidence(cadre))
    # P6: planned for a term, the cadre can serve at least one full term (60 months of service
    # left at the term's start, or on the day of an annual supplement once it has started);
    # two terms (120 months) are preferred.
    need = int(params["next_term_min_months"])
    preferred = int(params["next_term_preferred_months"])
    reference = on if started else term.start
    months = remaining_service_months(cadre, reference)
    compared = {"value": months, "threshold": need, "preferred": preferred, "unit": MONTHS}
    text = _service_words(cadre, months, reference)
    if months < need:
        return _make(ctx, "P6", False, ERROR, Phrase(N_("%(text)s; cần ít nhất %(need)s"), text=text, need=need),
                     cadre.code, compared,
                     _retirement_evidence(cadre))
    if months < preferred:
        return _make(ctx, "P6", False, WARNING,
                     Phrase(N_("%(text)s: đủ một nhiệm kỳ (%(need)s) nhưng chưa đủ hai nhiệm kỳ (%(preferred)s) "
                               "như khuyến nghị"), text=text, need=need, preferred=preferred),
                     cadre.code, compared, _retirement_evidence(cadre))
    return _make(ctx, "P6", True, ERROR,
                 Phrase(N_("%(text)s; cần ít nhất %(need)s, nên từ %(preferred)s"), text=text, need=need,
                        preferred=preferred),
                 cadre.code, compared, _retirement_evidence(cadre))


_P7_NEED = N_("%(text)s; cần ít nhất %(need)s khi quy hoạch bổ sung")


def _year_words(years: _Years, year: int) -> str:
    fact = years.facts.get(year)
    if fact is None:
        return Phrase(_NO_RATING, year=year)
    return Phrase(N_("năm %(year)s: %(rating)s"), year=year, rating=_rating_words(fact, years.rating.get(year)))


_NO_RATING = N_("chưa có xếp loại năm %(year)s")


@rule("P8")
def _p8_ratings(ctx: _Context, cadre: CadreFacts, on: dt.date, years: _Years) -> Finding:
    # P8: rated at least `rating_min` in each of the last N counted years (which years count on
    # `on` is `ratings_count_from`); a year without a rating fails (the dossier is incomplete);
    # a year skipped under E6 (under 6 months worked) is passed over, not missing.
    window = ctx.window
    counted = _window(ctx, on, years)
    need = _rating_label(ctx.rating_min)
    evidence: list[str] = []
    bad: list[int] = []
    missing: list[int] = []
    for year in counted:
        rating = years.rating.get(year)
        evidence.append(_year_words(years, year))
        if rating is None:
            missing.append(year)
        elif RATING_ORDER.get(rating, -1) < ctx.rating_min_order:
            bad.append(year)
    skipped = sorted(y for y in years.skipped if counted and counted[0] < y < counted[-1] + 1)
    evidence.extend(Phrase(N_("năm %(year)s: công tác dưới %(months)s tháng, không xếp loại (không tính)"),
                           year=y, months=_min_months(years, y)) for y in skipped)
    span = f"{counted[0]}–{counted[-1]}" if len(counted) > 1 else f"{counted[0]}"
    good = len(counted) - len(bad) - len(missing)
    compared = {"value": good, "threshold": window, "unit": Phrase(N_("năm đạt từ %(rating)s"), rating=need),
                "latest_year": counted[-1]}
    if not bad and not missing:
        return _make(ctx, "P8", True, ERROR,
                     Phrase(N_("xếp loại %(span)s đều từ %(need)s trở lên (%(good)s/%(window)s năm)"), span=span,
                            need=need, good=good, window=window), cadre.code, compared, tuple(evidence))
    parts: list[str] = [Phrase(N_("năm %(year)s xếp loại %(rating)s"), year=y,
                               rating=_rating_words(years.facts[y], years.rating[y])) for y in bad]
    if missing:
        parts.append(Phrase(_NO_RATING, year=", ".join(str(y) for y in missing)))
    message = Phrase(N_("%(parts)s; cần từ %(need)s trở lên cả %(window)s năm gần nhất (%(span)s)"),
                     parts=Phrase.joined(parts), need=need, window=window, span=span)
    from_date = None
    if bad and not missing:
        # the latest weak year leaves the window once the year `window` years after it counts,
        # provided the years still to be rated meet the threshold
        target = max(bad) + window
        from_date = counting_day(ctx.rules, target)
        if ctx.count_from is None and years.recorded(target):
            from_date = max(on, dt.date(target, 1, 1))   # "recorded": that year already counts in it
        message = Phrase(N_("%(message)s; %(from)s nếu các năm sau đạt từ %(need)s"), message=message,
                         **{"from": _from_words(from_date)}, need=need)
    return _make(ctx, "P8", False, ERROR, message, cadre.code, compared, tuple(evidence), from_date)


def _min_months(years: _Years, year: int) -> int:
    return years.min_months.get(year, 6)


def _cooldown_end(ctx: _Context, d: DisciplineFact) -> dt.date:
    return add_months(d.decision_date, int(ctx.cooldown.get(d.level, 0)))


def _bar_end(ctx: _Context, d: DisciplineFact, for_appointment: bool = False) -> dt.date:
    """The first day the discipline no longer bars: the end of its level's cooldown; for
    planning under QĐ 377, for a reprimand or warning, the day after its own effect ends when
    that is earlier."""
    end = _cooldown_end(ctx, d)
    if not for_appointment and d.level in ctx.ended_no_bar and d.effective_to is not None:
        end = min(end, d.effective_to + dt.timedelta(days=1))
    return end


def _active_disciplines(ctx: _Context, cadre: CadreFacts, on: dt.date, *,
                        for_appointment: bool = False) -> list[tuple[DisciplineFact, dt.date]]:
    """Disciplines decided by `on` that still bar on `on`, each with the day the bar ends."""
    out = []
    for d in cadre.disciplines:
        if d.decision_date > on:
            continue
        end = _bar_end(ctx, d, for_appointment)
        if end > on:
            out.append((d, end))
    return out


@rule("P9")
def _p9_automatic_exit(ctx: _Context, cadre: CadreFacts, on: dt.date,
                       active: list[tuple[DisciplineFact, dt.date]]) -> Finding:
    # P9: automatic exit: disciplined at `discipline_exit_min` or above, the discipline still
    # barring (within its cooldown; under QĐ 377 a reprimand or warning whose effect has ended
    # no longer bars), or concluded by a competent body not to meet the political standard
    # (standards.conclusions_in_force: a conclusion has no end, so no "from" date).
    # (Over the planning age is reported by P6/P7.)
    hits = [(d, end) for d, end in active if DISCIPLINE_ORDER.get(d.level, 0) >= ctx.exit_min_order]
    unfit = [conclusion_words(c) for c in conclusions_in_force(cadre, on)]
    threshold = Phrase.lowered(DISCIPLINE_LEVEL.label(ctx.rules.params["discipline_exit_min"]))
    compared = {"value": len(hits) + len(unfit), "threshold": 0, "unit": Phrase.of(N_("căn cứ đương nhiên ra khỏi quy hoạch"))}
    if not hits and not unfit:
        return _make(ctx, "P9", True, ERROR,
                     Phrase(N_("không có kỷ luật từ %(level)s trở lên còn trong thời hạn, không có kết luận "
                               "không đạt tiêu chuẩn chính trị"), level=threshold), cadre.code, compared,
                     _ended_effect_evidence(ctx, cadre, on))
    evidence = tuple(unfit) + tuple(Phrase(N_("%(discipline)s (thời hạn đến %(date)s)"),
                                           discipline=_discipline_words(d), date=format_date(e)) for d, e in hits)
    if unfit:
        return _make(ctx, "P9", False, ERROR,
                     Phrase(N_("%(conclusion)s: đương nhiên ra khỏi quy hoạch"), conclusion=unfit[-1]),
                     cadre.code, compared, evidence)
    end = max(e for _, e in hits)
    return _make(ctx, "P9", False, ERROR,
                 Phrase(N_("bị %(discipline)s: đương nhiên ra khỏi quy hoạch; %(from)s"),
                        discipline=_discipline_words(hits[0][0]), **{"from": _from_words(end)}),
                 cadre.code, compared, evidence, end)


def _ended_effect_evidence(ctx: _Context, cadre: CadreFacts, on: dt.date) -> tuple[str, ...]:
    """The disciplines that no longer bar planning because their effect has ended (QĐ 377)."""
    return tuple(
        Phrase(N_("%(discipline)s: hết hiệu lực ngày %(date)s, không còn cản trở quy hoạch"),
               discipline=_discipline_words(d), date=format_date(d.effective_to))
        for d in cadre.disciplines
        if d.decision_date <= on and d.level in ctx.ended_no_bar and d.effective_to is not None
        and d.effective_to < on < _cooldown_end(ctx, d)
    )


@rule("P10")
def _p10_fail_rating(ctx: _Context, cadre: CadreFacts, on: dt.date, years: _Years) -> Finding:
    # P10: rated "fail" in the latest counted year (`ratings_count_from`) => out in the annual
    # review.
    year = _latest_counted(ctx.count_from, on, years)
    while year in years.skipped:   # E6: a year not rated is passed over
        year -= 1
    fact = years.facts.get(year)
    rating = years.rating.get(year)
    compared = {"value": _rating_label(rating) if rating else None, "threshold": "KHTNV",
                "unit": Phrase(N_("xếp loại %(year)s"), year=year),
                "latest_year": year}
    if fact is None or rating is None:
        return _make(ctx, "P10", True, ERROR, Phrase(_NO_RATING, year=year), cadre.code, compared,
                     (Phrase(_NO_RATING, year=year),))
    words = _rating_words(fact, rating)
    if rating == "fail":
        from_date = counting_day(ctx.rules, year + 1)
        return _make(ctx, "P10", False, ERROR,
                     Phrase(N_("năm %(year)s xếp loại %(rating)s; %(from)s nếu năm %(next)s không bị xếp loại KHTNV"),
                            year=year, rating=words, next=year + 1, **{"from": _from_words(from_date)}),
                     cadre.code, compared, (Phrase(N_("năm %(year)s: %(rating)s"), year=year, rating=words),), from_date)
    return _make(ctx, "P10", True, ERROR, Phrase(N_("năm %(year)s xếp loại %(rating)s"), year=year, rating=words),
                 cadre.code, compared, (Phrase(N_("năm %(year)s: %(rating)s"), year=year, rating=words),))


def vote_valid(vote: VoteFact, rules: RuleSetData) -> bool:
    """A confidence vote is valid when at least `confidence_quorum_share` (2/3) of those
    convened are present (RULES.md §9)."""
    return _vote_valid(_context(rules), vote)


def _vote_valid(ctx: _Context, vote: VoteFact) -> bool:
    return vote.present > 0 and vote.present * ctx.quorum.denominator >= ctx.quorum.numerator * vote.convened


@rule("P11")
def _p11_confidence(ctx: _Context, cadre: CadreFacts, on: dt.date) -> Finding:
    # P11: in the latest valid confidence vote (at least 2/3 of those convened present), more
    # than half (the parameter) of those present voting "low confidence" takes the cadre out of
    # the pools for higher titles; 2/3 or more are grounds for dismissal (miễn nhiệm).
    held = [v for v in cadre.votes if v.vote_date <= on and v.present > 0]
    votes = [v for v in held if _vote_valid(ctx, v)]
    limit = Share(ctx.low_max_percent / 100)
    latest_valid = max((v.vote_date for v in votes), default=None)
    invalid = tuple(
        Phrase(N_("%(vote)s: không hợp lệ (có mặt dưới %(quorum)s số được triệu tập), không tính"),
               vote=_vote_words(v), quorum=_share_words(ctx.quorum))
        for v in held if not _vote_valid(ctx, v) and (latest_valid is None or v.vote_date > latest_valid))
    if not votes:
        text = (Phrase.of(N_("chưa có kết quả lấy phiếu tín nhiệm hợp lệ")) if invalid
                else Phrase.of(N_("chưa có kết quả lấy phiếu tín nhiệm")))
        return _make(ctx, "P11", True, ERROR, text, cadre.code,
                     {"value": None, "threshold": ctx.low_max_percent, "unit": "%"}, invalid)
    vote = max(votes, key=lambda v: v.vote_date)
    share = vote.low / vote.present
    dismissal = vote.low * ctx.dismissal.denominator >= ctx.dismissal.numerator * vote.present
    compared = {"value": round(share * 100, 1), "threshold": ctx.low_max_percent, "unit": "%",
                "dismissal": dismissal}
    evidence = (_vote_words(vote),) + invalid
    if vote.low * ctx.low_max.denominator > ctx.low_max.numerator * vote.present:  # exact share > max
        message = Phrase(N_("%(low)s/%(present)s phiếu tín nhiệm thấp (%(share)s), quá %(limit)s số có mặt"),
                         low=vote.low, present=vote.present, share=Share(share), limit=limit)
        if dismissal:
            message = Phrase(N_("%(message)s; từ %(dismissal)s trở lên: đề nghị xem xét miễn nhiệm"),
                             message=message, dismissal=ctx.dismissal_text)
        return _make(ctx, "P11", False, ERROR, message, cadre.code, compared, evidence)
    return _make(ctx, "P11", True, ERROR,
                 Phrase(N_("%(low)s/%(present)s phiếu tín nhiệm thấp (%(share)s); không quá %(limit)s"),
                        low=vote.low, present=vote.present, share=Share(share), limit=limit),
                 cadre.code, compared, evidence)


def _e5_fail_run(ctx: _Context, cadre: CadreFacts, on: dt.date, years: _Years, reader: _RatingSets) -> Finding:
    # E5: rated fail in `fail_years_for_dismissal` (2) consecutive years, the run ending in the
    # latest counted year: grounds for dismissal from the post held. A year skipped under E6 is
    # passed over, not a break. A flag (warning), not an exit from the pool by itself.
    latest = _latest_counted(ctx.count_from, on, years)
    rating_rules = reader.for_year(latest)
    need = int(rating_rules.params.get("fail_years_for_dismissal", 2)) if rating_rules else 2
    rated = sorted(y for y in years.rating if y <= latest and y not in years.skipped)
    index = {y: i for i, y in enumerate(rated)}
    run = fail_run({index[y]: years.rating[y] for y in rated}, need)
    hit = [rated[i] for i in run]
    last_rated = max((y for y in rated), default=None)
    compared = {"value": len(hit), "threshold": need, "unit": Phrase.of(N_("năm liên tiếp KHTNV"))}
    # judged in the planning check, under its rule set; the rating set's basis is named too
    basis = f"{ctx.basis}; {rating_rules.legal_basis}" if rating_rules else ctx.basis
    code = ctx.rules.code
    if hit and last_rated is not None and hit[-1] == last_rated and last_rated >= latest - 1:
        return new_finding(
            rule="E5", passed=False, severity=WARNING, name=RULE_NAMES["E5"],
            message=Phrase(N_("xếp loại KHTNV %(n)s năm liên tiếp (%(years)s): căn cứ xem xét miễn nhiệm chức vụ "
                              "đang giữ"), n=len(hit), years=", ".join(map(str, hit))),
            basis=basis, rule_set=code, compared=compared, evidence=tuple(_year_words(years, y) for y in hit),
            from_date=None, subject=cadre.code)
    return new_finding(rule="E5", passed=True, severity=INFO, name=RULE_NAMES["E5"],
                       message=Phrase(N_("không có %(n)s năm liên tiếp xếp loại KHTNV"), n=need), basis=basis,
                       rule_set=code,
                       compared=compared, evidence=(), from_date=None, subject=cadre.code)


@rule("P12")
def _p12_appointed(ctx: _Context, cadre: CadreFacts, title: TitleFact) -> Finding:
    # P12: a pool member appointed to the planned title (or an equal or higher one) leaves the pool.
    held = [t for t in cadre.titles if t.id == title.id or t.rank >= title.rank]
    if not held:
        return _make(ctx, "P12", True, ERROR,
                     Phrase(N_("chưa giữ %(title)s hoặc chức danh tương đương, cao hơn"), title=title.name),
                     cadre.code, {"value": 0, "threshold": 0, "unit": Phrase.of(N_("chức danh"))})
    top = max(held, key=lambda t: (t.id == title.id, t.rank))
    what = (Phrase.of(N_("chức danh quy hoạch")) if top.id == title.id else
            Phrase(N_("chức danh thứ bậc %(rank)s (không thấp hơn %(planned)s)"), rank=top.rank, planned=title.rank))
    return _make(ctx, "P12", False, ERROR,
                 Phrase(N_("đã giữ %(title)s, %(what)s: ra khỏi danh sách quy hoạch chức danh này"), title=top.name,
                        what=what),
                 cadre.code, {"value": len(held), "threshold": 0, "unit": Phrase.of(N_("chức danh"))},
                 tuple(_held_words(t) for t in held))


@rule("P13")
def _p13_cooldown(ctx: _Context, cadre: CadreFacts, on: dt.date, active: list[tuple[DisciplineFact, dt.date]]) -> Finding:
    # P13: after a discipline, no higher title before the cooldown of its level has passed,
    # counted from the decision (QĐ 80, the QĐ 50 era: reprimand 12, warning 30, removal 60
    # months; QĐ 377: 24 / 36 / 60). For planning under QĐ 377, a reprimand or warning whose own
    # effect has ended no longer bars.
    if not active:
        past = [d for d in cadre.disciplines if d.decision_date <= on]
        evidence = tuple(Phrase(N_("%(discipline)s (hết thời hạn %(date)s)"), discipline=_discipline_words(d),
                                date=format_date(_bar_end(ctx, d))) for d in past)
        return _make(ctx, "P13", True, ERROR,
                     Phrase.of(N_("không có kỷ luật còn trong thời hạn")) if not past
                     else Phrase.of(N_("các kỷ luật đã hết thời hạn")),
                     cadre.code, {"value": 0, "threshold": 0, "unit": MONTHS}, evidence)
    end_d, end = max(active, key=lambda x: x[1])
    months = int(ctx.cooldown.get(end_d.level, 0))
    evidence = tuple(Phrase(N_("%(discipline)s: chưa đủ %(months)s tháng (đến %(date)s)"),
                            discipline=_discipline_words(d), months=int(ctx.cooldown.get(d.level, 0)), date=format_date(e))
                     for d, e in active)
    return _make(ctx, "P13", False, ERROR,
                 Phrase(N_("%(discipline)s; cần đủ %(months)s tháng kể từ ngày quyết định; %(from)s"),
                        discipline=_discipline_words(end_d), months=months, **{"from": _from_words(end)}),
                 cadre.code, {"value": len(active), "threshold": 0, "months": months,
                              "unit": Phrase.of(N_("kỷ luật còn thời hạn"))},
                 evidence, end)


def _is_leadership(t: TitleFact) -> bool:
    return t.is_head or t.is_deputy or t.is_party_secretary or t.is_government_head


def _is_key_local(t: TitleFact) -> bool:
    return t.is_party_secretary or t.is_government_head


def _key_local_words(t: TitleFact) -> str:
    return Phrase.of(N_("bí thư cấp ủy")) if t.is_party_secretary else Phrase.of(N_("người đứng đầu chính quyền"))


def _conflict(ctx: _Context, title: TitleFact, other: TitleFact) -> str | None:
    """Why holding `title` while a relative holds `other` breaks QĐ 114, or None."""
    if other.id == title.id:
        return None  # the relative holds the very title: the cadre would succeed them
    if other.unit_id == title.unit_id and _is_leadership(title) and _is_leadership(other):
        if (title.is_head and other.is_deputy) or (title.is_deputy and other.is_head):
            return Phrase.of(N_("cấp trưởng và cấp phó của cùng một đơn vị"))
        return Phrase.of(N_("cùng tập thể lãnh đạo một đơn vị"))
    if title.locality_id is not None and title.locality_id == other.locality_id:
        if _is_key_local(title) and other.is_head and other.sensitive_sector in ctx.sensitive:
            return Phrase(N_("%(post)s trong khi người thân đứng đầu ngành %(sector)s cùng cấp"),
                          post=_key_local_words(title), sector=Phrase.of(SENSITIVE_SECTOR.label(other.sensitive_sector)))
        if _is_key_local(other) and title.is_head and title.sensitive_sector in ctx.sensitive:
            return Phrase(N_("đứng đầu ngành %(sector)s trong khi người thân là %(post)s cùng cấp"),
                          sector=Phrase.of(SENSITIVE_SECTOR.label(title.sensitive_sector)), post=_key_local_words(other))
    return None


@rule("P14")
def _p14_relatives(ctx: _Context, cadre: CadreFacts, title: TitleFact) -> Finding:
    # P14 (QĐ 114): relatives (the configured kinds) may not sit in the same leadership
    # collective, be head and deputy of one unit, or be party secretary / government head
    # while a relative heads one of the 13 sensitive sectors at that level.
    evidence = []
    checked = 0
    for relative in cadre.relatives:
        if relative.kind not in ctx.relation_kinds:
            continue
        checked += 1
        for other in relative.titles:
            why = _conflict(ctx, title, other)
            if why:
                evidence.append(Phrase(N_("%(name)s (%(relation)s) đang giữ %(title)s: %(why)s"), name=relative.name,
                                       relation=Phrase.lowered(RELATION_KIND.label(relative.kind)),
                                       title=_title_words(other), why=why))
    compared = {"value": len(evidence), "threshold": 0, "unit": Phrase.of(N_("quan hệ vướng"))}
    if evidence:
        message = (evidence[0] if len(evidence) == 1 else
                   Phrase(N_("%(first)s (và %(n)s trường hợp khác)"), first=evidence[0], n=len(evidence) - 1))
        return _make(ctx, "P14", False, ERROR, message, cadre.code, compared, tuple(evidence))
    return _make(ctx, "P14", True, ERROR,
                 Phrase(N_("không vướng quan hệ gia đình (%(n)s người thân là cán bộ đã xét)"), n=checked),
                 cadre.code, compared)


def _r4_non_local(ctx: _Context, cadre: CadreFacts, title: TitleFact) -> Finding | None:
    # R4: key posts are held by non-locals; in planning only a warning (hard in rotation).
    if not title.non_local:
        return None
    local = title.locality_id is not None and title.locality_id in cadre.hometown_locality_ids
    compared = {"value": int(local), "threshold": 0, "unit": Phrase.of(N_("người địa phương"))}
    if local:
        return _make(ctx, "R4", False, WARNING,
                     Phrase(N_("cán bộ là người địa phương (quê quán tại đây) trong khi %(title)s bố trí người "
                               "không phải người địa phương: chỉ bổ nhiệm được sau khi luân chuyển nơi khác"),
                            title=title.name), cadre.code, compared)
    return _make(ctx, "R4", True, WARNING,
                 Phrase(N_("không phải người địa phương của %(unit)s"), unit=title.unit_name or title.name),
                 cadre.code, compared)


# --------------------------------------------------------------------------- public

def check(cadre: CadreFacts, title: TitleFact, term: TermFact, rules: RuleSetData, on: dt.date, *,
          title_index: Mapping[int, TitleFact | str] | None = None,
          rating_sets: Sequence[RuleSetData] | None = None) -> list[Finding]:
    """Every planning rule that applies to (cadre, title, term), judged on `on` under `rules`.

    `title_index` maps title ids to their TitleFact (or just their level code): P4 counts
    only the cadre's other pools at the title's level, and names them. Without it, every
    id in `cadre.pool_title_ids` (except this title) is taken as a pool at the same level,
    so the caller passes only same-level ids.

    P12 (appointed to the title) is judged only for members of the pool, i.e. when
    `title.id in cadre.pool_title_ids`.

    `rating_sets` are the rating rule sets (a list holding other domains too is fine): each
    year's rating is read under the set in force at that year's end; the shipped sets when None.
    """
    ctx = _context(rules)
    reader = _ratings(rating_sets)
    years = _Years(cadre, reader)
    active = _active_disciplines(ctx, cadre, on)
    findings = [
        _p1_higher_title(ctx, cadre, title),
        _p4_pools_per_level(ctx, cadre, title, title_index),
        _p5_open_proposal(ctx, cadre),
        _p6_p7_service(ctx, cadre, title, term, on),
        _p8_ratings(ctx, cadre, on, years),
        _p9_automatic_exit(ctx, cadre, on, active),
        _p10_fail_rating(ctx, cadre, on, years),
        _p11_confidence(ctx, cadre, on),
    ]
    if title.id in cadre.pool_title_ids:
        findings.append(_p12_appointed(ctx, cadre, title))
    findings.append(_p13_cooldown(ctx, cadre, on, active))
    findings.append(_p14_relatives(ctx, cadre, title))
    findings.append(_e5_fail_run(ctx, cadre, on, years, reader))
    r4 = _r4_non_local(ctx, cadre, title)
    if r4 is not None:
        findings.append(r4)
    p15 = title_standards(cadre, title, rules)
    if p15 is not None:
        findings.append(p15)
    return findings


def exit_findings(cadre: CadreFacts, title: TitleFact, term: TermFact, rules: RuleSetData, on: dt.date, *,
                  title_index: Mapping[int, TitleFact | str] | None = None,
                  rating_sets: Sequence[RuleSetData] | None = None) -> list[Finding]:
    """The failing findings (errors) of EXIT_RULES: what proposes an exit of a pool member
    in the annual review, each with its reason. A P6 warning (one term but not two) is not
    an exit."""
    return exits_of(check(cadre, title, term, rules, on, title_index=title_index, rating_sets=rating_sets))


def exits_of(findings: list[Finding]) -> list[Finding]:
    """The findings of one check that propose an exit (see exit_findings)."""
    return [f for f in findings if f.rule in EXIT_RULES and f.blocking]


# Review flags: failing findings shown beside a proposed exit without being one (E5: grounds
# for dismissal from the post held).
FLAG_RULES: frozenset[str] = frozenset({"E5"})


def flags_of(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.rule in FLAG_RULES and not f.passed]


def failing(findings: list[Finding]) -> list[Finding]:
    """The findings that did not pass (errors and warnings), in rule order."""
    return [f for f in findings if not f.passed]


def relatives_finding(cadre: CadreFacts, title: TitleFact, rules: RuleSetData) -> Finding:
    """P14 alone, judged for (cadre, title) against the titles the cadre's relatives hold:
    the rotation problem builder asks it of two relatives' posts instead of a copy of QĐ 114."""
    return _p14_relatives(_context(rules), cadre, title)


def in_unit_leadership(title: TitleFact) -> bool:
    """Whether P14 counts the title in its unit's leadership collective (head, deputy, party
    secretary or government head): the rotation problem gives the solver those collectives."""
    return _is_leadership(title)
