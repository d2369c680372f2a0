"""The Quy hoạch pages' words: a rule's name, an age band and a rule-set parameter in the
page's language, and how a parameter is typed in the new-version form. Registered on the
planning blueprint as template filters and globals (`planning.py`)."""

from __future__ import annotations

from flask_babel import gettext

from quyhoach.domain import structure
from quyhoach.domain.phrase import Phrase


_VOCAB_OF_PARAM = {"rating_min": "rating", "discipline_exit_min": "discipline_level",
                   "discipline_ended_no_bar": "discipline_level", "relation_kinds": "relation_kind",
                   "sensitive_sectors": "sensitive_sector"}


def rule_name(name: str | None) -> str:
    """A rule's name in the page's language (the names are N_-marked in the domain, the S5
    gauges' "name: age band" is a Phrase)."""
    if not name:
        return ""
    if isinstance(name, Phrase):
        from quyhoach.web.filters import say

        return say(name)
    return gettext(name)


def age_band(low: int, high: int) -> str:
    """An age band [low, high) as the pages name it: the domain's `band_label`, with its open
    ends in the page's language ("dưới 45" / "under 45")."""
    from quyhoach.web.filters import say

    return say(structure.band_label(low, high))


def param_text(key: str, value) -> str:
    """A rule-set parameter in words: shares as percentages, codes as their labels."""
    from quyhoach.web.filters import _label, _percent

    vocabulary = _VOCAB_OF_PARAM.get(key)
    if vocabulary:
        if isinstance(value, list):
            return ", ".join(_label(v, vocabulary) for v in value)
        return _label(value, vocabulary)
    if key in _SEVERITY_PARAMS:
        return _severity_words().get(value, str(value))
    if key == "ratings_count_from" and isinstance(value, str):
        if value == "recorded":
            return gettext("khi đã ghi nhận")
        month, _, day = value.partition("-")
        return gettext("từ ngày %(day)s/%(month)s của năm đó", day=day, month=month)
    if key == "discipline_cooldown_months":
        return ", ".join(f"{_label(k, 'discipline_level')}: {v}" for k, v in value.items())
    if key == "age_bands":
        return "; ".join(f"{_label(level, 'level')}: " + ", ".join(age_band(lo, hi) for lo, hi in bands)
                         for level, bands in value.items())
    if key == "young_age":
        return "; ".join(f"{_label(level, 'level')}: " + gettext("dưới %(age)s", age=age)
                         for level, age in value.items())
    if isinstance(value, bool):
        return gettext("Có") if value else gettext("Không")
    if isinstance(value, float) and ("share" in key):
        return _percent(value)
    if isinstance(value, list) and key == "committee_40_50_share":
        return "–".join(_percent(v) for v in value)
    if key == "roadmap" and isinstance(value, dict):
        return "; ".join(f"{_label(sex, 'sex')}: " + param_text("roadmap_step", step) for sex, step in value.items())
    if isinstance(value, dict):
        return _table_text(key, value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _table_text(key: str, value: dict) -> str:
    """A parameter's table in words: each key named (`_subkey_words`, or a code's label)."""
    from quyhoach.web.filters import _label, _percent

    if not value:
        return gettext("(không có)")
    words = _subkey_words()
    vocabulary = {"rating": "rating", "theory": "theory_level", "state_mgmt": "state_mgmt_level"}.get(key)

    def one(k, v):
        name = _label(k, vocabulary) if vocabulary else words.get(k, k)
        if isinstance(v, dict):
            return f"{name}: ({param_text(k, v)})"
        return f"{name}: {_percent(v) if isinstance(v, float) and 'share' in key else v}"
    return "; ".join(one(k, v) for k, v in value.items())


def _subkey_words() -> dict[str, str]:
    """The words for the keys inside a parameter's table (the pages never show a raw key)."""
    return {
        "other_locality": gettext("khác địa phương"), "other_unit": gettext("khác đơn vị"),
        "other_level": gettext("khác cấp"), "base": gettext("điểm nền"),
        "rating_years": gettext("số năm xếp loại được xét"), "rating": gettext("theo xếp loại"),
        "theory": gettext("lý luận chính trị"), "state_mgmt": gettext("quản lý nhà nước"),
        "service_years_max": gettext("số năm công tác tối đa được tính"),
        "base_months": gettext("tuổi nghỉ hưu gốc (tháng)"), "first_year": gettext("năm bắt đầu"),
        "step_months": gettext("tăng mỗi năm (tháng)"), "cap_months": gettext("tối đa (tháng)"),
    }


def _severity_words() -> dict[str, str]:
    return {"warning": gettext("Lưu ý (không cản trở)"), "error": gettext("Cản trở (chưa đủ điều kiện)")}


_SEVERITY_PARAMS = {"title_standards_planning_severity"}


def param_kind(key: str, value) -> dict:
    """How a parameter is typed in a form, in the officer's terms: a share as a percentage,
    a code as a choice of labels, months and years as whole numbers with their unit; the
    rest (per-level tables, lists) as written in `param_text` and edited as JSON."""
    from quyhoach.domain import vocab

    vocabulary = _VOCAB_OF_PARAM.get(key)
    if isinstance(value, bool):
        return {"kind": "bool"}
    if isinstance(value, str) and vocabulary:
        from quyhoach.web.filters import _label

        return {"kind": "choice", "options": [(c, _label(c, vocabulary)) for c in vocab.VOCABULARIES[vocabulary].codes]}
    if key in _SEVERITY_PARAMS:
        return {"kind": "choice", "options": list(_severity_words().items())}
    if isinstance(value, (int, float)) and "share" in key:
        return {"kind": "percent", "shown": f"{value * 100:.4g}"}
    if isinstance(value, int) and key.endswith("_months"):
        return {"kind": "number", "unit": gettext("tháng"), "step": 1}
    if isinstance(value, int) and key.endswith("_years"):
        return {"kind": "number", "unit": gettext("năm"), "step": 1}
    if isinstance(value, (int, float)):
        return {"kind": "number", "unit": "", "step": 1 if isinstance(value, int) else "any"}
    if isinstance(value, str):
        return {"kind": "text"}
    return {"kind": "json"}
