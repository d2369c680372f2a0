"""What a form wrote, read back as an officer reads it: the audit page says a merger's and a
post's fields in words (no field codes, no numbers where a unit or title is meant), and the
dossier's history and the audit page page through long histories."""

from __future__ import annotations

import datetime as dt
import re

from quyhoach.services.records import editing
from tests.builders import make_cadre, make_title, make_unit

HX = {"HX-Request": "true"}
CODES = ("posts_moved", "sub_units", "unit_id", "title_id", "closed_id", "start_date", "end_date", "into:", "on:")


def _merged(session):
    province = make_unit(session, "Tỉnh ủy Lai Châu", code="LC")
    commune = make_unit(session, "Xã Bản Bo", code="BB", level="commune", parent=province, kind="locality")
    make_unit(session, "Xã Nậm Tăm", code="NT", level="commune", parent=province, kind="locality")
    chair = make_title(session, commune, "Chủ tịch UBND xã Bản Bo", code="BB-CT", rank=300)
    hoa = make_cadre(session, "Lò Thị Hoa", code="CB-HOA", unit=commune, title=chair, since=dt.date(2021, 6, 1))
    session.commit()
    editing.merge_unit(session, "BB", {"into": "NT", "on": "01/07/2025", "decision_no": "1656/NQ-UBTVQH15"},
                       reason="Sắp xếp đơn vị hành chính cấp xã 2025")
    session.commit()
    return hoa


def _cells(page: str) -> str:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_a_merger_and_the_posts_it_moved_read_in_words_on_the_audit_page(client, session):
    _merged(session)
    merger = _cells(client.get("/quan-tri/nhat-ky?thao_tac=unit.merge").get_data(as_text=True))
    assert "Sáp nhập đơn vị" in merger and "Hợp nhất vào: NT" in merger and "Ngày có hiệu lực: 01/07/2025" in merger
    assert "Số chức vụ chuyển theo: 1" in merger and "Các chức danh: BB-CT" in merger
    moved = _cells(client.get("/quan-tri/nhat-ky?thao_tac=posting.transfer").get_data(as_text=True))
    assert "Chuyển chức vụ theo sắp xếp tổ chức" in moved and "Đơn vị: Xã Bản Bo → Xã Nậm Tăm" in moved
    assert "Chức danh: Chủ tịch UBND xã Bản Bo" in moved and "Từ ngày: 01/07/2025" in moved
    for page in (merger, moved):
        assert not [code for code in CODES if code in page], page


def test_the_dossiers_history_pages_through_its_changes(client, session):
    _merged(session)
    for n in range(55):   # 55 corrections of the note, one entry each, after the merger's
        form = client.get("/can-bo/CB-HOA/sua?mau=cadre", headers=HX).get_data(as_text=True)
        fields = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', form))
        saved = client.post("/can-bo/CB-HOA/sua", headers=HX, data={
            **fields, "mau": "cadre", "note": f"Ghi chú lần {n}", "sex": "M", "theory_level": "none",
            "state_mgmt_level": "none", "ly_do": "Bổ sung ghi chú hồ sơ"})
        assert saved.status_code == 204, saved.get_data(as_text=True)[-300:]
    total = len(editing.history(session, "CB-HOA", limit=1000))
    assert total == 56
    first = client.get("/can-bo/CB-HOA/lich-su", headers=HX).get_data(as_text=True)
    assert first.count("<tr>") - 1 == 50 and "Trang 1/2, 56 thay đổi" in first and "trang=2" in first
    assert "Ghi chú lần 54" in first and "Ghi chú lần 4<" not in first
    second = client.get("/can-bo/CB-HOA/lich-su?trang=2", headers=HX).get_data(as_text=True)
    assert second.count("<tr>") - 1 == 6 and "trang=1" in second
    # the oldest entry, the post moved by the merger, is on the last page
    assert "Chuyển chức vụ theo sắp xếp tổ chức" in second and "Chuyển chức vụ theo sắp xếp tổ chức" not in first
