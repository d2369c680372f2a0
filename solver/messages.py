"""The users' words: Vietnamese labels for terms, rules and reasons.

The solver speaks Vietnamese, like the rest of the product. Every message a plan carries is
built here or from a `Said`: Vietnamese text (a `str`, so the plan reads as before) that keeps
its msgid (marked with `N_` for the web's English catalogue) and its arguments, so the web can
say it in the reader's language. It is the twin of `quyhoach.domain.phrase.Phrase` (the solver
imports no quyhoach) with the same JSON form; `plan_to_dict` stores every Said of a plan in the
plan's `words` ({Vietnamese text: {"t": msgid, "a": args}}), and the web renders a plan's text
through that book (`say`), an old plan without it as written.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .model import Rules


def N_(message: str) -> str:  # noqa: N802 - gettext marker convention
    return message


class Said(str):
    """Vietnamese text with its msgid and arguments (str, int or Said)."""

    template: str
    args: dict[str, Any]

    def __new__(cls, template: str, /, **args: Any) -> Said:
        said = str.__new__(cls, template % args if args else template)   # '%s' writes a str, an int, a Said as is
        said.__dict__.update(template=template, args=args)
        return said

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"t": self.template}
        if self.args:
            data["a"] = {k: v.to_json() if isinstance(v, Said) else v for k, v in self.args.items()}
        return data


def listed(items: list[str], last: str = "") -> Said:
    """Items joined with ", " (and `last`, e.g. N_("%(items)s và %(last)s"), before the last one)."""
    items = [i for i in items if i]
    joined = Said(", ".join(f"%(i{n})s" for n in range(len(items))), **{f"i{n}": i for n, i in enumerate(items)})
    if not last or len(items) <= 1:
        return joined
    head = Said(", ".join(f"%(i{n})s" for n in range(len(items) - 1)),
                **{f"i{n}": i for n, i in enumerate(items[:-1])})
    return Said(last, items=head, last=items[-1])


def phrasebook(value: Any, book: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every Said inside a plan (dataclasses, lists, dicts), by its Vietnamese text."""
    book = {} if book is None else book
    if isinstance(value, Said):
        if value.args or value.template:
            book.setdefault(str(value), value.to_json())
    elif isinstance(value, str):
        pass
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            phrasebook(getattr(value, f.name), book)
    elif isinstance(value, (list, tuple)):
        for item in value:
            phrasebook(item, book)
    elif isinstance(value, dict):
        for item in value.values():
            phrasebook(item, book)
    return book


TERM_LABELS = {
    "fit": "Mức phù hợp với vị trí",
    "development": "Giá trị phát triển cán bộ",
    "structure": "Thiếu hụt cơ cấu (người)",
    "moves": "Số lượt điều động",
    "baseline": "Khác phương án đã duyệt (người)",
}

RATING_LABELS = {
    "excellent": "Hoàn thành xuất sắc nhiệm vụ",
    "good": "Hoàn thành tốt nhiệm vụ",
    "complete": "Hoàn thành nhiệm vụ",
    "fail": "Không hoàn thành nhiệm vụ",
}

STATUS_LABELS = {
    "optimal": "tối ưu",
    "feasible": "khả thi (chưa chứng minh tối ưu)",
    "infeasible": "không có phương án",
    "unknown": "chưa tìm được phương án",
    "invalid": "dữ liệu bài toán không hợp lệ",
}

KIND_LABELS = {"appointment": "bổ nhiệm", "rotation": "luân chuyển", "transfer": "điều động", "secondment": "biệt phái"}

ATTRIBUTE_LABELS = {"female": N_("nữ"), "minority": N_("người dân tộc thiểu số"), "age": N_("độ tuổi")}


def rule_requirement(rule: str, rules: Rules) -> str:
    """What a post 'needs' of a cadre, for 'Vị trí X cần cán bộ ...'."""
    if rule == "rating":
        label = RATING_LABELS.get(rules.rating_threshold, rules.rating_threshold)
        return Said(N_("được xếp loại từ %(rating)s trở lên trong %(years)s năm gần nhất"),
                    rating=Said(label) if label in RATING_LABELS.values() else label, years=rules.rating_years)
    if rule == "service":
        return Said(N_("còn ≥ %(months)s tháng công tác"), months=rules.min_service_months)
    if rule == "tenure":
        return Said(N_("đã giữ chức vụ hiện tại ≥ %(months)s tháng"), months=rules.min_tenure_months)
    if rule == "head_terms":
        return Said(N_("chưa làm người đứng đầu %(terms)s nhiệm kỳ liên tiếp tại đơn vị"), terms=rules.head_term_limit)
    words = {
        "pool": N_("có trong danh sách quy hoạch"),
        "precheck": N_("đạt các kiểm tra quy hoạch"),
        "rank": N_("giữ chức vụ tương đương (cao hơn một bậc chỉ với cán bộ nổi trội)"),
        "non_local": N_("không là người địa phương"),
        "qualification": N_("đủ tiêu chuẩn trình độ của vị trí"),
        "discipline": N_("không còn trong thời hạn kỷ luật"),
        "forbidden": N_("không thuộc các điều động bị loại trừ"),
        "pinned": N_("không vướng các bố trí đã cố định"),
    }.get(rule)
    return Said(words) if words else rule


def rule_title(rule: str) -> str:
    """A short name of a rule, for lists."""
    words = {
        "pool": N_("quy hoạch (R1)"),
        "precheck": N_("kiểm tra quy hoạch"),
        "rating": N_("xếp loại (P8, R9)"),
        "service": N_("thời gian công tác còn lại (R7)"),
        "rank": N_("chức vụ tương đương (R6)"),
        "non_local": N_("không là người địa phương (R4)"),
        "qualification": N_("tiêu chuẩn trình độ"),
        "discipline": N_("thời hạn kỷ luật (P13)"),
        "tenure": N_("thời gian giữ chức vụ tối thiểu (R8)"),
        "head_terms": N_("hai nhiệm kỳ người đứng đầu (R5)"),
        "forbidden": N_("điều động bị loại trừ"),
        "pinned": N_("bố trí cố định"),
        "must_fill": N_("vị trí phải có người"),
        "leave": N_("giới hạn số người rời đơn vị"),
        "arrive": N_("giới hạn số người đến đơn vị"),
        "family": N_("quan hệ gia đình (QĐ 114)"),
        "target": N_("cơ cấu bắt buộc"),
    }.get(rule)
    return Said(words) if words else rule


AND = N_("%(items)s và %(last)s")


def join_vi(items: list[str]) -> str:
    """'a, b và c', each item in the reader's language (a Said)."""
    return listed(items, AND)
