"""The users' words: Vietnamese labels for terms, rules and reasons.

The solver speaks Vietnamese, like the rest of the product (the English catalog of the
web app translates the page around it). Every message a plan carries is built here.
"""

from __future__ import annotations

from .model import Rules

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

ATTRIBUTE_LABELS = {"female": "nữ", "minority": "người dân tộc thiểu số", "age": "độ tuổi"}


def rule_requirement(rule: str, rules: Rules) -> str:
    """What a post 'needs' of a cadre, for 'Vị trí X cần cán bộ ...'."""
    return {
        "pool": "có trong danh sách quy hoạch",
        "precheck": "đạt các kiểm tra quy hoạch",
        "rating": (f"được xếp loại từ {RATING_LABELS.get(rules.rating_threshold, rules.rating_threshold)} "
                   f"trở lên trong {rules.rating_years} năm gần nhất"),
        "service": f"còn ≥ {rules.min_service_months} tháng công tác",
        "rank": "giữ chức vụ tương đương (cao hơn một bậc chỉ với cán bộ nổi trội)",
        "non_local": "không là người địa phương",
        "qualification": "đủ tiêu chuẩn trình độ của vị trí",
        "discipline": "không còn trong thời hạn kỷ luật",
        "tenure": f"đã giữ chức vụ hiện tại ≥ {rules.min_tenure_months} tháng",
        "head_terms": f"chưa làm người đứng đầu {rules.head_term_limit} nhiệm kỳ liên tiếp tại đơn vị",
        "forbidden": "không thuộc các điều động bị loại trừ",
        "pinned": "không vướng các bố trí đã cố định",
    }.get(rule, rule)


def rule_title(rule: str) -> str:
    """A short name of a rule, for lists."""
    return {
        "pool": "quy hoạch (R1)",
        "precheck": "kiểm tra quy hoạch",
        "rating": "xếp loại (P8, R9)",
        "service": "thời gian công tác còn lại (R7)",
        "rank": "chức vụ tương đương (R6)",
        "non_local": "không là người địa phương (R4)",
        "qualification": "tiêu chuẩn trình độ",
        "discipline": "thời hạn kỷ luật (P13)",
        "tenure": "thời gian giữ chức vụ tối thiểu (R8)",
        "head_terms": "hai nhiệm kỳ người đứng đầu (R5)",
        "forbidden": "điều động bị loại trừ",
        "pinned": "bố trí cố định",
        "must_fill": "vị trí phải có người",
        "leave": "giới hạn số người rời đơn vị",
        "arrive": "giới hạn số người đến đơn vị",
        "family": "quan hệ gia đình (QĐ 114)",
        "target": "cơ cấu bắt buộc",
    }.get(rule, rule)


def join_vi(items: list[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " và " + items[-1]
