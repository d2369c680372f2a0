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
from collections.abc import Callable, Mapping

from .dates import add_months
from .evaluations import rating_for_score
from .facts import CadreFacts, DisciplineFact, RatingFact, TermFact, TitleFact, VoteFact
from .findings import ERROR, INFO, WARNING, Finding
from .numbers import format_percent
from .registry import rule
from .retirement import remaining_service_months, retirement_age_applied, retirement_of
from .rulesets import RATING_DEFAULTS, RuleSetData
from .standards import conclusion_words, conclusions_in_force, title_standards
from .vocab import DISCIPLINE_LEVEL, DISCIPLINE_ORDER, RATING_ORDER, RATING_SHORT, RELATION_KIND, SENSITIVE_SECTOR

# Rule names, in a few Vietnamese words (the UI label of each rule).
RULE_NAMES: dict[str, str] = {
    "P1": "Chức danh quy hoạch cao hơn chức danh hiện giữ",
    "P4": "Số chức danh quy hoạch cùng cấp",
    "P5": "Không đang trong quy trình bổ nhiệm, giới thiệu ứng cử",
    "P6": "Đủ tuổi công tác trọn nhiệm kỳ",
    "P7": "Đủ tuổi công tác khi quy hoạch bổ sung",
    "P8": "Xếp loại chất lượng các năm gần nhất",
    "P9": "Không thuộc diện đương nhiên ra khỏi quy hoạch",
    "P10": "Không bị xếp loại không hoàn thành nhiệm vụ",
    "P11": "Kết quả lấy phiếu tín nhiệm",
    "P12": "Chưa được bổ nhiệm chức danh quy hoạch",
    "P13": "Thời hạn sau kỷ luật",
    "P14": "Quan hệ gia đình (kiểm soát quyền lực)",
    "R4": "Chức danh bố trí người không phải người địa phương",
}

# Rules whose failure proposes an exit from a pool in the annual review (rà soát).
# P6/P7 fail = over the planning age; P8 (a weak rating) and P1/P4/P5/P14 do not by
# themselves take a member out.
EXIT_RULES: frozenset[str] = frozenset({"P6", "P7", "P9", "P10", "P11", "P12", "P13"})

MONTHS = "tháng"


# --------------------------------------------------------------------------- helpers

class _Context:
    """What a rule set implies, computed once per rule set (not once per check)."""

    __slots__ = ("rules", "basis", "extra_basis", "relation_kinds", "sensitive", "rating_min",
                 "rating_min_order", "window", "exit_min_order", "cooldown", "low_max",
                 "low_max_text", "low_max_percent")

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

    def basis_of(self, rule: str) -> str:
        return self.extra_basis.get(rule, self.basis)


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


@rule("E1")
def rating_of(fact: RatingFact) -> str | None:
    """The rating of a year, one of the four of E1; a score-only year is read by the score
    thresholds of QĐ 366 (E2: excellent ≥ 90, good ≥ 70, complete ≥ 50)."""
    if fact.rating:
        return fact.rating
    if fact.score is None:
        return None
    return rating_for_score(fact.score, RATING_DEFAULTS)


def _ratings_by_year(cadre: CadreFacts) -> dict[int, RatingFact]:
    return {r.year: r for r in cadre.ratings}


def counted_years(rules: RuleSetData, on: dt.date) -> range:
    """The years whose ratings count on `on` (P8's window, newest last): one function for
    planning, the suggestions, the pages and the rotation problem."""
    window = int(rules.params["rating_window_years"])
    return range(on.year - window, on.year)


def window_ratings(cadre: CadreFacts, rules: RuleSetData, on: dt.date) -> list[tuple[int, str | None]]:
    """(year, rating or None) for each counted year on `on`, oldest first."""
    by_year = _ratings_by_year(cadre)
    return [(year, rating_of(by_year[year]) if year in by_year else None) for year in counted_years(rules, on)]


def disciplines_in_force(cadre: CadreFacts, rules: RuleSetData, on: dt.date) -> list[tuple[DisciplineFact, dt.date]]:
    """The disciplines that still bar the cadre on `on`, each with the day its bar ends (P9, P13)."""
    return _active_disciplines(_context(rules), cadre, on)


