"""The audit page in words (issue 11): actions and values in Vietnamese, not JSON or action
codes; filters by cadre, unit, user, action and date; a dossier links to its own entries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlmodel import select

from quyhoach.db.models import AuditEntry
from quyhoach.services.platform import audit
from quyhoach.services.records import importer
from tests.files import CADRES, TITLES, UNITS, csv_bytes


def _import(session, kind, rows, name=None, actor="bantochuc"):
    token = audit.set_actor(actor)
    try:
        result = importer.run(session, kind, csv_bytes(rows), name or f"{kind}.csv")
    finally:
        audit._actor.reset(token)
    assert result.ok, [str(p) for p in result.problems]
    session.commit()
    return result


@pytest.fixture
def org(session):
    for kind, rows in (("units", UNITS), ("titles", TITLES), ("cadres", CADRES)):
        _import(session, kind, rows)
    # Hoa's birth date corrected by another officer: one field of one record.
    _import(session, "cadres", [["Mã cán bộ", "Ngày sinh"], ["CB001", "08/03/1978"]], "sua-ngay-sinh.csv",
            actor="nguyen.van.b")
    return session


def _rows(page: str) -> list[str]:
    body = page.split('<tbody>', 1)[1].split('</tbody>', 1)[0]
    return [row for row in body.split("<tr>")[1:]]


def test_entries_read_in_vietnamese_not_codes_or_json(client, org):
    page = client.get("/quan-tri/nhat-ky?can_bo=CB001").get_data(as_text=True)
    rows = _rows(page)
    # Hoa's record: created by the first import, corrected by the second.
    assert len(rows) == 2
    newest = rows[0]
    assert "Danh sách trích ngang cán bộ: cập nhật" in newest
    assert "Ngày sinh: 07/03/1978 → 08/03/1978" in newest
    assert "nguyen.van.b" in newest and "Nhập tệp «sua-ngay-sinh.csv»" in newest
    assert "Danh sách trích ngang cán bộ: thêm" in rows[1]
    # The vocabulary in words: «Cao cấp», «Nữ», «Thái», not advanced / F / codes.
    assert "Lý luận chính trị: Cao cấp" in rows[1] and "Giới tính: Nữ" in rows[1]
    table = page.split('id="audit-rows"', 1)[1]
    assert "cadres.update" not in table and "cadres.create" not in table
    assert "\\u" not in table and "{&#34;" not in table and '{"' not in table
    assert not re.search(r"\d{4}-\d{2}-\d{2}", table)  # dates dd/mm/yyyy


def test_filter_by_cadre_is_exact(client, org):
    # CB00 matches no cadre: the filter is the whole code, not a prefix.
    page = client.get("/quan-tri/nhat-ky?can_bo=CB00").get_data(as_text=True)
    assert "Chưa có mục nào" in page
    page = client.get("/quan-tri/nhat-ky?can_bo=CB002").get_data(as_text=True)
    assert len(_rows(page)) == 1 and "Nguyễn Văn An" in page and "Lò Thị Hoa" not in page


def test_filter_by_unit_takes_the_unit_and_the_cadres_working_there(client, org):
    page = client.get("/quan-tri/nhat-ky?don_vi=SO-NV").get_data(as_text=True)
    rows = _rows(page)
    # The unit itself, its two titles, CB001 (twice) and CB002 work at SO-NV; CB003 at XA-B.
    assert len(rows) == 1 + 2 + 2 + 1
    assert "CB003" not in page.split('id="audit-rows"', 1)[1]
    commune = _rows(client.get("/quan-tri/nhat-ky?don_vi=XA-B").get_data(as_text=True))
    assert len(commune) == 2 and any("CB003" in r for r in commune)


def test_filter_by_user_action_and_date(client, org):
    by_user = _rows(client.get("/quan-tri/nhat-ky?nguoi=nguyen.van.b").get_data(as_text=True))
    # The record entry and the import's summary.
    assert len(by_user) == 2
    assert "Nhập danh sách cán bộ" in by_user[0] and "Số dòng: 1" in by_user[0]
    imports = _rows(client.get("/quan-tri/nhat-ky?thao_tac=import.").get_data(as_text=True))
    assert len(imports) == 4  # units, titles, cadres, the correction
    titles = _rows(client.get("/quan-tri/nhat-ky?thao_tac=titles.").get_data(as_text=True))
    assert len(titles) == 2 and all("Danh mục chức danh: thêm" in r for r in titles)
    today = dt.date.today()
    tomorrow = today + dt.timedelta(days=1)
    none = client.get(f"/quan-tri/nhat-ky?tu_ngay={tomorrow:%d/%m/%Y}").get_data(as_text=True)
    assert "Chưa có mục nào" in none
    all_today = client.get(f"/quan-tri/nhat-ky?tu_ngay={today:%d/%m/%Y}&den_ngay={today:%d/%m/%Y}")
    assert len(_rows(all_today.get_data(as_text=True))) == org.exec(select(AuditEntry)).all().__len__()


def test_the_dossier_links_to_its_own_entries(client, org):
    page = client.get("/can-bo/CB001").get_data(as_text=True)
    assert 'id="audit-link"' in page and "/quan-tri/nhat-ky?can_bo=CB001" in page


def test_the_chain_holds_after_record_entries_in_bulk(org):
    assert audit.verify(org).ok


def test_the_check_page_previews_each_change_before_anything_is_written(client, org):
    rows = [["Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Lý luận chính trị"],
            ["CB001", "Lò Thị Hoa", "09/03/1978", "Nữ", "Thái", ""],
            ["CB200", "Nguyễn Văn An", "15/08/1982", "Nam", "Kinh", "(xóa)"]]
    response = client.post("/nhap-du-lieu/kiem-tra", data={
        "kind": "cadres", "file": (__import__("io").BytesIO(csv_bytes(rows)), "sua.csv")},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    preview = page.split('id="changes"', 1)[1]
    # Hoa: one field, before → after in words; CB200: new, and a likely duplicate of CB002.
    assert "08/03/1978" in preview and "09/03/1978" in preview and "Ngày sinh" in preview
    assert "thêm mới" in preview and "CB200" in preview
    assert 'id="duplicates"' in preview and "CB002" in preview.split('id="duplicates"', 1)[1]
    assert "Thêm mới 1, cập nhật 1, không đổi 0" in preview
    # Nothing written yet.
    assert "09/03/1978" not in client.get("/can-bo/CB001").get_data(as_text=True)


def test_every_action_the_code_writes_has_words():
    """No action code reaches the audit page or a dossier's history: each action written
    anywhere in the code (audit.record, the editing's writes) is named in words."""
    import re
    from pathlib import Path

    from quyhoach.services.records import history as history_words

    root = Path(__file__).resolve().parents[2] / "src" / "quyhoach"
    written = set()
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        written |= set(re.findall(r'(?:audit\.record(?:_many)?|_written)\(\s*[\w().]+,\s*"([a-z_]+\.[a-z_]+)"', text))
    assert len(written) > 20
    unnamed = sorted(a for a in written if history_words.action_label(a) == a or a in history_words.action_label(a))
    assert unnamed == []


def test_the_apps_reasons_are_said_in_the_readers_language_the_typed_ones_as_typed(client, org):
    """Issue 14: an import's reason (the app's words, kept with the entry) reads in English on
    the English page and in the dossier's history; an officer's typed reason stays as typed;
    an entry from before the words were kept reads in English too; the chain verifies."""
    audit.record(org, "test.write", "cadre:CB001", reason="Cán bộ ghi: sửa theo quyết định", actor="cb.a")
    audit.record(org, "test.write", "cadre:CB001", reason="Nhập tệp «cu.csv»", actor="cb.a")   # as written before
    org.commit()
    english = client.get("/quan-tri/nhat-ky?can_bo=CB001&lang=en").get_data(as_text=True)
    assert "Imported from file «sua-ngay-sinh.csv»" in english and "Nhập tệp" not in english
    assert "Imported from file «cu.csv»" in english
    assert "Cán bộ ghi: sửa theo quyết định" in english
    vietnamese = client.get("/quan-tri/nhat-ky?can_bo=CB001&lang=vi").get_data(as_text=True)
    assert "Nhập tệp «sua-ngay-sinh.csv»" in vietnamese and "Imported" not in vietnamese
    history = client.get("/can-bo/CB001/lich-su?lang=en").get_data(as_text=True)
    assert "Imported from file «sua-ngay-sinh.csv»" in history
    assert audit.verify(org).ok


def test_a_new_users_role_and_scope_are_words_in_the_readers_language(client, session):
    """The entry of a user made by the administrator: the role by its words, not its code, and
    the scope the app recorded ("toàn tỉnh") said in English on the English page."""
    audit.record(session, "user.create", "user:can.bo.moi", after={"role": "org_board", "scope": "toàn tỉnh"})
    session.commit()
    vietnamese = client.get("/quan-tri/nhat-ky").get_data(as_text=True)
    assert "Cán bộ Ban Tổ chức" in vietnamese and "toàn tỉnh" in vietnamese and "org_board" not in vietnamese
    english = client.get("/quan-tri/nhat-ky?lang=en").get_data(as_text=True)
    assert "the whole province" in english and "org_board" not in english
    assert "toàn tỉnh" not in english and "Cán bộ Ban Tổ chức" not in english
