"""Form 2C in its official layout (reports.dossier_2c): what the app did not keep is now on
the cadre (0014, 0015), edited in the dossier's form like the other fields and imported as
columns; the paper, opened in its own library, carries the bodies, the photo box, items 1)–26),
the training and career tables, the family in its two parts, the salary history, the
declarant's and the managing body's assessments, the pledge and both signatures, and the
evaluation timeline as its attachment — and no code of the app."""

from __future__ import annotations

import io

import pytest
from docx import Document
from sqlmodel import Session, select

from quyhoach import reports
from quyhoach.db.models import Cadre
from quyhoach.services.planning import world as world_service
from quyhoach.services.records import editing
from quyhoach.services.records.tabular import DOSSIER_2C_FIELDS, SHEETS
from tests.reports.test_documents import TEXT_OF, _flat, internal_codes
from tests.reports.test_procedure import printed_inside, printed_texts

HX = {"HX-Request": "true"}
FAMILY = ("Cha | Lò Văn Pọm | 1950 | Nông dân, bản Na Sang, xã Mường Phăng\n"
          "Vợ | Quàng Thị Hoa | 1980 | Giáo viên Trường Tiểu học Mường Phăng")
TRAINING = ("Học viện Chính trị quốc gia Hồ Chí Minh | Lý luận chính trị | 09/2015 – 06/2016 | Tập trung | "
            "Cao cấp lý luận chính trị")


def _first_cadre(session) -> Cadre:
    return session.exec(select(Cadre).order_by(Cadre.id)).first()


def _form(cadre: Cadre, **change) -> dict:
    """The cadre form as the dossier fills it, with the 2C fields changed."""
    form = {"mau": "cadre", "phien_ban": editing.version_of(cadre),
            "full_name": cadre.full_name, "birth_date": cadre.birth_date.strftime("%d/%m/%Y"),
            "sex": cadre.sex, "ethnicity": cadre.ethnicity_code, "hometown": cadre.hometown or "",
            "birthplace": cadre.birthplace or "", "education": cadre.education or "",
            "party_entry_date": cadre.party_entry_date.strftime("%d/%m/%Y") if cadre.party_entry_date else "",
            "party_official_date": cadre.party_official_date.strftime("%d/%m/%Y") if cadre.party_official_date else "",
            "theory_level": cadre.theory_level, "state_mgmt_level": cadre.state_mgmt_level,
            "foreign_language": cadre.foreign_language or "", "it_level": cadre.it_level or "",
            "ly_do": "Bổ sung sơ yếu lý lịch theo bản khai"}
    form.update(change)
    return form


def test_the_rest_of_2c_is_a_column_of_the_import_and_a_field_of_the_form(session, small, client):
    headers = {c.key: c.header for c in SHEETS["cadres"].columns}
    assert {"family", "training", "assessment", "id_number", "salary_coefficient", "residence"} <= set(DOSSIER_2C_FIELDS)
    assert headers["family"] == "Quan hệ gia đình" and headers["recruited_on"] == "Ngày được tuyển dụng"
    cadre = _first_cadre(session)
    form = client.get(f"/can-bo/{cadre.code}/sua?mau=cadre", headers=HX).get_data(as_text=True)
    assert '<textarea name="family"' in form and 'name="civil_grade"' in form and 'name="recruited_on"' in form
    for key in ("spouse_family", "salary_history", "self_assessment"):     # form 2C's lists: one entry a line
        assert f'<textarea name="{key}"' in form, key