def _rating_words(fact: RatingFact) -> str:
    rating = rating_of(fact)
    label = _rating_label(rating) if rating else "chưa xếp loại"
    if not fact.rating and fact.score is not None:
        return f"{fact.score:g} điểm (tương đương {label})"
    return label


def _title_words(title: TitleFact) -> str:
    if title.unit_name and title.unit_name.lower() not in title.name.lower():
        return f"{title.name} ({title.unit_name})"
    return title.name


def _discipline_words(d: DisciplineFact) -> str:
    text = f"kỷ luật {DISCIPLINE_LEVEL.label(d.level).lower()}"
    if d.decision_no:
        text += f" theo quyết định số {d.decision_no}"
    return f"{text} ngày {format_date(d.decision_date)}"


def _vote_words(v: VoteFact) -> str:
    return (f"phiếu tín nhiệm ngày {format_date(v.vote_date)} tại {v.body}: triệu tập {v.convened}, "
            f"có mặt {v.present}; tín nhiệm cao {v.high}, tín nhiệm {v.normal}, tín nhiệm thấp {v.low}")


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
    return f"đủ điều kiện từ {format_date(day)}"


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
        return _make(ctx, "P1", True, ERROR, f"chưa giữ chức danh lãnh đạo; {title.name} có thứ bậc {title.rank}",
                     cadre.code, {"value": 0, "threshold": title.rank, "unit": "thứ bậc"})
    highest = max(cadre.titles, key=lambda t: t.rank)
    evidence = tuple(f"đang giữ {_title_words(t)}, thứ bậc {t.rank}" for t in cadre.titles)
    compared = {"value": highest.rank, "threshold": title.rank, "unit": "thứ bậc"}
    if title.rank > highest.rank:
        return _make(ctx, "P1", True, ERROR,
                     f"chức danh quy hoạch (thứ bậc {title.rank}) cao hơn chức danh đang giữ "
                     f"{highest.name} (thứ bậc {highest.rank})", cadre.code, compared, evidence)
    relation = "bằng" if title.rank == highest.rank else "cao hơn"
    return _make(ctx, "P1", False, ERROR,
                 f"đang giữ {highest.name} (thứ bậc {highest.rank}), {relation} chức danh quy hoạch "
                 f"{title.name} (thứ bậc {title.rank})", cadre.code, compared, evidence)


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
    evidence = tuple(f"đang trong quy hoạch {n}" for n in sorted(names))
    compared = {"value": count + 1, "threshold": limit, "unit": "chức danh"}
    if count < limit:
        return _make(ctx, "P4", True, ERROR,
                     f"đang trong quy hoạch {count} chức danh khác cùng cấp; thêm chức danh này là {count + 1}, "
                     f"tối đa {limit}", cadre.code, compared, evidence)
    return _make(ctx, "P4", False, ERROR,
                 f"đã trong quy hoạch {count} chức danh khác cùng cấp; thêm chức danh này là {count + 1}, "
                 f"vượt mức tối đa {limit}", cadre.code, compared, evidence)


@rule("P5")
def _p5_open_proposal(ctx: _Context, cadre: CadreFacts) -> Finding:
    # P5: no planning while an appointment or nomination proposal for the cadre is open.
    if cadre.open_proposal:
        return _make(ctx, "P5", False, ERROR,
                     "đang có đề nghị bổ nhiệm, giới thiệu ứng cử chưa kết thúc; chưa xem xét quy hoạch",
                     cadre.code, {"value": 1, "threshold": 0, "unit": "đề nghị đang mở"})
    return _make(ctx, "P5", True, ERROR, "không có đề nghị bổ nhiệm, giới thiệu ứng cử đang mở",
                 cadre.code, {"value": 0, "threshold": 0, "unit": "đề nghị đang mở"})


def _retirement_evidence(cadre: CadreFacts) -> tuple[str, ...]:
    last_day = retirement_of(cadre)
    if cadre.retirement_override is not None:
        return (f"nghỉ hưu ngày {format_date(last_day)} theo quyết định riêng (không theo lộ trình)",)
    age = retirement_age_applied(cadre.sex, cadre.birth_date)
    sex = "nam" if cadre.sex.upper().startswith("M") else "nữ"
    return (f"sinh {format_date(cadre.birth_date)} ({sex}): nghỉ hưu khi đủ {age}, "
            f"ngày {format_date(last_day)} (Nghị định 135/2020)",)


