"""Structure of succession pools: counts (P2, P3, P4), the three age bands (S1), young,
women and ethnic-minority shares (S2–S4) and the committee age structure (S5), per pool
and aggregated over a set of pools; what a candidate would add to a pool; the ballot
checks of the planning procedure.

Ages are taken at the start of the pool's term. A share target is "met" or "short", and a
shortfall is said as the smallest number of members of that kind whose addition meets it
("thiếu 1 cán bộ nữ").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, NamedTuple
from collections.abc import Iterable, Mapping, Sequence

from .ballots import BALLOT_STEPS, RULE_NAMES as BALLOT_NAMES, ballot_step, check_ballot  # noqa: F401 - re-exported
from .dates import age_on
from .eligibility import format_date, new_finding, window_ratings
from .facts import CadreFacts, PoolFacts, TitleFact
from .findings import ERROR, INFO, WARNING, Finding
from .phrase import Phrase, Share
from .registry import rule
from .retirement import remaining_service_months
from .rulesets import RuleSetData
from .vocab import LEVEL, N_, RATING_ORDER

RULE_NAMES: dict[str, str] = {
    "P2": N_("Số lượng tối đa trong danh sách quy hoạch"),
    "P3": N_("Số lượng tối thiểu trong danh sách quy hoạch"),
    "P4": N_("Một cán bộ quy hoạch không quá số chức danh cùng cấp"),
    "S1": N_("Cơ cấu ba độ tuổi"),
    "S2": N_("Tỷ lệ cán bộ trẻ"),
    "S3": N_("Tỷ lệ cán bộ nữ"),
    "S4": N_("Tỷ lệ cán bộ người dân tộc thiểu số"),
    "S5": N_("Cơ cấu độ tuổi cấp ủy"),
    **BALLOT_NAMES,
}

OPEN_END = 200  # an age band's upper edge at or above this is open ("từ 50 trở lên")


# --------------------------------------------------------------------------- small helpers

def _fraction(share: float) -> Fraction:
    return Fraction(share).limit_denominator(1000)


def shortfall(count: int, total: int, share: float) -> int | None:
    """The smallest number k of members of a kind to add so that (count + k) / (total + k)
    reaches `share`; 0 when already met; None when it cannot be met by adding (share > 1)."""
    target = _fraction(share)
    p, q = target.numerator, target.denominator
    if p <= 0:
        return 0
    if total and count * q >= p * total:
        return 0
    if p > q:
        return None
    if p == q:
        return None if count < total else 0
    return max(1 if total == 0 else 0, math.ceil((p * total - q * count) / (q - p)))


def excess(count: int, total: int, share: float) -> int:
    """The smallest number of members of *other* kinds to add so that count / (total + k)
    is at most `share` (for an upper bound such as S5's 40–50 share)."""
    target = _fraction(share)
    p, q = target.numerator, target.denominator
    if total == 0 or count * q <= p * total:
        return 0
    if p == 0:
        return 0  # cannot be reached by adding others; nothing sensible to say
    return math.ceil((q * count - p * total) / p)


def band_label(low: int, high: int) -> str:
    """The one name of an age band [low, high): 'dưới 45', '45–49' (ages 45 to 49, i.e. from 45
    to under 50), 'từ 50 trở lên'. The pages, the reports and the rotation figures all use it."""
    if low <= 0:
        return Phrase(N_("dưới %(age)s"), age=high)
    if high >= OPEN_END:
        return Phrase(N_("từ %(age)s trở lên"), age=low)
    return f"{low}–{high - 1}"


def age_at_term_start(cadre: CadreFacts, term_start: dt.date) -> int:
    return age_on(cadre.birth_date, term_start)


def _bands(rules: RuleSetData, level: str) -> list[tuple[int, int]] | None:
    bands = rules.params.get("age_bands", {}).get(level)
    if not bands:
        return None
    return [(int(lo), int(hi)) for lo, hi in bands]


def _young_age(rules: RuleSetData, level: str) -> int | None:
    value = rules.params.get("young_age", {}).get(level)
    return int(value) if value is not None else None


def minority_target(rules: RuleSetData, title: TitleFact) -> float:
    """S4 target: per unit code, then per locality code, else the rule set's default."""
    by_unit: Mapping[str, float] = rules.params.get("minority_min_share_by_unit") or {}
    for code in (title.unit_code, title.locality_code):
        if code and code in by_unit:
            return float(by_unit[code])
    return float(rules.params.get("minority_min_share", 0.0))


def _basis(rules: RuleSetData, rule: str) -> str:
    extra = (rules.params.get("rule_basis") or {}).get(rule)
    return f"{rules.legal_basis}; {extra}" if extra else rules.legal_basis


_POOL_SIZE = N_("%(title)s (%(key)s): %(n)s người")


def _finding(rules: RuleSetData, rule: str, passed: bool, severity: str, message: str, subject: str,
             compared: dict[str, Any] | None = None, evidence: Iterable[str] = (),
             name: str | None = None) -> Finding:
    return new_finding(
        rule=rule, passed=passed, severity=INFO if passed else severity, name=name or RULE_NAMES[rule],
        message=message, basis=_basis(rules, rule), rule_set=rules.code, compared=compared or {},
        evidence=tuple(evidence), from_date=None, subject=subject,
    )


# --------------------------------------------------------------------------- pool profile

@dataclass
class PoolProfile:
    """A pool's numbers, computed once and read by check_pool, suggestion_effects and
    suggestion_score."""

    pool: PoolFacts
    term_start: dt.date
    ages: dict[int, int]                       # cadre id -> age at the term's start
    bands: list[tuple[int, int]] | None        # [low, high) per band, None when the level has none
    band_members: list[list[CadreFacts]] = field(default_factory=list)
    young_age: int | None = None
    young: int = 0
    women: int = 0
    minority: int = 0
    minority_target: float = 0.0

    @property
    def size(self) -> int:
        return len(self.pool.members)

    @property
    def missing_bands(self) -> list[tuple[int, int]]:
        if self.bands is None:
            return []
        return [band for band, members in zip(self.bands, self.band_members, strict=False) if not members]

    def band_of(self, age: int) -> tuple[int, int] | None:
        for band in self.bands or ():
            if band[0] <= age < band[1]:
                return band
        return None


def pool_profile(pool: PoolFacts, rules: RuleSetData) -> PoolProfile:
    start = pool.term.start
    level = pool.title.level
    bands = _bands(rules, level)
    young_age = _young_age(rules, level)
    ages = {m.id: age_on(m.birth_date, start) for m in pool.members}
    band_members: list[list[CadreFacts]] = [[] for _ in bands or ()]
    for member in pool.members:
        for i, (lo, hi) in enumerate(bands or ()):
            if lo <= ages[member.id] < hi:
                band_members[i].append(member)
                break
    return PoolProfile(
        pool=pool, term_start=start, ages=ages, bands=bands, band_members=band_members,
        young_age=young_age,
        young=sum(1 for m in pool.members if young_age is not None and ages[m.id] < young_age),
        women=sum(1 for m in pool.members if m.sex == "F"),
        minority=sum(1 for m in pool.members if m.minority),
        minority_target=minority_target(rules, pool.title),
    )


# --------------------------------------------------------------------------- per pool

@rule("P2")
def _p2_max(rules: RuleSetData, n: int, subject: str) -> Finding:
    # P2: at most N cadres in the pool of one title.
    limit = int(rules.params["pool_max_per_title"])
    compared = {"value": n, "threshold": limit, "unit": Phrase.of(N_("người"))}
    if n <= limit:
        return _finding(rules, "P2", True, ERROR, Phrase(N_("%(n)s người trong danh sách; tối đa %(limit)s"), n=n,
                                                         limit=limit), subject, compared)
    return _finding(rules, "P2", False, ERROR,
                    Phrase(N_("%(n)s người trong danh sách, vượt mức tối đa %(limit)s (thừa %(over)s)"), n=n,
                           limit=limit, over=n - limit), subject, compared)


@rule("P3")
def _p3_min(rules: RuleSetData, n: int, subject: str) -> Finding:
    # P3: a title should have at least 2 cadres in its pool (a warning).
    need = int(rules.params["pool_min_per_title"])
    compared = {"value": n, "threshold": need, "unit": Phrase.of(N_("người"))}
    if n >= need:
        return _finding(rules, "P3", True, WARNING, Phrase(N_("%(n)s người trong danh sách; cần ít nhất %(need)s"),
                                                           n=n, need=need), subject, compared)
    return _finding(rules, "P3", False, WARNING,
                    Phrase(N_("%(n)s người trong danh sách; cần ít nhất %(need)s (thiếu %(short)s người)"), n=n,
                           need=need, short=need - n), subject, compared)


@rule("S1")
def _s1_bands(rules: RuleSetData, prof: PoolProfile, subject: str) -> Finding:
    # S1: the pool has someone in each of the three age bands (ages at the term's start).
    on = format_date(prof.term_start)
    if prof.bands is None:
        return _finding(rules, "S1", False, WARNING, Phrase(_NOT_SET, what=Phrase.of(N_("các độ tuổi")),
                                                            level=_level(prof.pool.title.level)),
                        subject, {"value": None, "threshold": None, "unit": Phrase.of(N_("độ tuổi"))})
    evidence = []
    for (lo, hi), members in zip(prof.bands, prof.band_members, strict=False):
        names = ", ".join(f"{m.name} ({prof.ages[m.id]})" for m in members) or Phrase.of(N_("không có"))
        evidence.append(Phrase("%(band)s: %(names)s", band=band_label(lo, hi), names=names))
    present = sum(1 for members in prof.band_members if members)
    compared = {"value": present, "threshold": len(prof.bands), "unit": Phrase.of(N_("độ tuổi"))}
    missing = prof.missing_bands
    if not missing:
        counts = _joined([Phrase("%(band)s: %(n)s", band=band_label(lo, hi), n=len(ms))
                          for (lo, hi), ms in zip(prof.bands, prof.band_members, strict=False)])
        return _finding(rules, "S1", True, WARNING, Phrase(N_("đủ ba độ tuổi (%(counts)s; tuổi tính đến %(date)s)"),
                                                           counts=counts, date=on), subject, compared, evidence)
    labels = _joined([band_label(lo, hi) for lo, hi in missing])
    return _finding(rules, "S1", False, WARNING,
                    Phrase(N_("không có ai trong độ tuổi %(bands)s (tuổi tính đến %(date)s); có %(present)s/%(all)s độ tuổi"),
                           bands=labels, date=on, present=present, all=len(prof.bands)), subject, compared, evidence)


def _joined(items: Sequence[str]) -> Phrase:
    return Phrase.joined(items, ", ")


_NOT_SET = N_("bộ quy định chưa đặt %(what)s cho cấp «%(level)s»; chưa đánh giá được")


def _level(code: str) -> Phrase | str:
    return Phrase.lowered(LEVEL.label(code)) if code in LEVEL.codes else code


def _share_finding(rules: RuleSetData, rule: str, kind: str, count: int, total: int, share: float,
                   subject: str, evidence: Iterable[str] = ()) -> Finding:
    """One share target (S2, S3, S4) with its shortfall in words."""
    compared = {"value": count, "total": total, "share": round(count / total, 4) if total else 0.0,
                "threshold": share, "unit": kind}
    head = _head(kind, count, total)
    if share <= 0:
        return _finding(rules, rule, True, WARNING, Phrase(N_("%(head)s; không đặt chỉ tiêu"), head=head), subject,
                        compared, evidence)
    missing = shortfall(count, total, share)
    if missing == 0:
        return _finding(rules, rule, True, WARNING, Phrase(N_("%(head)s; chỉ tiêu từ %(share)s: đạt"), head=head,
                                                           share=Share(share)), subject, compared, evidence)
    compared["shortfall"] = missing
    gap = (Phrase(N_("thiếu %(n)s %(kind)s"), n=missing, kind=kind) if missing is not None
           else Phrase.of(N_("không thể đạt bằng cách bổ sung")))
    return _finding(rules, rule, False, WARNING, Phrase(N_("%(head)s; chỉ tiêu từ %(share)s: %(gap)s"), head=head,
                                                        share=Share(share), gap=gap), subject, compared, evidence)


def _head(kind: str, count: int, total: int) -> Phrase:
    if total:
        return Phrase(N_("%(kind)s: %(n)s/%(total)s (%(share)s)"), kind=kind, n=count, total=total,
                      share=Share(count / total))
    return Phrase(N_("%(kind)s: %(n)s/%(total)s"), kind=kind, n=count, total=total)


def _young_kind(age: int | None) -> str:
    return Phrase(N_("cán bộ dưới %(age)s tuổi"), age=age) if age is not None else Phrase.of(_YOUNG)


_YOUNG, _WOMEN, _MINORITY = N_("cán bộ trẻ"), N_("cán bộ nữ"), N_("cán bộ dân tộc thiểu số")


@rule("S2")
def _s2_young(rules: RuleSetData, prof: PoolProfile, subject: str) -> Finding:
    # S2: young cadres (under the level's young age at the term's start) make at least 15%.
    if prof.young_age is None:
        return _finding(rules, "S2", False, WARNING, Phrase(_NOT_SET, what=Phrase.of(N_("tuổi cán bộ trẻ")),
                                                            level=_level(prof.pool.title.level)),
                        subject, {"value": None, "threshold": rules.params["young_min_share"],
                                  "unit": Phrase.of(N_("cán bộ trẻ"))})
    evidence = [Phrase(N_("%(name)s: %(age)s tuổi"), name=m.name, age=prof.ages[m.id])
                for m in prof.pool.members if prof.ages[m.id] < prof.young_age]
    return _share_finding(rules, "S2", _young_kind(prof.young_age), prof.young, prof.size,
                          float(rules.params["young_min_share"]), subject, evidence)


@rule("S3")
def _s3_women(rules: RuleSetData, prof: PoolProfile, subject: str) -> Finding:
    # S3: women make at least 25% of the pool.
    evidence = [m.name for m in prof.pool.members if m.sex == "F"]
    return _share_finding(rules, "S3", Phrase.of(_WOMEN), prof.women, prof.size, float(rules.params["women_min_share"]),
                          subject, evidence)


@rule("S4")
def _s4_minority(rules: RuleSetData, prof: PoolProfile, subject: str) -> Finding:
    # S4: ethnic-minority cadres make at least the locality's target share.
    evidence = [m.name for m in prof.pool.members if m.minority]
    return _share_finding(rules, "S4", Phrase.of(_MINORITY), prof.minority, prof.size, prof.minority_target,
                          subject, evidence)


def check_pool(pool: PoolFacts, rules: RuleSetData, on: dt.date | None = None, *,
               profile: PoolProfile | None = None) -> list[Finding]:
    """P2, P3, S1–S4 for one pool (title × term), ages at the term's start. `on` is
    accepted for symmetry with the other checks; the structure is judged on the members
    given."""
    prof = profile or pool_profile(pool, rules)
    subject = pool.key
    n = prof.size
    return [
        _p2_max(rules, n, subject),
        _p3_min(rules, n, subject),
        _s1_bands(rules, prof, subject),
        _s2_young(rules, prof, subject),
        _s3_women(rules, prof, subject),
        _s4_minority(rules, prof, subject),
    ]


# --------------------------------------------------------------------------- aggregated

def aggregate(pools: Iterable[PoolFacts], rules: RuleSetData, on: dt.date | None = None,
              label: str = "") -> list[Finding]:
    """Structure of a set of pools (a unit, a level, a term), named `label`: how many pools
    break P2/P3/S1, cadres in too many pools at one level (P4), the young, women and
    minority shares over the distinct cadres planned (S2–S4), and the committee age
    structure (S5). A cadre in several pools counts once, with the level, term start and
    minority target of the first pool listing them."""
    pools = list(pools)
    subject = label
    pool_max = int(rules.params["pool_max_per_title"])
    pool_min = int(rules.params["pool_min_per_title"])
    per_level_max = int(rules.params["pools_per_cadre_max"])

    over, under, no_bands = [], [], []
    seen: dict[int, tuple[CadreFacts, int, int | None, float]] = {}  # id -> (cadre, age, young age, target)
    per_level: dict[tuple[int, str], list[str]] = {}
    for pool in pools:
        prof = pool_profile(pool, rules)
        n = prof.size
        if n > pool_max:
            over.append(Phrase(_POOL_SIZE, title=pool.title.name, key=pool.key, n=n))
        if n < pool_min:
            under.append(Phrase(_POOL_SIZE, title=pool.title.name, key=pool.key, n=n))
        missing = prof.missing_bands
        if missing:
            no_bands.append(Phrase(N_("%(title)s (%(key)s): không có ai %(bands)s"), title=pool.title.name,
                                   key=pool.key, bands=_joined([band_label(lo, hi) for lo, hi in missing])))
        for member in pool.members:
            per_level.setdefault((member.id, pool.title.level), []).append(pool.title.name)
            if member.id not in seen:
                seen[member.id] = (member, prof.ages[member.id], prof.young_age, prof.minority_target)

    findings: list[Finding] = []
    count = len(pools)
    findings.append(_finding(
        rules, "P2", not over, ERROR,
        Phrase(N_("%(n)s/%(count)s danh sách vượt mức tối đa %(max)s người"), n=len(over), count=count, max=pool_max)
        if over else Phrase(N_("cả %(count)s danh sách không quá %(max)s người"), count=count, max=pool_max),
        subject, {"value": len(over), "threshold": 0, "unit": Phrase.of(N_("danh sách"))}, over))
    findings.append(_finding(
        rules, "P3", not under, WARNING,
        Phrase(N_("%(n)s/%(count)s danh sách dưới %(min)s người"), n=len(under), count=count, min=pool_min)
        if under else Phrase(N_("cả %(count)s danh sách có từ %(min)s người"), count=count, min=pool_min),
        subject, {"value": len(under), "threshold": 0, "unit": Phrase.of(N_("danh sách"))}, under))
    crowded = [(cid, level, titles) for (cid, level), titles in per_level.items() if len(titles) > per_level_max]
    crowded_words = [Phrase(N_("%(name)s: %(n)s chức danh cấp %(level)s (%(titles)s)"), name=seen[cid][0].name,
                            n=len(titles), level=_level(level), titles=", ".join(titles)) for cid, level, titles in crowded]
    findings.append(_finding(
        rules, "P4", not crowded, ERROR,
        Phrase(N_("%(n)s cán bộ trong quy hoạch quá %(max)s chức danh cùng cấp"), n=len(crowded), max=per_level_max)
        if crowded else Phrase(N_("không cán bộ nào trong quy hoạch quá %(max)s chức danh cùng cấp"), max=per_level_max),
        subject, {"value": len(crowded), "threshold": 0, "unit": Phrase.of(N_("cán bộ"))}, crowded_words))
    findings.append(_finding(
        rules, "S1", not no_bands, WARNING,
        Phrase(N_("%(n)s/%(count)s danh sách thiếu độ tuổi"), n=len(no_bands), count=count) if no_bands
        else Phrase(N_("cả %(count)s danh sách đủ ba độ tuổi"), count=count),
        subject, {"value": count - len(no_bands), "threshold": count,
                  "unit": Phrase.of(N_("danh sách đủ ba độ tuổi"))}, no_bands))

    people = list(seen.values())
    total = len(people)
    young = sum(1 for _, age, young_age, _ in people if young_age is not None and age < young_age)
    findings.append(_share_finding(rules, "S2", Phrase.of(_YOUNG), young, total, float(rules.params["young_min_share"]),
                                   subject))
    women = sum(1 for c, *_ in people if c.sex == "F")
    findings.append(_share_finding(rules, "S3", Phrase.of(_WOMEN), women, total, float(rules.params["women_min_share"]),
                                   subject))
    minority = sum(1 for c, *_ in people if c.minority)
    target = sum(t for *_, t in people) / total if total else 0.0
    findings.append(_share_finding(rules, "S4", Phrase.of(_MINORITY), minority, total, round(target, 4),
                                   subject))
    findings.extend(committee_structure([age for _, age, _, _ in people], rules, subject))
    return findings


@rule("S5")
def committee_structure(ages: list[int], rules: RuleSetData, subject: str = "") -> list[Finding]:
    """S5 (Chỉ thị 35): under 40 at least 10%; 40–50 between 40% and 50%; the rest over 50.
    Two findings: the under-40 share and the 40–50 share."""
    low_edge, high_edge = (int(x) for x in rules.params.get("committee_age_edges", (40, 50)))
    under_min = float(rules.params["committee_under40_min_share"])
    mid_lo, mid_hi = (float(x) for x in rules.params["committee_40_50_share"])
    total = len(ages)
    under = sum(1 for a in ages if a < low_edge)
    middle = sum(1 for a in ages if low_edge <= a < high_edge)
    first = _share_finding(rules, "S5", _young_kind(low_edge), under, total, under_min, subject)
    first = _rename(first, Phrase(N_("%(rule)s: dưới %(age)s tuổi"), rule=Phrase(RULE_NAMES["S5"]), age=low_edge))
    mid_kind = Phrase(N_("cán bộ %(low)s–%(high)s tuổi"), low=low_edge, high=high_edge)
    head = _head(mid_kind, middle, total)
    compared = {"value": middle, "total": total, "share": round(middle / total, 4) if total else 0.0,
                "threshold": [mid_lo, mid_hi], "unit": mid_kind}
    name = Phrase(N_("%(rule)s: %(low)s–%(high)s tuổi"), rule=Phrase(RULE_NAMES["S5"]), low=low_edge, high=high_edge)
    want = Phrase(N_("khoảng %(low)s–%(high)s"), low=Share(mid_lo), high=Share(mid_hi))
    missing = shortfall(middle, total, mid_lo)
    extra = excess(middle, total, mid_hi)
    if missing:
        second = _finding(rules, "S5", False, WARNING, Phrase(N_("%(head)s; %(want)s: thiếu %(n)s %(kind)s"), head=head,
                                                              want=want, n=missing, kind=mid_kind), subject,
                          {**compared, "shortfall": missing}, name=name)
    elif extra:
        second = _finding(rules, "S5", False, WARNING,
                          Phrase(N_("%(head)s; %(want)s: nhiều hơn mức, cần thêm %(n)s cán bộ ngoài độ tuổi "
                                    "%(low)s–%(high)s"), head=head, want=want, n=extra, low=low_edge, high=high_edge),
                          subject, {**compared, "excess": extra}, name=name)
    else:
        second = _finding(rules, "S5", True, WARNING, Phrase(N_("%(head)s; %(want)s: đạt"), head=head, want=want),
                          subject, compared, name=name)
    return [first, second]


def _rename(finding: Finding, name: str) -> Finding:
    return dataclasses.replace(finding, name=name)


# --------------------------------------------------------------------------- suggestions

class _Gains(NamedTuple):
    band: tuple[int, int] | None
    woman: bool
    young: bool
    minority: bool
    below_min: bool                # the pool is below its minimum size (P3)


def _gains(prof: PoolProfile, candidate: CadreFacts, rules: RuleSetData) -> _Gains:
    if any(m.id == candidate.id for m in prof.pool.members):
        return _Gains(None, False, False, False, False)
    age = age_on(candidate.birth_date, prof.term_start)
    band = prof.band_of(age)
    fills = band if band is not None and band in prof.missing_bands else None
    n = prof.size
    woman = candidate.sex == "F" and shortfall(prof.women, n, float(rules.params["women_min_share"])) != 0
    young = (prof.young_age is not None and age < prof.young_age
             and shortfall(prof.young, n, float(rules.params["young_min_share"])) != 0)
    minority = candidate.minority and shortfall(prof.minority, n, prof.minority_target) != 0
    count = n < int(rules.params["pool_min_per_title"])
    return _Gains(fills, woman, young, minority, count)


def suggestion_effects(pool: PoolFacts, candidate: CadreFacts, rules: RuleSetData, on: dt.date | None = None, *,
                       profile: PoolProfile | None = None) -> list[str]:
    """What adding `candidate` would fix in the pool's structure, in words:
    ["bổ sung một cán bộ nữ dưới 40 tuổi", "lấp độ tuổi 45–49"]. Empty when nothing."""
    prof = profile or pool_profile(pool, rules)
    gains = _gains(prof, candidate, rules)
    effects: list[str] = []
    if gains.woman or gains.young or gains.minority:
        kinds = [Phrase.of(N_("nữ"))] if gains.woman else []
        if gains.minority:
            kinds.append(Phrase.of(N_("dân tộc thiểu số")))
        if gains.young:
            kinds.append(Phrase(N_("dưới %(age)s tuổi"), age=prof.young_age))
        effects.append(Phrase(N_("bổ sung một cán bộ %(kinds)s"), kinds=Phrase.joined(kinds, " ")))
    if gains.band is not None:
        effects.append(Phrase(N_("lấp độ tuổi %(band)s"), band=band_label(*gains.band)))
    if gains.below_min:
        need = int(rules.params["pool_min_per_title"])
        effects.append(Phrase(N_("đưa danh sách lên %(n)s/%(need)s người tối thiểu"), n=prof.size + 1, need=need))
    return effects


# Points of the suggestion score; a rule set may override them with "suggestion_weights".
SCORE_WEIGHTS: dict[str, int] = {
    "structure_fix": 30,       # per structure target the candidate helps meet (band, women, young, minority)
    "count_fix": 10,           # the pool is below its minimum size
    "service_year": 1,         # per full year of service left at the reference date ...
    "service_years_max": 20,   # ... counted up to this many years
    "rating_excellent": 5,     # per year of the rating window
    "rating_good": 3,
    "rating_complete": 0,
    "rating_fail": -10,
    "theory_advanced": 6,
    "theory_intermediate": 3,
    "state_mgmt_senior": 4,
    "state_mgmt_principal": 2,
}
SCORE_LABELS: dict[str, str] = {
    "structure": N_("bổ sung cơ cấu"),
    "count": N_("đủ số lượng tối thiểu"),
    "service": N_("thời gian công tác còn lại"),
    "ratings": N_("xếp loại các năm gần nhất"),
    "training": N_("trình độ lý luận chính trị, quản lý nhà nước"),
}


class Score(NamedTuple):
    total: int
    parts: dict[str, int]


def suggestion_score(pool: PoolFacts, candidate: CadreFacts, rules: RuleSetData, on: dt.date, *,
                     profile: PoolProfile | None = None,
                     rating_sets: Sequence[RuleSetData] | None = None) -> Score:
    """A transparent integer score for ranking candidates already found eligible: the sum
    of its parts (keys of SCORE_LABELS), each shown to the officer."""
    weights = {**SCORE_WEIGHTS, **(rules.params.get("suggestion_weights") or {})}
    prof = profile or pool_profile(pool, rules)
    gains = _gains(prof, candidate, rules)
    fixes = (gains.band is not None) + gains.woman + gains.young + gains.minority
    reference = on if prof.term_start <= on else prof.term_start
    years_left = max(0, remaining_service_months(candidate, reference)) // 12
    ratings = 0
    for _, rating in window_ratings(candidate, rules, on, rating_sets=rating_sets):
        if rating in RATING_ORDER:
            ratings += int(weights[f"rating_{rating}"])
    training = int(weights.get(f"theory_{candidate.theory_level}", 0)) + \
        int(weights.get(f"state_mgmt_{candidate.state_mgmt_level}", 0))
    parts = {
        "structure": fixes * int(weights["structure_fix"]),
        "count": int(weights["count_fix"]) if gains.below_min else 0,
        "service": min(years_left, int(weights["service_years_max"])) * int(weights["service_year"]),
        "ratings": ratings,
        "training": training,
    }
    return Score(sum(parts.values()), parts)