def test_the_form_is_filled_in_the_dossier_and_printed_in_the_official_layout(session, small, app, client, engine):
    cadre = _first_cadre(session)
    answer = client.post(f"/can-bo/{cadre.code}/sua", headers=HX, data=_form(
        cadre, family=FAMILY, training=TRAINING, residence="Tổ 5, phường Mường Thanh", civil_grade="Chuyên viên chính",
        salary_step="3", salary_coefficient="4,98", recruited_on="01/09/2000", recruited_by="UBND huyện Mường Ảng",
        id_number="011080000123", assessment="Có phẩm chất chính trị vững vàng, hoàn thành tốt nhiệm vụ."))
    assert answer.status_code == 204, answer.get_data(as_text=True)
    with Session(engine) as fresh:
        stored = fresh.get(Cadre, cadre.id)
        assert stored.family == FAMILY and stored.salary_coefficient == pytest.approx(4.98)
        world_service.clear_cache()
        built = reports.build(fresh, world_service.build(fresh), app, "dossier", {"cadre": cadre.code}, ["docx", "pdf"])
        assert not built.errors
        for fmt, data in built.files.items():
            text = TEXT_OF[fmt](data)
            for words in ("Mẫu 2C-TCTW-98", "Cơ quan, đơn vị có thẩm quyền quản lý CBCC: Ban Thường vụ Tỉnh ủy",
                          "Ảnh màu", "(4 × 6 cm)", "SƠ YẾU LÝ LỊCH CÁN BỘ, CÔNG CHỨC",
                          f"1) Họ và tên khai sinh (viết chữ in hoa): {cadre.full_name.upper()}",
                          "8) Nơi ở hiện nay: Tổ 5, phường Mường Thanh",
                          "11) Ngày được tuyển dụng: 01/09/2000, vào cơ quan: UBND huyện Mường Ảng",
                          "Ngạch Chuyên viên chính, bậc 3, hệ số 4,98", "25) Số căn cước công dân: 011080000123",
                          "Lò Văn Pọm", "Quàng Thị Hoa", "Giáo viên Trường Tiểu học Mường Phăng", "Cao cấp lý luận chính trị",
                          "28) TÓM TẮT QUÁ TRÌNH CÔNG TÁC", "Có phẩm chất chính trị vững vàng", "Người khai",
                          "Tôi xin cam đoan những lời khai trên đây là đúng sự thật",
                          "Thủ trưởng cơ quan, đơn vị quản lý", "(Ký tên, đóng dấu)",
                          "PHỤ LỤC: QUÁ TRÌNH ĐÁNH GIÁ, XẾP LOẠI", f"Kèm theo sơ yếu lý lịch của đồng chí {cadre.full_name}"):
                assert _flat(words) in text, (fmt, words)
            assert cadre.code not in text, fmt             # the app's code is not the cadre's official number
            assert internal_codes(fresh, text) == [], fmt
        doc = Document(io.BytesIO(built.files["docx"]))
        family = next(t for t in doc.tables if t.rows[0].cells[0].text == "Mối quan hệ")
        assert [c.text for c in family.rows[1].cells][:3] == ["Cha", "Lò Văn Pọm", "1950"]
        photo = next(c for t in doc.tables for c in t.rows[0].cells if c.text.startswith("Ảnh màu"))
        assert "w:tcBorders" in photo._tc.xml and 'w:val="single"' in photo._tc.xml


def test_what_the_app_does_not_know_is_left_to_fill_in(session, small, app):
    cadre = _first_cadre(session)
    built = reports.build(session, small, app, "dossier", {"cadre": cadre.code}, ["docx"])
    text = TEXT_OF["docx"](built.files["docx"])
    assert "9) Thành phần gia đình xuất thân: …………" in text and "26) Số sổ bảo hiểm xã hội: …………" in text
    doc = Document(io.BytesIO(built.files["docx"]))
    family = next(t for t in doc.tables if t.rows[0].cells[0].text == "Mối quan hệ")
    assert len(family.rows) == 3           # the header and two empty rows to write in




# A cadre with every field of form 2C given, the family lists long (issue 13: the form complete).
SPOUSE_FAMILY = ("Bố vợ | Quàng Văn Chiến | 1948 | Nghỉ hưu, bản Phăng, xã Mường Phăng\n"
                 "Mẹ vợ | Lò Thị Un | 1952 | Làm ruộng, bản Phăng, xã Mường Phăng\n"
                 "Em vợ | Quàng Văn Hưng | 1985 | Bộ đội, Bộ Chỉ huy quân sự tỉnh")