def _service_words(cadre: CadreFacts, months: int, reference: dt.date) -> str:
    if months > 0:
        return f"còn {months} tháng công tác tính đến {format_date(reference)}"
    return (f"không còn thời gian công tác tính đến {format_date(reference)} "
            f"(nghỉ hưu ngày {format_date(retirement_of(cadre))})")


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
            return _make(ctx, "P7", True, ERROR, f"{text}; cần ít nhất {need} khi quy hoạch bổ sung",
                         cadre.code, compared, _retirement_evidence(cadre))
        return _make(ctx, "P7", False, ERROR, f"{text}; cần ít nhất {need} khi quy hoạch bổ sung",
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
        return _make(ctx, "P6", False, ERROR, f"{text}; cần ít nhất {need}", cadre.code, compared,
                     _retirement_evidence(cadre))
    if months < preferred:
        return _make(ctx, "P6", False, WARNING,
                     f"{text}: đủ một nhiệm kỳ ({need}) nhưng chưa đủ hai nhiệm kỳ ({preferred}) như khuyến nghị",
                     cadre.code, compared, _retirement_evidence(cadre))
    return _make(ctx, "P6", True, ERROR, f"{text}; cần ít nhất {need}, nên từ {preferred}",
                 cadre.code, compared, _retirement_evidence(cadre))


@rule("P8")
def _p8_ratings(ctx: _Context, cadre: CadreFacts, on: dt.date,
                by_year: dict[int, RatingFact]) -> Finding:
    # P8: rated at least `rating_min` in each of the last N completed years before `on`;
    # a year without a rating fails (the dossier is incomplete).
    window = ctx.window
    years = range(on.year - window, on.year)
    need = _rating_label(ctx.rating_min)
    evidence: list[str] = []
    bad: list[int] = []
    missing: list[int] = []
    for year in years:
        fact = by_year.get(year)
        rating = rating_of(fact) if fact else None
        if fact is None or rating is None:
            missing.append(year)
            evidence.append(f"chưa có xếp loại năm {year}")
            continue
        evidence.append(f"năm {year}: {_rating_words(fact)}")
        if RATING_ORDER.get(rating, -1) < ctx.rating_min_order:
            bad.append(year)
    span = f"{years[0]}–{years[-1]}" if window > 1 else f"{years[0]}"
    good = window - len(bad) - len(missing)
    compared = {"value": good, "threshold": window, "unit": f"năm đạt từ {need}"}
    if not bad and not missing:
        return _make(ctx, "P8", True, ERROR,
                     f"xếp loại {span} đều từ {need} trở lên ({good}/{window} năm)", cadre.code, compared,
                     tuple(evidence))
    parts = []
    if bad:
        parts.append("; ".join(f"năm {y} xếp loại {_rating_words(by_year[y])}" for y in bad))
    if missing:
        parts.append("chưa có xếp loại năm " + ", ".join(str(y) for y in missing))
    message = f"{'; '.join(parts)}; cần từ {need} trở lên cả {window} năm gần nhất ({span})"
    from_date = None
    if bad and not missing:
        # the latest weak year leaves the window on 1 January, N + 1 years later, provided
        # the years still to be rated meet the threshold
        from_date = dt.date(max(bad) + window + 1, 1, 1)
        message += f"; {_from_words(from_date)} nếu các năm sau đạt từ {need}"
    return _make(ctx, "P8", False, ERROR, message, cadre.code, compared, tuple(evidence), from_date)


def _cooldown_end(ctx: _Context, d: DisciplineFact) -> dt.date:
    return add_months(d.decision_date, int(ctx.cooldown.get(d.level, 0)))


def _active_disciplines(ctx: _Context, cadre: CadreFacts, on: dt.date) -> list[tuple[DisciplineFact, dt.date]]:
    """Disciplines decided by `on` whose cooldown has not ended on `on`."""
    out = []
    for d in cadre.disciplines:
        if d.decision_date > on:
            continue
        end = _cooldown_end(ctx, d)
        if end > on:
            out.append((d, end))
    return out


@rule("P9")
def _p9_automatic_exit(ctx: _Context, cadre: CadreFacts, on: dt.date,
                       active: list[tuple[DisciplineFact, dt.date]]) -> Finding:
    # P9: automatic exit: disciplined at `discipline_exit_min` or above within the cooldown
    # window of that discipline, or concluded by a competent body not to meet the political
    # standard (standards.conclusions_in_force: a conclusion has no end, so no "from" date).
    # (Over the planning age is reported by P6/P7.)
    hits = [(d, end) for d, end in active if DISCIPLINE_ORDER.get(d.level, 0) >= ctx.exit_min_order]
    unfit = [conclusion_words(c) for c in conclusions_in_force(cadre, on)]
    threshold = DISCIPLINE_LEVEL.label(ctx.rules.params["discipline_exit_min"]).lower()
    compared = {"value": len(hits) + len(unfit), "threshold": 0, "unit": "căn cứ đương nhiên ra khỏi quy hoạch"}
    if not hits and not unfit:
        return _make(ctx, "P9", True, ERROR,
                     f"không có kỷ luật từ {threshold} trở lên còn trong thời hạn, không có kết luận "
                     "không đạt tiêu chuẩn chính trị", cadre.code, compared)
    evidence = tuple(unfit) + tuple(f"{_discipline_words(d)} (thời hạn đến {format_date(e)})" for d, e in hits)
    if unfit:
        return _make(ctx, "P9", False, ERROR, f"{unfit[-1]}: đương nhiên ra khỏi quy hoạch",
                     cadre.code, compared, evidence)
    end = max(e for _, e in hits)
    return _make(ctx, "P9", False, ERROR,
                 f"bị {_discipline_words(hits[0][0])}: đương nhiên ra khỏi quy hoạch; {_from_words(end)}",
                 cadre.code, compared, evidence, end)


@rule("P10")
def _p10_fail_rating(ctx: _Context, cadre: CadreFacts, on: dt.date,
                     by_year: dict[int, RatingFact]) -> Finding:
    # P10: rated "fail" in the latest completed year => out in the annual review.
    year = on.year - 1
    fact = by_year.get(year)
    rating = rating_of(fact) if fact else None
    compared = {"value": _rating_label(rating) if rating else None, "threshold": "KHTNV", "unit": f"xếp loại {year}"}
    if fact is None or rating is None:
        return _make(ctx, "P10", True, ERROR, f"chưa có xếp loại năm {year}", cadre.code, compared,
                     (f"chưa có xếp loại năm {year}",))
    if rating == "fail":
        from_date = dt.date(year + 2, 1, 1)
        return _make(ctx, "P10", False, ERROR,
                     f"năm {year} xếp loại {_rating_words(fact)}; {_from_words(from_date)} nếu năm {year + 1} "
                     f"không bị xếp loại KHTNV", cadre.code, compared,
                     (f"năm {year}: {_rating_words(fact)}",), from_date)
    return _make(ctx, "P10", True, ERROR, f"năm {year} xếp loại {_rating_words(fact)}", cadre.code,
                 compared, (f"năm {year}: {_rating_words(fact)}",))


@rule("P11")
def _p11_confidence(ctx: _Context, cadre: CadreFacts, on: dt.date) -> Finding:
    # P11: in the latest confidence vote, more than half (the parameter) of those present
    # voting "low confidence" takes the cadre out of the pools for higher titles.
    votes = [v for v in cadre.votes if v.vote_date <= on and v.present > 0]
    limit = ctx.low_max_text
    if not votes:
        return _make(ctx, "P11", True, ERROR, "chưa có kết quả lấy phiếu tín nhiệm", cadre.code,
                     {"value": None, "threshold": ctx.low_max_percent, "unit": "%"})
    vote = max(votes, key=lambda v: v.vote_date)
    share = vote.low / vote.present
    text = percent(share)
    compared = {"value": round(share * 100, 1), "threshold": ctx.low_max_percent, "unit": "%"}
    evidence = (_vote_words(vote),)
    if vote.low * ctx.low_max.denominator > ctx.low_max.numerator * vote.present:  # exact share > max
        return _make(ctx, "P11", False, ERROR,
                     f"{vote.low}/{vote.present} phiếu tín nhiệm thấp ({text}), quá {limit} số có mặt",
                     cadre.code, compared, evidence)
    return _make(ctx, "P11", True, ERROR,
                 f"{vote.low}/{vote.present} phiếu tín nhiệm thấp ({text}); không quá {limit}",
                 cadre.code, compared, evidence)


@rule("P12")
def _p12_appointed(ctx: _Context, cadre: CadreFacts, title: TitleFact) -> Finding:
    # P12: a pool member appointed to the planned title (or an equal or higher one) leaves the pool.
    held = [t for t in cadre.titles if t.id == title.id or t.rank >= title.rank]
    if not held:
        return _make(ctx, "P12", True, ERROR, f"chưa giữ {title.name} hoặc chức danh tương đương, cao hơn",
                     cadre.code, {"value": 0, "threshold": 0, "unit": "chức danh"})
    top = max(held, key=lambda t: (t.id == title.id, t.rank))
    what = "chức danh quy hoạch" if top.id == title.id else f"chức danh thứ bậc {top.rank} (không thấp hơn {title.rank})"
    return _make(ctx, "P12", False, ERROR,
                 f"đã giữ {top.name}, {what}: ra khỏi danh sách quy hoạch chức danh này",
                 cadre.code, {"value": len(held), "threshold": 0, "unit": "chức danh"},
                 tuple(f"đang giữ {_title_words(t)}, thứ bậc {t.rank}" for t in held))


@rule("P13")
def _p13_cooldown(ctx: _Context, cadre: CadreFacts, on: dt.date, active: list[tuple[DisciplineFact, dt.date]]) -> Finding:
    # P13: after a discipline, no higher title before the cooldown of its level has passed
    # (reprimand 24, warning 36, removal 60 months from the decision).
    if not active:
        past = [d for d in cadre.disciplines if d.decision_date <= on]
        evidence = tuple(f"{_discipline_words(d)} (hết thời hạn {format_date(_cooldown_end(ctx, d))})" for d in past)
        return _make(ctx, "P13", True, ERROR,
                     "không có kỷ luật còn trong thời hạn" if not past else "các kỷ luật đã hết thời hạn",
                     cadre.code, {"value": 0, "threshold": 0, "unit": MONTHS}, evidence)
    end_d, end = max(active, key=lambda x: x[1])
    months = int(ctx.cooldown.get(end_d.level, 0))
    evidence = tuple(f"{_discipline_words(d)}: chưa đủ {int(ctx.cooldown.get(d.level, 0))} tháng "
                     f"(đến {format_date(e)})" for d, e in active)
    return _make(ctx, "P13", False, ERROR,
                 f"{_discipline_words(end_d)}; cần đủ {months} tháng kể từ ngày quyết định; {_from_words(end)}",
                 cadre.code, {"value": len(active), "threshold": 0, "months": months, "unit": "kỷ luật còn thời hạn"},
                 evidence, end)


def _is_leadership(t: TitleFact) -> bool:
    return t.is_head or t.is_deputy or t.is_party_secretary or t.is_government_head


def _is_key_local(t: TitleFact) -> bool:
    return t.is_party_secretary or t.is_government_head


def _key_local_words(t: TitleFact) -> str:
    return "bí thư cấp ủy" if t.is_party_secretary else "người đứng đầu chính quyền"


def _conflict(ctx: _Context, title: TitleFact, other: TitleFact) -> str | None:
    """Why holding `title` while a relative holds `other` breaks QĐ 114, or None."""
    if other.id == title.id:
        return None  # the relative holds the very title: the cadre would succeed them
    if other.unit_id == title.unit_id and _is_leadership(title) and _is_leadership(other):
        if (title.is_head and other.is_deputy) or (title.is_deputy and other.is_head):
            return "cấp trưởng và cấp phó của cùng một đơn vị"
        return "cùng tập thể lãnh đạo một đơn vị"
    if title.locality_id is not None and title.locality_id == other.locality_id:
        if _is_key_local(title) and other.is_head and other.sensitive_sector in ctx.sensitive:
            return (f"{_key_local_words(title)} trong khi người thân đứng đầu ngành "
                    f"{SENSITIVE_SECTOR.label(other.sensitive_sector)} cùng cấp")
        if _is_key_local(other) and title.is_head and title.sensitive_sector in ctx.sensitive:
            return (f"đứng đầu ngành {SENSITIVE_SECTOR.label(title.sensitive_sector)} trong khi người thân là "
                    f"{_key_local_words(other)} cùng cấp")
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
                evidence.append(f"{relative.name} ({RELATION_KIND.label(relative.kind).lower()}) đang giữ "
                                f"{_title_words(other)}: {why}")
    compared = {"value": len(evidence), "threshold": 0, "unit": "quan hệ vướng"}
    if evidence:
        more = f" (và {len(evidence) - 1} trường hợp khác)" if len(evidence) > 1 else ""
        return _make(ctx, "P14", False, ERROR, f"{evidence[0]}{more}", cadre.code, compared, tuple(evidence))
    return _make(ctx, "P14", True, ERROR,
                 f"không vướng quan hệ gia đình ({checked} người thân là cán bộ đã xét)", cadre.code, compared)


def _r4_non_local(ctx: _Context, cadre: CadreFacts, title: TitleFact) -> Finding | None:
    # R4: key posts are held by non-locals; in planning only a warning (hard in rotation).
    if not title.non_local:
        return None
    local = title.locality_id is not None and title.locality_id in cadre.hometown_locality_ids
    compared = {"value": int(local), "threshold": 0, "unit": "người địa phương"}
    if local:
        return _make(ctx, "R4", False, WARNING,
                     f"cán bộ là người địa phương (quê quán tại đây) trong khi {title.name} bố trí người không phải "
                     "người địa phương: chỉ bổ nhiệm được sau khi luân chuyển nơi khác", cadre.code, compared)
    return _make(ctx, "R4", True, WARNING, f"không phải người địa phương của {title.unit_name or title.name}",
                 cadre.code, compared)


# --------------------------------------------------------------------------- public

def check(cadre: CadreFacts, title: TitleFact, term: TermFact, rules: RuleSetData, on: dt.date, *,
          title_index: Mapping[int, TitleFact | str] | None = None) -> list[Finding]:
    """Every planning rule that applies to (cadre, title, term), judged on `on` under `rules`.

    `title_index` maps title ids to their TitleFact (or just their level code): P4 counts
    only the cadre's other pools at the title's level, and names them. Without it, every
    id in `cadre.pool_title_ids` (except this title) is taken as a pool at the same level,
    so the caller passes only same-level ids.

    P12 (appointed to the title) is judged only for members of the pool, i.e. when
    `title.id in cadre.pool_title_ids`.
    """
    ctx = _context(rules)
    by_year = _ratings_by_year(cadre)
    active = _active_disciplines(ctx, cadre, on)
    findings = [
        _p1_higher_title(ctx, cadre, title),
        _p4_pools_per_level(ctx, cadre, title, title_index),
        _p5_open_proposal(ctx, cadre),
        _p6_p7_service(ctx, cadre, title, term, on),
        _p8_ratings(ctx, cadre, on, by_year),
        _p9_automatic_exit(ctx, cadre, on, active),
        _p10_fail_rating(ctx, cadre, on, by_year),
        _p11_confidence(ctx, cadre, on),
    ]
    if title.id in cadre.pool_title_ids:
        findings.append(_p12_appointed(ctx, cadre, title))
    findings.append(_p13_cooldown(ctx, cadre, on, active))
    findings.append(_p14_relatives(ctx, cadre, title))
    r4 = _r4_non_local(ctx, cadre, title)
    if r4 is not None:
        findings.append(r4)
    p15 = title_standards(cadre, title, rules)
    if p15 is not None:
        findings.append(p15)
    return findings


def exit_findings(cadre: CadreFacts, title: TitleFact, term: TermFact, rules: RuleSetData, on: dt.date, *,
                  title_index: Mapping[int, TitleFact | str] | None = None) -> list[Finding]:
    """The failing findings (errors) of EXIT_RULES: what proposes an exit of a pool member
    in the annual review, each with its reason. A P6 warning (one term but not two) is not
    an exit."""
    return [f for f in check(cadre, title, term, rules, on, title_index=title_index)
            if f.rule in EXIT_RULES and f.blocking]


def failing(findings: list[Finding]) -> list[Finding]:
    """The findings that did not pass (errors and warnings), in rule order."""
    return [f for f in findings if not f.passed]
