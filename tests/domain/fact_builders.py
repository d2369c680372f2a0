"""Small builders for the planning facts: the smallest call that makes a valid fact, every
field overridable. Defaults describe an unremarkable cadre who passes every rule for a
provincial head title in the 2030–2035 term, judged on 01/11/2025."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from typing import Any

from quyhoach.domain.facts import (
    CadreFacts,
    DisciplineFact,
    PoolFacts,
    RatingFact,
    RelativeFact,
    TermFact,
    TitleFact,
    VoteFact,
)
from quyhoach.domain.rulesets import BUILTIN, PLANNING, RuleSetData, in_force

ON = dt.date(2025, 11, 1)
PROVINCE = 100          # locality id of the province
OTHER_PROVINCE = 200

_ids = itertools.count(1000)


def d(text: str) -> dt.date:
    """'01/10/2030' -> date."""
    day, month, year = (int(x) for x in text.split("/"))
    return dt.date(year, month, day)


def rules(on: dt.date = ON, **params: Any) -> RuleSetData:
    """The built-in planning set in force on `on`, with parameters overridden (a custom set)."""
    base = in_force(BUILTIN, PLANNING, on)
    if not params:
        return base
    return dataclasses.replace(base, code="TEST-CUSTOM", params={**base.params, **params})


def term(start: str = "01/10/2030", end: str = "30/09/2035", code: str | None = None,
         kind: str = "party") -> TermFact:
    s, e = d(start), d(end)
    return TermFact(code=code or f"{s.year}-{e.year}", kind=kind, name=f"{s.year}–{e.year}", start=s, end=e)


NEXT_TERM = term()
CURRENT_TERM = term("01/10/2025", "30/09/2030")


def title(id: int | None = None, name: str = "Giám đốc Sở Xây dựng", rank: int = 200, *,
          unit_id: int = 10, unit_name: str = "Sở Xây dựng", level: str = "province",
          locality_id: int | None = PROVINCE, **kw: Any) -> TitleFact:
    return TitleFact(id=id if id is not None else next(_ids), code=kw.pop("code", f"T{unit_id}-{rank}"),
                     name=name, unit_id=unit_id, unit_name=unit_name, level=level, rank=rank,
                     locality_id=locality_id, **kw)


def deputy(rank: int = 150, **kw: Any) -> TitleFact:
    kw.setdefault("name", "Phó Giám đốc Sở Xây dựng")
    return title(rank=rank, is_deputy=True, **kw)


def good_years(first: int = 2019, last: int = 2024, rating: str = "good") -> tuple[RatingFact, ...]:
    return tuple(RatingFact(year, rating) for year in range(first, last + 1))


def cadre(id: int | None = None, name: str = "Nguyễn Văn An", sex: str = "M",
          birth: str | dt.date = "15/06/1980", **kw: Any) -> CadreFacts:
    cid = id if id is not None else next(_ids)
    kw.setdefault("titles", (deputy(),))
    kw.setdefault("ratings", good_years())
    return CadreFacts(id=cid, code=kw.pop("code", f"C{cid}"), name=name, sex=sex,
                      birth_date=d(birth) if isinstance(birth, str) else birth,
                      minority=kw.pop("minority", False), **kw)


def vote(when: str, present: int, low: int, convened: int | None = None, body: str = "Hội nghị Ban Chấp hành") -> VoteFact:
    high = (present - low) // 2
    return VoteFact(vote_date=d(when), body=body, convened=convened or present, present=present,
                    high=high, normal=present - low - high, low=low)


def discipline(level: str, when: str, no: str | None = "05-QĐ/UBKT") -> DisciplineFact:
    return DisciplineFact(level=level, decision_date=d(when), decision_no=no)


def relative(kind: str, *titles: TitleFact, name: str = "Trần Thị Bình") -> RelativeFact:
    return RelativeFact(code=f"C{next(_ids)}", name=name, kind=kind, titles=titles)


def pool(*members: CadreFacts, of: TitleFact | None = None, in_term: TermFact = NEXT_TERM) -> PoolFacts:
    return PoolFacts(title=of or title(), term=in_term, members=members)


def born_aged(age: int, on: dt.date = NEXT_TERM.start, **kw: Any) -> CadreFacts:
    """A cadre of `age` whole years on `on` (born the 15th of the month before)."""
    month = on.month - 1 or 12
    year = on.year - age - (on.month == 1)
    return cadre(birth=dt.date(year, month, 15), **kw)