SALARY = "\n".join(f"01/{2000 + 3 * i} | Chuyên viên, bậc {i + 1} | {2.34 + 0.33 * i:.2f}" for i in range(8))
SELF = "Có lập trường chính trị vững vàng; còn hạn chế về ngoại ngữ, sẽ tiếp tục học tập."
LONG_FAMILY = "\n".join([FAMILY.split("\n")[0], "Mẹ | Lò Thị Ún | 1955 | Làm ruộng, bản Na Sang"]
                        + [f"Con | Lò Văn Con Thứ {i} | {2005 + i} | Học sinh Trường Phổ thông dân tộc nội trú tỉnh"
                           for i in range(1, 5)]
                        + [f"Anh ruột | Lò Văn Anh Số {i} | {1970 + i} | Nông dân, bản Na Sang, xã Mường Phăng, "
                           "huyện Điện Biên; đảng viên, trưởng bản, tham gia công tác mặt trận ở khu dân cư"
                           for i in range(1, 9)])
FULL_2C = {
    "residence": "Tổ 5, phường Mường Thanh", "phone": "0912 345 678", "family_origin": "Nông dân",
    "prior_occupation": "Học sinh", "recruited_on": "01/09/2000", "recruited_by": "UBND huyện Mường Ảng",
    "current_agency_since": "01/10/2021", "mass_orgs": "Đoàn TNCS Hồ Chí Minh, 26/03/1994", "military": "Không",
    "general_education": "12/12", "academic_title": "Thạc sĩ", "civil_grade": "Chuyên viên chính",
    "salary_step": "3", "salary_coefficient": "4,98", "salary_since": "01/01/2024", "honorary_titles": "Không",
    "strengths": "Công tác tổ chức, cán bộ", "awards": "2020 | Bằng khen | Chủ tịch UBND tỉnh",
    "health": "Tốt; cao 1,65 m; nặng 60 kg; nhóm máu O", "war_status": "Không", "id_number": "011080000123",
    "id_issued_on": "10/05/2021", "insurance_no": "6203001234", "training": TRAINING,
    "personal_history": "Không bị bắt, không bị tù; không làm việc cho chế độ cũ.", "family": FAMILY,
    "spouse_family": SPOUSE_FAMILY, "salary_history": SALARY, "family_economy": "Lương và phụ cấp; nhà ở tự xây 80 m².",
    "self_assessment": SELF, "assessment": "Có phẩm chất chính trị vững vàng, hoàn thành tốt nhiệm vụ.",
}


def _saved(client, engine, cadre: Cadre, **fields) -> Cadre:
    answer = client.post(f"/can-bo/{cadre.code}/sua", headers=HX, data=_form(cadre, **fields))
    assert answer.status_code == 204, answer.get_data(as_text=True)
    with Session(engine) as fresh:
        return fresh.get(Cadre, cadre.id)


def test_the_salary_history_lies_across_the_page_in_bands_that_keep_room_to_write():
    from quyhoach.reports.dossier_2c import salary_bands

    bands = salary_bands(SALARY)
    assert len(bands) == 2                                   # 8 raises: 6 on the first band, 2 on the second
    assert bands[0].headers[:3] == ["Tháng, năm", "01/2000", "01/2003"]
    assert bands[0].rows[0][1] == "Chuyên viên, bậc 1" and bands[0].rows[1][1] == "2,34"
    assert bands[1].headers[1:] == ["01/2018", "01/2021", "", "", "", ""]      # the rest left to write in
    assert all(abs(sum(b.widths) - 16.5) < 0.01 for b in bands)
    empty = salary_bands(None)
    assert len(empty) == 1 and empty[0].headers[1:] == [""] * 6


