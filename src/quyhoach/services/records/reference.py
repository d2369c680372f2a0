"""Reference data every installation has: the 54 ethnic groups, the usual levels,
and the party and government terms. Idempotent: adds what is missing, changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
from importlib import resources

from sqlmodel import Session, select

from quyhoach.db.models import Ethnicity, Level, RuleSet, Term
from quyhoach.domain import rulesets

# Levels are data: the 2025 two-level local government uses province and commune;
# district remains for older records.
LEVELS = (
    ("central", "Trung ương", 0),
    ("province", "Tỉnh", 1),
    ("district", "Huyện", 2),
    ("commune", "Xã", 3),
)

TERMS = (
    ("DANG-2020-2025", "party", "Nhiệm kỳ Đảng 2020–2025", dt.date(2020, 10, 1), dt.date(2025, 9, 30)),
    ("DANG-2025-2030", "party", "Nhiệm kỳ Đảng 2025–2030", dt.date(2025, 10, 1), dt.date(2030, 9, 30)),
    ("CQ-2021-2026", "government", "Nhiệm kỳ chính quyền 2021–2026", dt.date(2021, 6, 1), dt.date(2026, 3, 31)),
    ("CQ-2026-2031", "government", "Nhiệm kỳ chính quyền 2026–2031", dt.date(2026, 4, 1), dt.date(2031, 3, 31)),
)


def ethnic_groups() -> list[tuple[str, str, str]]:
    text = resources.files("quyhoach").joinpath("data/ethnic_groups.csv").read_text(encoding="utf-8")
    return [(r["code"], r["name_vi"], r["name_en"]) for r in csv.DictReader(text.splitlines())]


def ensure(session: Session) -> None:
    known = set(session.exec(select(Ethnicity.code)).all())
    for code, name_vi, name_en in ethnic_groups():
        if code not in known:
            session.add(Ethnicity(code=code, name_vi=name_vi, name_en=name_en))
    levels = set(session.exec(select(Level.code)).all())
    for code, name, depth in LEVELS:
        if code not in levels:
            session.add(Level(code=code, name=name, depth=depth))
    terms = set(session.exec(select(Term.code)).all())
    for code, kind, name, start, end in TERMS:
        if code not in terms:
            session.add(Term(code=code, kind=kind, name=name, start_date=start, end_date=end))
    session.flush()
    seed_rule_sets(session)


def seed_rule_sets(session: Session) -> None:
    """Add the built-in rule sets that are missing; never overwrite edited ones, but add
    parameters a newer version of the software introduced, correct a parameter whose stored
    value is still one an earlier version shipped (`rulesets.SUPERSEDED`; a value the Board
    edited is kept), and mark the parameters a newer version marks unconfirmed."""
    existing = {r.code: r for r in session.exec(select(RuleSet))}
    for builtin in rulesets.BUILTIN:
        row = existing.get(builtin.code)
        if row is None:
            session.add(RuleSet(
                code=builtin.code, domain=builtin.domain, name=builtin.name, legal_basis=builtin.legal_basis,
                valid_from=builtin.valid_from, valid_to=builtin.valid_to, params=dict(builtin.params),
                unconfirmed=list(builtin.unconfirmed),
            ))
            continue
        params = dict(row.params)
        for key, value in builtin.params.items():
            if key not in params:
                params[key] = value
        for key, old_values in rulesets.SUPERSEDED.get(builtin.code, {}).items():
            if key in params and params[key] in old_values and params[key] != builtin.params[key]:
                params[key] = builtin.params[key]
        unconfirmed = list(row.unconfirmed) + [k for k in builtin.unconfirmed if k not in row.unconfirmed]
        if params != row.params or unconfirmed != list(row.unconfirmed):
            row.params = params
            row.unconfirmed = unconfirmed
            session.add(row)
    session.flush()
