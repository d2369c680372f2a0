"""Form 2C in its official layout (reports.dossier_2c): what the app did not keep is now on
the cadre (0012), edited in the dossier's form like the other fields and imported as columns;
the paper, opened in its own library, carries the bodies, the photo box, items 1)–26), the
training, career and family tables, the assessment, the pledge and both signatures, and the
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
from tests.reports.test_procedure import printed_inside

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


@pytest.mark.slow
def test_every_page_of_the_2c_prints_inside_the_page(session, small, app, tmp_path):
    built = reports.build(session, small, app, "dossier", {"cadre": _first_cadre(session).code}, ["docx", "pdf"])
    for fmt, data in built.files.items():
        assert printed_inside(tmp_path, f"2c-{fmt}", fmt, data) >= 3, fmt     # the form, its tables, the attachment