def test_a_full_2c_prints_both_families_the_salary_and_the_self_assessment_whole(session, small, app, client, engine):
    cadre = _first_cadre(session)
    stored = _saved(client, engine, cadre, **{**FULL_2C, "family": LONG_FAMILY})
    assert stored.spouse_family == SPOUSE_FAMILY and stored.salary_history == SALARY and stored.self_assessment == SELF
    with Session(engine) as fresh:
        world_service.clear_cache()
        built = reports.build(fresh, world_service.build(fresh), app, "dossier", {"cadre": cadre.code}, ["docx", "pdf"])
        assert not built.errors
        for fmt, data in built.files.items():
            text = TEXT_OF[fmt](data)
            for words in ("30) QUAN HỆ GIA ĐÌNH", "a) Về bản thân: cha, mẹ, vợ (hoặc chồng), các con, anh chị em ruột",
                          "b) Về bên vợ (hoặc chồng): cha, mẹ, anh chị em ruột", "Quàng Văn Chiến",
                          "Bộ đội, Bộ Chỉ huy quân sự tỉnh", "31) HOÀN CẢNH KINH TẾ GIA ĐÌNH", "Quá trình lương của bản thân",
                          "Chuyên viên, bậc 8", "4,65", "TỰ NHẬN XÉT", SELF, "Lò Văn Anh Số 8", "Lò Văn Con Thứ 4",
                          "tham gia công tác mặt trận ở khu dân cư", "Nhận xét, đánh giá".upper()):
                assert _flat(words) in text, (fmt, words)
            # the parts in the form's order: own family, the spouse's, the salary, the self-assessment, 32)
            order = [text.index(_flat(w)) for w in ("a) Về bản thân", "b) Về bên vợ", "Quá trình lương của bản thân",
                                                     "TỰ NHẬN XÉT", "32) NHẬN XÉT")]
            assert order == sorted(order), fmt
            assert cadre.code not in text and internal_codes(fresh, text) == [], fmt
        doc = Document(io.BytesIO(built.files["docx"]))
        own, spouse = [t for t in doc.tables if t.rows[0].cells[0].text == "Mối quan hệ"]
        assert len(own.rows) == 1 + len(LONG_FAMILY.splitlines())          # every member, none dropped
        assert [c.text for c in spouse.rows[1].cells][:3] == ["Bố vợ", "Quàng Văn Chiến", "1948"]
        assert "Quàng Văn Chiến" not in "".join(c.text for row in own.rows for c in row.cells)
        salary = [t for t in doc.tables if t.rows[0].cells[0].text == "Tháng, năm"]
        assert [len(t.columns) for t in salary] == [7, 7]
        assert [c.text for c in salary[1].rows[1].cells][:3] == ["Ngạch, bậc", "Chuyên viên, bậc 7", "Chuyên viên, bậc 8"]


def test_the_form_saves_only_the_fields_it_was_given(session, small, client, engine):
    cadre = _first_cadre(session)
    _saved(client, engine, cadre, family=FAMILY, assessment="Hoàn thành tốt nhiệm vụ.")
    with Session(engine) as fresh:
        cadre = fresh.get(Cadre, cadre.id)
    # A form that carries the salary only (a command, a form of one part): the rest stays as stored.
    answer = client.post(f"/can-bo/{cadre.code}/sua", headers=HX, data={
        "mau": "cadre", "phien_ban": editing.version_of(cadre), "salary_history": SALARY,
        "ly_do": "Bổ sung quá trình lương theo quyết định nâng lương"})
    assert answer.status_code == 204, answer.get_data(as_text=True)
    with Session(engine) as fresh:
        stored = fresh.get(Cadre, cadre.id)
        assert stored.salary_history == SALARY and stored.family == FAMILY and stored.assessment == "Hoàn thành tốt nhiệm vụ."
        kept = ("full_name", "birth_date", "ethnicity_code", "hometown_unit_id", "theory_level", "party_entry_date")
        assert [getattr(stored, k) for k in kept] == [getattr(cadre, k) for k in kept]
    # A field given empty is cleared.
    answer = client.post(f"/can-bo/{cadre.code}/sua", headers=HX, data={
        "mau": "cadre", "phien_ban": editing.version_of(stored), "assessment": "", "ly_do": "Nhận xét sẽ ghi lại sau"})
    assert answer.status_code == 204, answer.get_data(as_text=True)
    with Session(engine) as fresh:
        stored = fresh.get(Cadre, cadre.id)
        assert stored.assessment is None and stored.salary_history == SALARY and stored.family == FAMILY


