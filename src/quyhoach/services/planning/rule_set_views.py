"""The Bộ quy định page: the stored rule sets as rows, and the editing of an unconfirmed
parameter (read as the type of its current value, checked for its meaning, saved, and the
verdicts it changes listed) or a new version. Apart from `views` so that module stays the
pool pages'."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from quyhoach.db.models import RuleSet
from quyhoach.domain import eligibility, rulesets
from quyhoach.domain.rulesets import NoRuleSetError, RuleSetData
from quyhoach.domain.vocab import RATING, RELATION_KIND
from quyhoach.services.planning import judging as planning, rulesets as rule_service
from quyhoach.services.planning.world import World


@dataclass
class ParamRow:
    key: str
    value: Any
    unconfirmed: bool
    editable: bool = False   # unconfirmed defaults, and every number of a set the Board created

    @property
    def text(self) -> str:
        """The value as typed in the edit box (JSON; plain text for a string)."""
        if isinstance(self.value, str):
            return self.value
        return json.dumps(self.value, ensure_ascii=False)


@dataclass
class RuleSetRow:
    data: RuleSetData
    in_force: bool
    params: list[ParamRow] = field(default_factory=list)


def rule_set_rows(session: Session, on: dt.date) -> list[RuleSetRow]:
    data = rule_service.all_rule_sets(session)
    current = set()
    for domain in {d.domain for d in data}:
        try:
            current.add(rulesets.in_force(data, domain, on).code)
        except NoRuleSetError:
            pass
    rows = []
    # per domain, the set in force first, then the others newest first
    for d in sorted(data, key=lambda r: (r.domain, r.code not in current, -r.valid_from.toordinal())):
        builtin = rule_service.is_builtin(d.code)
        params = [ParamRow(k, v, k in d.unconfirmed, k in d.unconfirmed or not builtin) for k, v in d.params.items()]
        params.sort(key=lambda p: (not p.unconfirmed,))
        rows.append(RuleSetRow(d, d.code in current, params))
    return rows


def param_row(session: Session, code: str, key: str) -> ParamRow | None:
    row = session.exec(select(RuleSet).where(RuleSet.code == code)).one_or_none()
    if row is None or key not in row.params:
        return None
    return ParamRow(key, row.params[key], key in row.unconfirmed,
                    key in row.unconfirmed or not rule_service.is_builtin(row.code))


_SHARE_KEYS = {"minority_min_share", "ballot_first_round_min_share"}


def _check_count_from(value: Any) -> None:
    try:
        eligibility.count_from_of(value)
    except ValueError:
        raise rule_service.ParameterError('phải là "recorded" (xếp loại một năm được tính khi đã ghi nhận) hoặc '
                                          'tháng-ngày của năm đó, ví dụ "12-01"') from None


def _check_rating_min(value: Any) -> None:
    if value not in RATING.codes:
        raise rule_service.ParameterError("xếp loại phải là một trong: " + ", ".join(RATING.codes))


# Parameters whose meaning one reader decides (the rules' own parser where there is one).
_KEY_CHECKS = {"ratings_count_from": _check_count_from, "rating_min": _check_rating_min}


def _validate(key: str, value: Any, current: Any = None) -> None:
    """The parameter's meaning, beyond its type: shares between 0 and 1, known codes, and
    per-level values for every level the current value has."""
    err = rule_service.ParameterError
    if key in ("age_bands", "young_age") and isinstance(current, dict):
        missing = [level for level in current if level not in value]
        if missing:
            raise err("thiếu giá trị cho cấp: " + ", ".join(missing) + " (ghi đủ mọi cấp)")
    if (key in _SHARE_KEYS or "share" in key) and isinstance(value, (int, float)) and not 0 <= value <= 1:
        raise err("tỷ lệ phải từ 0 đến 1 (ví dụ 0.3 là 30%)")
    if key == "rating_window_years" and not 1 <= value <= 10:
        raise err("số năm phải từ 1 đến 10")
    if key == "age_band_years" and not 1 <= value <= 20:
        raise err("khoảng cách độ tuổi phải từ 1 đến 20 năm")
    check = _KEY_CHECKS.get(key)
    if check is not None:
        check(value)
    if key == "relation_kinds":
        unknown = [v for v in value if v not in RELATION_KIND.codes]
        if unknown:
            raise err("quan hệ không có trong danh mục: " + ", ".join(map(str, unknown)))
    if key == "young_age":
        if not all(isinstance(v, int) and 18 <= v <= 70 for v in value.values()):
            raise err("tuổi cán bộ trẻ của mỗi cấp phải là số nguyên từ 18 đến 70")
    if key == "age_bands":
        for level, bands in value.items():
            ok = isinstance(bands, list) and bands and all(
                isinstance(b, list) and len(b) == 2 and all(isinstance(x, int) for x in b) and b[0] < b[1]
                for b in bands)
            if not ok:
                raise err(f"độ tuổi của cấp «{level}» phải là danh sách các cặp [từ, đến), ví dụ [[0, 45], [45, 50], [50, 200]]")


def parse_parameter(current: Any, text: str) -> Any:
    """Read what the officer typed as the type of the current value: numbers, a rating
    code, a JSON list or object. Raises ParameterError with the reason in Vietnamese."""
    err = rule_service.ParameterError
    text = (text or "").strip()
    if not text:
        raise err("chưa nhập giá trị")
    if isinstance(current, str):
        try:
            value = json.loads(text)
        except ValueError:
            value = text
        if not isinstance(value, str):
            value = text
        return value
    if isinstance(current, bool):
        raise err("tham số này không sửa được ở đây")
    if isinstance(current, (int, float)):
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise err("phải là một số") from None
        if not math.isfinite(number):
            raise err("phải là một số hữu hạn")
        if isinstance(current, int):
            if number != int(number):
                raise err("phải là số nguyên")
            return int(number)
        return number
    try:
        value = json.loads(text)
    except ValueError as error:
        raise err(f"không đọc được giá trị ({error.msg}, ký tự thứ {error.pos + 1})") from None
    if isinstance(current, dict) and not isinstance(value, dict):
        raise err('phải có dạng {"khóa": giá trị, ...}')
    if isinstance(current, list) and not isinstance(value, list):
        raise err("phải có dạng [giá trị, ...]")
    return value


def _rule_set_data(session: Session, code: str) -> RuleSetData | None:
    return next((r for r in rule_service.all_rule_sets(session) if r.code == code), None)


def rule_set_in_force(session: Session, code: str, on: dt.date) -> bool:
    """Whether the set is the one its domain applies on `on` (editing it changes today's verdicts)."""
    data = rule_service.all_rule_sets(session)
    own = next((d for d in data if d.code == code), None)
    if own is None:
        return False
    try:
        return rulesets.in_force(data, own.domain, on).code == code
    except NoRuleSetError:
        return False


def _checked_reason(reason: str | None) -> str:
    text = " ".join((reason or "").split())
    if len(text) < 5:
        raise rule_service.ParameterError("bộ quy định này đang có hiệu lực: cần ghi lý do sửa (ít nhất 5 ký tự), "
                                          "ví dụ số văn bản xác nhận giá trị mới")
    return text[:500]


def set_parameter(session: Session, code: str, key: str, text: str,
                  world: World | None = None, reason: str = "") -> tuple[RuleSet, list[planning.VerdictChange] | None]:
    """Parse and save one unconfirmed parameter; the planning world is rebuilt after it
    (the data stamp moves), so every pool is judged under the new value. Editing the set in
    force today asks for a reason (kept in the audit log). With the world (as it was before
    the change) and a planning set in force today, also the verdicts the new value changes
    (journey 4); None when the set is not the one in force."""
    row = session.exec(select(RuleSet).where(RuleSet.code == code)).one_or_none()
    if row is None or key not in row.params:
        raise rule_service.ParameterError(f"không có tham số «{key}» trong bộ quy định «{code}»")
    value = parse_parameter(row.params[key], text)
    _validate(key, value, row.params[key])
    if rule_set_in_force(session, code, world.on if world is not None else dt.date.today()):
        reason = _checked_reason(reason)
    before = _rule_set_data(session, code)
    saved = rule_service.update_parameter(session, code, key, value, reason=reason)  # moves the data stamp
    changes = None
    if world is not None and before is not None and before.domain == rulesets.PLANNING:
        try:
            in_force = world.rule_set(rulesets.PLANNING).code == code
        except NoRuleSetError:
            in_force = False
        if in_force:
            changes = planning.compare_rule_sets(world, before, _rule_set_data(session, code))
    return saved, changes


def _new_params(base: RuleSet, typed: dict[str, str]) -> dict[str, Any]:
    """The new regulation's numbers typed in the new-version form, read as the base's types
    and checked; what is left as the base has it is not a change."""
    changed = {}
    for key, text in typed.items():
        if key not in base.params or text is None or not text.strip():
            continue
        current = base.params[key]
        try:
            value = parse_parameter(current, text)
            _validate(key, value, current)
        except rule_service.ParameterError as error:
            raise rule_service.ParameterError(f"{eligibility_param_name(key)}: {error}") from None
        if value != current:
            changed[key] = value
    return changed


def eligibility_param_name(key: str) -> str:
    """A parameter's Vietnamese name (for the messages of a form that lists several)."""
    from quyhoach.domain.vocab import RULE_PARAM

    return RULE_PARAM.label(key) if key in RULE_PARAM.codes else key


def new_version(session: Session, world: World, base_code: str, *, code: str, name: str, legal_basis: str,
                valid_from_text: str, params: dict[str, str] | None = None) -> tuple[RuleSet, list[planning.VerdictChange]]:
    """A new regulation as a new rule set from an existing one (journey 4), with the numbers
    typed for it (`params`, as typed: the base's values otherwise), and the verdicts that
    differ between the two, every pool judged on the new set's first day (or today, when
    that has passed): what the pages will say once it takes effect."""
    from quyhoach.domain.dates import DateParseError, parse_date

    try:
        valid_from = parse_date((valid_from_text or "").strip())
    except DateParseError:
        valid_from = None
    if valid_from is None:
        raise rule_service.ParameterError("ngày hiệu lực phải có dạng dd/mm/yyyy")
    base = session.exec(select(RuleSet).where(RuleSet.code == base_code)).one_or_none()
    changed = _new_params(base, params or {}) if base is not None else {}
    before = _rule_set_data(session, base_code)
    row = rule_service.create_version(session, base_code, code=code, name=name, legal_basis=legal_basis,
                                      valid_from=valid_from)
    for key, value in changed.items():
        rule_service.update_parameter(session, row.code, key, value, reason=legal_basis)
    after = _rule_set_data(session, row.code)
    changes = []
    if before is not None and after is not None and before.domain == rulesets.PLANNING:
        changes = planning.compare_rule_sets(world, before, after, max(world.on, valid_from))
    return row, changes
