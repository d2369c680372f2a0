"""Rule sets in the database: the built-in ones seeded, read back as domain RuleSetData,
and the unconfirmed parameters editable by the Organization Board."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, select

from quyhoach.db.models import RuleSet
from quyhoach.services.platform import audit
from quyhoach.domain import rulesets
from quyhoach.domain.rulesets import RuleSetData


def _data(row: RuleSet) -> RuleSetData:
    return RuleSetData(
        code=row.code, domain=row.domain, name=row.name, legal_basis=row.legal_basis,
        valid_from=row.valid_from, valid_to=row.valid_to, params=dict(row.params),
        unconfirmed=tuple(row.unconfirmed),
    )


def all_rule_sets(session: Session) -> list[RuleSetData]:
    return [_data(r) for r in session.exec(select(RuleSet).order_by(RuleSet.domain, RuleSet.valid_from))]


def in_force(session: Session, domain: str, on: dt.date) -> RuleSetData:
    return rulesets.in_force(all_rule_sets(session), domain, on)


class ParameterError(ValueError):
    pass


def is_builtin(code: str) -> bool:
    """The sets shipped with the software carry the regulations' own numbers; a set the
    Board creates for a new regulation takes that regulation's numbers, all editable."""
    return code in {r.code for r in rulesets.BUILTIN}


def update_parameter(session: Session, code: str, key: str, value: Any, reason: str = "") -> RuleSet:
    """Change one parameter of a rule set. Only parameters marked unconfirmed may be
    edited in the app (the confirmed ones are the regulation's own numbers); the value
    must keep the type of the default."""
    row = session.exec(select(RuleSet).where(RuleSet.code == code)).one_or_none()
    if row is None:
        raise ParameterError(f"không có bộ quy định «{code}»")
    if key not in row.params:
        raise ParameterError(f"bộ quy định «{code}» không có tham số «{key}»")
    if key not in row.unconfirmed and is_builtin(row.code):
        raise ParameterError(f"«{key}» là tham số đã được quy định, không sửa trong ứng dụng "
                             "(với văn bản mới, tạo bộ quy định mới rồi nhập các số của văn bản đó)")
    current = row.params[key]
    if isinstance(current, bool) or type(value) is not type(current) and not (
        isinstance(current, (int, float)) and isinstance(value, (int, float)) and not isinstance(value, bool)
    ):
        raise ParameterError(f"«{key}» phải có kiểu {type(current).__name__}")
    audit.record(session, "rule_set.parameter", f"rule_set:{code}", before={key: current}, after={key: value},
                 reason=reason)
    row.params = {**row.params, key: value}
    session.add(row)
    from quyhoach.services.platform import stamp

    stamp.bump(session)
    session.flush()
    return row


def create_version(session: Session, base_code: str, *, code: str, name: str, legal_basis: str,
                   valid_from: dt.date) -> RuleSet:
    """A new rule set from an existing one (a new regulation): same parameters to start
    with, valid from the given date; the base set ends the day before."""
    base = session.exec(select(RuleSet).where(RuleSet.code == base_code)).one_or_none()
    if base is None:
        raise ParameterError(f"không có bộ quy định «{base_code}»")
    if base.domain == rulesets.RETIREMENT:
        # every date rule reads the shipped roadmap (domain.retirement): a copy would be ignored
        raise ParameterError("lộ trình tuổi nghỉ hưu theo luật áp dụng cho mọi ngày sinh; "
                             "khi luật thay đổi, lộ trình mới đi kèm phiên bản phần mềm mới")
    code = (code or "").strip()
    if not code or session.exec(select(RuleSet).where(RuleSet.code == code)).one_or_none() is not None:
        raise ParameterError(f"mã bộ quy định «{code}» trống hoặc đã có")
    if not (name or "").strip() or not (legal_basis or "").strip():
        raise ParameterError("cần ghi tên và căn cứ pháp lý của bộ quy định mới")
    if valid_from <= base.valid_from:
        raise ParameterError("ngày hiệu lực của bộ mới phải sau ngày hiệu lực của bộ gốc")
    row = RuleSet(code=code, domain=base.domain, name=name.strip(), legal_basis=legal_basis.strip(),
                  valid_from=valid_from, valid_to=base.valid_to if base.valid_to and base.valid_to >= valid_from else None,
                  params=dict(base.params), unconfirmed=list(base.unconfirmed))
    audit.record(session, "rule_set.new_version", f"rule_set:{code}", before={"base": base_code, "base_valid_to": base.valid_to},
                 after={"code": code, "name": row.name, "legal_basis": row.legal_basis, "valid_from": valid_from})
    base.valid_to = valid_from - dt.timedelta(days=1)
    session.add(base)
    session.add(row)
    from quyhoach.services.platform import stamp

    stamp.bump(session)
    session.flush()
    return row