def test_the_new_2c_lists_go_through_the_import_and_come_back_in_the_export(client):
    from openpyxl import load_workbook

    from tests.files import CADRES, TITLES, UNITS
    from tests.web.test_imports import import_all, upload

    headers = {c.key: c.header for c in SHEETS["cadres"].columns}
    new = ("spouse_family", "salary_history", "self_assessment")
    assert [headers[k] for k in new] == ["Quan hệ gia đình bên vợ (chồng)", "Quá trình lương", "Tự nhận xét"]
    for kind, rows in (("units", UNITS), ("titles", TITLES)):
        import_all(client, kind, rows)
    cadres = [CADRES[0] + [headers[k] for k in new], CADRES[1] + [SPOUSE_FAMILY, SALARY, SELF], *CADRES[2:]]
    cadres[2] = cadres[2] + ["", "", ""]
    cadres[3] = cadres[3] + ["", "", ""]
    import_all(client, "cadres", cadres, "can-bo.xlsx")
    exported = client.get("/nhap-du-lieu/xuat/cadres.xlsx").data
    sheet = load_workbook(io.BytesIO(exported)).active
    rows = list(sheet.iter_rows(values_only=True))
    at = {h: i for i, h in enumerate(rows[0])}
    hoa = next(r for r in rows if r[at["Mã cán bộ"]] == "CB001")
    assert [hoa[at[headers[k]]] for k in new] == [SPOUSE_FAMILY, SALARY, SELF]     # one entry a line, whole
    # Read back, the export changes nothing.
    assert "3 dòng hợp lệ: sẽ thêm 0, cập nhật 0" in upload(client, "cadres", exported, "xuat.xlsx").get_data(as_text=True)
    assert "Quàng Văn Chiến" in client.get("/nhap-du-lieu/xuat/cadres.csv").get_data(as_text=True)


@pytest.mark.slow
@pytest.mark.parametrize("filled", ["empty", "full"])
def test_every_page_of_the_2c_prints_inside_the_page(session, small, app, client, engine, tmp_path, filled):
    """Printed (the DOCX through LibreOffice): nothing crosses the printable area, the
    signatures are on the page of the managing body's assessment, the attachment starts a page."""
    cadre = _first_cadre(session)
    if filled == "full":
        _saved(client, engine, cadre, **{**FULL_2C, "family": LONG_FAMILY, "spouse_family": LONG_FAMILY})
    with Session(engine) as fresh:
        world_service.clear_cache()
        built = reports.build(fresh, world_service.build(fresh), app, "dossier", {"cadre": cadre.code}, ["docx", "pdf"])
    for fmt, data in built.files.items():
        pages = printed_inside(tmp_path, f"2c-{fmt}", fmt, data)
        assert pages >= (5 if filled == "full" else 3), fmt             # the form, its tables, the attachment
        texts = [_flat(text) for text in printed_texts(tmp_path / f"2c-{fmt}.pdf")]
        signed = next(i for i, t in enumerate(texts) if "Người khai" in t)
        assert "32) NHẬN XÉT" in texts[signed] and "(Ký tên, đóng dấu)" in texts[signed], (fmt, texts[signed])
        assert texts[signed + 1].startswith("PHỤ LỤC: QUÁ TRÌNH ĐÁNH GIÁ"), fmt
        if filled == "full":
            assert sum(t.count("Lò Văn Anh Số 8") for t in texts) == 2, fmt    # both family lists printed whole
