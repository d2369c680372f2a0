"""How a header as the offices write it is matched to a column's key: the other names
they give the columns, matched after folding."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from quyhoach.domain.text import fold


class Sheet(Protocol):
    """What matching reads of a list's format (`tabular.Sheet`)."""

    kind: str
    columns: tuple[Any, ...]
    ignored_headers: tuple[str, ...]


# Other names the offices give the columns, beside each column's own header and key.
# Matched after folding (case, diacritics, spaces and punctuation do not count).
HEADER_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "*": {
        "cadre_code": ("Mã CB", "Mã số cán bộ", "Mã cán bộ, công chức", "Số hiệu cán bộ"),
        "full_name": ("Họ tên", "Họ, tên", "Họ và tên khai sinh", "Họ và tên cán bộ", "Họ tên cán bộ", "Tên cán bộ"),
        "unit_code": ("Mã ĐV", "Mã cơ quan"),
        "title_code": ("Mã CD",),
    },
    "cadres": {
        "code": ("Mã CB", "Mã số cán bộ", "Mã cán bộ, công chức", "Số hiệu cán bộ", "Mã số", "Mã"),
        "full_name": ("Họ tên", "Họ, tên", "Họ và tên khai sinh", "Họ và tên cán bộ", "Họ tên cán bộ", "Tên cán bộ"),
        "birth_date": ("Ngày tháng năm sinh", "Ngày, tháng, năm sinh", "Năm sinh", "Sinh ngày", "Ngày sinh (dd/mm/yyyy)",
                       "Ngày/tháng/năm sinh"),
        "sex": ("Giới tính (Nam/Nữ)", "Giới", "Nam/Nữ", "Nam, Nữ", "Phái"),
        "ethnicity": ("DT", "Dân tộc (tên hoặc mã)"),
        "religion": ("TG",),
        "hometown": ("Quê", "Nguyên quán"),
        "birthplace": ("Nơi sinh (xã, huyện, tỉnh)",),
        "party_entry_date": ("Ngày vào đảng CSVN", "Vào Đảng", "Ngày kết nạp Đảng", "Ngày vào Đảng (dd/mm/yyyy)"),
        "party_official_date": ("Ngày chính thức vào Đảng", "Chính thức", "Ngày vào Đảng chính thức"),
        "education": ("Chuyên môn", "Trình độ chuyên môn, nghiệp vụ", "Chuyên môn nghiệp vụ", "Trình độ CMNV",
                      "Học hàm, học vị", "Trình độ chuyên môn (ngành)"),
        "theory_level": ("LLCT", "Trình độ LLCT", "Lý luận", "Trình độ lý luận chính trị"),
        "state_mgmt_level": ("QLNN", "Trình độ QLNN", "Trình độ quản lý nhà nước"),
        "foreign_language": ("NN", "Trình độ ngoại ngữ"),
        "it_level": ("TH", "Trình độ tin học"),
        "unit_code": ("Mã đơn vị", "Mã ĐV", "Mã cơ quan"),
        "position": ("Chức vụ", "Chức vụ hiện nay", "Chức vụ, đơn vị công tác", "Chức vụ, chức danh",
                     "Chức vụ hiện tại, đơn vị công tác", "Chức vụ, đơn vị công tác hiện nay"),
        "title_code": ("Mã CD",),
        "position_since": ("Ngày bổ nhiệm", "Thời gian giữ chức vụ", "Giữ chức vụ từ", "Ngày giữ chức vụ"),
        "note": ("GC",),
    },
    "evaluations": {
        "rating": ("Kết quả xếp loại", "Mức xếp loại", "Xếp loại chất lượng", "Kết quả đánh giá, xếp loại"),
        "year": ("Năm đánh giá",),
    },
}


def header_matcher(sheet: Sheet) -> Callable[[str], str | None]:
    """A function from a header as written to the column's key; "" for a column that is
    only a row number (STT); None for a header that names nothing known."""
    def plain(text: str) -> str:
        return "".join(ch for ch in fold(text) if ch.isalnum())

    names: dict[str, str] = {}
    keys = {c.key for c in sheet.columns}
    for group in ("*", sheet.kind):
        for key, synonyms in HEADER_SYNONYMS.get(group, {}).items():
            if key in keys:
                for synonym in synonyms:
                    names[plain(synonym)] = key
    for column in sheet.columns:
        names[plain(column.key)] = column.key
        names[plain(column.header)] = column.key
        for alias in getattr(column, "aliases", ()):
            names[plain(alias)] = column.key
    for ignored in (*sheet.ignored_headers, "Số thứ tự", "STT", "TT"):
        names[plain(ignored)] = ""

    def match(text: str) -> str | None:
        return names.get(plain(text)) if text else None

    return match
