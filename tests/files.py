"""Build spreadsheet files in memory for import tests."""

from __future__ import annotations

import csv
import io
from typing import Any
from collections.abc import Sequence


def csv_bytes(rows: Sequence[Sequence[Any]], *, delimiter: str = ",", bom: bool = True) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


UNITS = [
    ["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Cấp", "Loại", "Là địa bàn"],
    ["TINH", "Tỉnh ủy Mường Thanh", "", "Tỉnh", "Cấp ủy", "Có"],
    ["SO-NV", "Sở Nội vụ", "TINH", "tỉnh", "Sở, ban, ngành", "Không"],
    ["HUYEN-A", "Huyện A (cũ)", "TINH", "huyện", "Địa phương", "Có"],
    ["XA-B", "Xã B", "HUYEN-A", "xã", "Địa phương", "Có"],
]
TITLES = [
    ["Mã chức danh", "Mã đơn vị", "Tên chức danh", "Thứ bậc", "Số lượng", "Người đứng đầu", "Cấp phó",
     "Không là người địa phương", "Ngành (QĐ 114)"],
    ["SO-NV-GD", "SO-NV", "Giám đốc Sở Nội vụ", 60, 1, "Có", "Không", "Không", "Nội vụ"],
    ["SO-NV-PGD", "SO-NV", "Phó Giám đốc Sở Nội vụ", 55, 3, "Không", "Có", "Không", ""],
]
CADRES_HEADER = ["STT", "Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Quê quán",
                 "Mã đơn vị quê quán", "Ngày vào Đảng", "Lý luận chính trị", "Quản lý nhà nước",
                 "Mã đơn vị công tác", "Chức vụ hiện tại", "Mã chức danh", "Giữ chức vụ từ ngày"]
CADRES = [
    CADRES_HEADER,
    [1, "CB001", "Lò Thị Hoa", "07/03/1978", "Nữ", "Thái", "xã B", "XA-B", "12/05/2001", "Cao cấp",
     "Chuyên viên chính", "SO-NV", "", "SO-NV-GD", "01/10/2021"],
    [2, "CB002", "Nguyễn Văn An", "15/08/1982", "Nam", "Kinh", "", "", "03/02/2005", "Trung cấp",
     "Chuyên viên", "SO-NV", "", "SO-NV-PGD", "01/06/2022"],
    [3, "CB003", "Giàng Seo Páo", "01/01/1990", "Nam", "Hmông", "xã B", "XA-B", "", "Sơ cấp",
     "", "XA-B", "Công chức văn phòng", "", "01/01/2020"],
]
EVALUATIONS_HEADER = ["Mã cán bộ", "Họ và tên", "Kỳ đánh giá", "Năm", "Quý/Tháng", "Xếp loại", "Điểm"]
