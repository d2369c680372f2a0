"""Editing in place on the dossier and the unit pages: forms that save with a reason, refuse
in place with the import's messages, show in the history, and only for those who may edit."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlmodel import Session, select

from quyhoach.db.models import Cadre, Evaluation, Unit
from tests.builders import make_cadre, make_evaluation, make_title, make_unit

HX = {"HX-Request": "true"}
REASON = "Đối chiếu bản gốc hồ sơ"


@pytest.fixture
def records(session):
    province = make_unit(session, "Tỉnh ủy Lai Châu", code="LC")
    commune = make_unit(session, "Xã Bản Bo", code="BB", level="commune", parent=province, kind="locality")
    other = make_unit(session, "Xã Nậm Tăm", code="NT", level="commune", parent=province, kind="locality")
    chair = make_title(session, commune, "Chủ tịch UBND xã Bản Bo", code="BB-CT", rank=300)
    hoa = make_cadre(session, "Lò Thị Hoa", code="CB-HOA", sex="F", ethnicity="03", birth_date=dt.date(1982, 9, 2),
                     unit=commune, title=chair, birthplace="xã Bản Bo")
    wrong = make_evaluation(session, hoa, 2024, rating="fail")
    session.commit()
    return {"hoa": hoa, "wrong": wrong, "commune": commune, "other": other}


def test_the_dossier_offers_the_forms_and_its_history(client, records):
    html = client.get("/can-bo/CB-HOA").get_data(as_text=True)
    assert 'id="cap-nhat"' in html and "/can-bo/CB-HOA/sua?mau=cadre" in html
    assert f"mau=withdraw-evaluations&amp;id={records['wrong'].id}" in html
    form = client.get("/can-bo/CB-HOA/sua?mau=cadre", headers=HX).get_data(as_text=True)
    assert form.lstrip().startswith('<div id="edit-form"') and 'value="02/09/1982"' in form
    assert 'name="ly_do"' in form


def test_correcting_a_birth_date_in_place(client, records, engine):
    form = client.get("/can-bo/CB-HOA/sua?mau=cadre", headers=HX).get_data(as_text=True)
    assert 'name="birthplace" value="xã Bản Bo"' in form
    version = re.search(r'name="phien_ban" value="([^"]+)"', form).group(1)
    data = {"mau": "cadre", "full_name": "Lò Thị Hoa", "birth_date": "02/09/1983", "sex": "F", "ethnicity": "03",
            "birthplace": "xã Bản Bo", "theory_level": "none", "state_mgmt_level": "none", "ly_do": REASON,
            "phien_ban": version}
    response = client.post("/can-bo/CB-HOA/sua", data=data, headers=HX)
    assert response.status_code == 204 and response.headers["HX-Refresh"] == "true"
    # the same form sent again (a second officer who opened it at the same time): refused, nothing lost
    again = client.post("/can-bo/CB-HOA/sua", data={**data, "birth_date": "03/09/1983"}, headers=HX)
    assert again.status_code == 422 and "người khác sửa" in again.get_data(as_text=True)
    without = client.post("/can-bo/CB-HOA/sua", data={**data, "birth_date": "03/09/1983", "phien_ban": ""}, headers=HX)
    assert without.status_code == 422 and "phiên bản" in without.get_data(as_text=True)
    with Session(engine) as session:
        cadre = session.exec(select(Cadre).where(Cadre.code == "CB-HOA")).one()
        assert cadre.birth_date == dt.date(1983, 9, 2) and cadre.birthplace == "xã Bản Bo"
    history = client.get("/can-bo/CB-HOA/lich-su", headers=HX).get_data(as_text=True)
    assert "Sửa thông tin cán bộ" in history and "Ngày sinh" in history
    assert "02/09/1982 → 02/09/1983" in history and REASON in history


def test_a_bad_form_is_refused_in_place_with_the_import_message(client, records, engine):
    data = {"mau": "cadre", "full_name": "Lò Thị Hoa", "birth_date": "31/02/1983", "sex": "F", "ethnicity": "03",
            "ly_do": "x"}
    response = client.post("/can-bo/CB-HOA/sua", data=data, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="edit-form"' in html and "Chưa lưu" in html
    assert 'value="31/02/1983"' in html   # what was typed is kept
    with Session(engine) as session:
        assert session.exec(select(Cadre.birth_date).where(Cadre.code == "CB-HOA")).one() == dt.date(1982, 9, 2)


def test_withdrawing_a_wrong_evaluation_keeps_it_in_the_history(client, records, engine):
    wrong = records["wrong"]
    refused = client.post("/can-bo/CB-HOA/sua", data={"mau": "withdraw-evaluations", "id": wrong.id, "ly_do": ""},
                          headers=HX)
    assert refused.status_code == 422
    done = client.post("/can-bo/CB-HOA/sua", data={"mau": "withdraw-evaluations", "id": wrong.id,
                                                   "ly_do": "Nhập nhầm của cán bộ khác"}, headers=HX)
    assert done.status_code == 204
    with Session(engine) as session:
        assert session.get(Evaluation, wrong.id) is None      # every reader leaves it out...
        kept = session.get(Evaluation, wrong.id, execution_options={"include_withdrawn": True})
        assert kept.withdrawn_at is not None                  # ...but it is kept, not deleted
    page = client.get("/can-bo/CB-HOA").get_data(as_text=True)
    assert "KHTNV" not in page.split('id="danh-gia"')[1].split("</section>")[0]
    history = client.get("/can-bo/CB-HOA/lich-su", headers=HX).get_data(as_text=True)
    assert "Rút kết quả đánh giá ghi sai" in history and "Bản ghi đã rút" in history


def test_appointing_through_the_form(client, records, engine):
    make_title_data = {"mau": "move", "unit_code": "NT", "position": "Phó Chủ tịch UBND xã Nậm Tăm",
                       "start_date": "01/02/2026", "kind": "transfer", "decision_no": "45-QĐ/TU",
                       "ly_do": "Điều động theo quyết định"}
    assert client.post("/can-bo/CB-HOA/sua", data=make_title_data, headers=HX).status_code == 204
    page = client.get("/can-bo/CB-HOA").get_data(as_text=True)
    assert "Phó Chủ tịch UBND xã Nậm Tăm" in page and "31/01/2026" in page


def test_the_move_form_offers_the_kinds_of_move_and_says_the_rule(client, records):
    form = client.get("/can-bo/CB-HOA/sua?mau=move", headers=HX).get_data(as_text=True)
    kinds = form.split('name="kind"', 1)[1].split("</select>", 1)[0]
    assert "Luân chuyển" in kinds and "Điều động" in kinds and "Biệt phái" in kinds and "Bổ nhiệm" not in kinds
    assert "ít nhất 36 tháng" in form and "không quá 36 tháng" in form
    appoint = client.get("/can-bo/CB-HOA/sua?mau=appoint", headers=HX).get_data(as_text=True)
    assert "Bổ nhiệm" in appoint.split('name="kind"', 1)[1].split("</select>", 1)[0]


def test_a_short_rotation_is_refused_in_place_and_a_valid_one_is_in_the_history(client, records):
    data = {"mau": "move", "unit_code": "NT", "position": "Phó Chủ tịch UBND xã Nậm Tăm", "start_date": "01/02/2026",
            "kind": "rotation", "planned_end": "01/02/2028", "decision_no": "45-QĐ/TU", "ly_do": "Luân chuyển cán bộ"}
    refused = client.post("/can-bo/CB-HOA/sua", data=data, headers=HX)
    assert refused.status_code == 422
    assert "01/02/2029" in refused.get_data(as_text=True)
    assert client.post("/can-bo/CB-HOA/sua", data={**data, "planned_end": ""}, headers=HX).status_code == 204
    history = client.get("/can-bo/CB-HOA/lich-su").get_data(as_text=True)
    # the communes here are not marked as localities: both lie in the province, between agencies (R3)
    assert "Luân chuyển" in history and "01/02/2029" in history and "Giữa các cơ quan" in history


def test_a_unit_is_renamed_and_merged_in_place(client, records, engine):
    page = client.get("/to-chuc/BB").get_data(as_text=True)
    assert 'id="unit-edit"' in page
    renamed = client.post("/to-chuc/NT/sua", data={"mau": "rename", "name": "Xã Nậm Tăm (mới)",
                                                   "ly_do": "Đổi tên theo nghị quyết"}, headers=HX)
    assert renamed.status_code == 204
    refused = client.post("/to-chuc/BB/sua", data={"mau": "merge", "into": "NT", "on": "01/07/2025",
                                                   "ly_do": "Sắp xếp đơn vị hành chính"}, headers=HX)
    assert refused.status_code == 422 and "cần ghi số quyết định" in refused.get_data(as_text=True)
    form = {"mau": "merge", "into": "NT", "on": "01/07/2025", "decision_no": "1656/NQ-UBTVQH15",
            "ly_do": "Sắp xếp đơn vị hành chính"}
    # first the preview: who moves, which titles go, nothing written yet
    preview = client.post("/to-chuc/BB/sua", data=form, headers=HX)
    shown = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Xem trước" in shown and 'name="xac_nhan"' in shown
    assert "Lò Thị Hoa (CB-HOA)" in shown and "Chủ tịch UBND xã Bản Bo" in shown and "01/07/2025" in shown
    with Session(engine) as session:
        assert session.exec(select(Unit.active).where(Unit.code == "BB")).one() is True
    merged = client.post("/to-chuc/BB/sua", data={**form, "xac_nhan": "1"}, headers=HX)
    assert merged.status_code == 204
    with Session(engine) as session:
        assert session.exec(select(Unit.active).where(Unit.code == "BB")).one() is False
    # the chair's own history says her post moved, in words
    history = client.get("/can-bo/CB-HOA/lich-su", headers=HX).get_data(as_text=True)
    assert "Chuyển chức vụ theo sắp xếp tổ chức" in history and "Sắp xếp đơn vị hành chính" in history


def _secure(app):
    app.config.update(LOGIN_DISABLED=False)
    return app


@pytest.mark.parametrize("role", ["viewer", "standing_committee"])
def test_readers_see_no_edit_controls_and_cannot_save(app, records, session, role):
    from quyhoach.services.platform import auth as auth_service

    auth_service.create_user(session, username="nguoidoc", full_name="Người đọc", password="doc-ho-so-2026", role=role)
    session.commit()
    client = _secure(app).test_client()
    assert client.post("/dang-nhap", data={"username": "nguoidoc", "password": "doc-ho-so-2026"}).status_code == 302
    page = client.get("/can-bo/CB-HOA").get_data(as_text=True)
    assert "/can-bo/CB-HOA/sua" not in page and "lich-su" in page
    assert "/to-chuc/BB/sua" not in client.get("/to-chuc/BB").get_data(as_text=True)
    assert client.get("/can-bo/CB-HOA/sua?mau=cadre", headers=HX).status_code == 403
    assert client.post("/can-bo/CB-HOA/sua", data={"mau": "cadre"}, headers=HX).status_code == 403
