"""A printed trích ngang imported in one go (issue 17): the corpus file as an office
prints it (tests/corpus/make_corpus.py: six people, ratings for 2022–2024, the title
block naming «Giám đốc Sở Nội vụ, nhiệm kỳ 2026-2031» and signed on 15/12/2025)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from sqlmodel import select

from quyhoach.db.models import AuditEntry, Cadre, Evaluation, Pool, PoolEntry, Term, Title, Unit
from quyhoach.services.records import importer, trichngang
from tests.corpus.make_corpus import printed_trich_ngang
from tests.files import TITLES, UNITS, csv_bytes

CADRE_HEADER = ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Mã đơn vị công tác", "Chức vụ hiện tại"]
# The file's rows: row 10 is the section «I. KHỐI ĐẢNG», row 14 «II. KHỐI CHÍNH QUYỀN».
ROW_HANG, ROW_PAO = 11, 12


@pytest.fixture
def province(session):
    for kind, rows in (("units", UNITS), ("titles", TITLES)):
        assert importer.run(session, kind, csv_bytes(rows), f"{kind}.csv").ok
    session.commit()
    return session


def count(session, model) -> int:
    return session.exec(select(sa.func.count()).select_from(model)).one()


def counts(session) -> tuple[int, int, int, int]:
    return count(session, Cadre), count(session, Evaluation), count(session, Pool), count(session, PoolEntry)


def add_cadres(session, *rows) -> None:
    assert importer.run(session, "cadres", csv_bytes([CADRE_HEADER, *rows]), "cb.csv").ok
    session.commit()


def test_the_printed_list_goes_in_at_once_and_a_second_time_creates_nothing(province):
    data = printed_trich_ngang()
    assert counts(province) == (0, 0, 0, 0)
    checked = trichngang.run(province, data, "trich-ngang.xlsx", dry_run=True)
    assert checked.ok, checked.problems
    assert checked.years == [2022, 2023, 2024]
    assert checked.title is not None and checked.title[1] == "SO-NV-GD"
    assert checked.term is not None and checked.term[1] == "CQ-2026-2031"
    assert checked.added_on == dt.date(2025, 12, 15)
    assert [p.how for p in checked.people] == ["new"] * 6
    # 6 cadres to create, 6 × 3 ratings, 6 entries in one new pool.
    assert (checked.counts("cadres"), checked.counts("evaluations"), checked.counts("pools")) == \
        ((6, 0, 0), (18, 0, 0), (6, 0, 0))
    assert counts(province) == (0, 0, 0, 0)  # the check wrote nothing

    done = trichngang.run(province, data, "trich-ngang.xlsx")
    assert done.ok and done.written
    province.commit()
    assert counts(province) == (6, 18, 1, 6)
    hang = province.exec(select(Cadre).where(Cadre.code == "CB101")).one()
    ratings = dict(province.exec(select(Evaluation.year, Evaluation.rating).where(Evaluation.cadre_id == hang.id)).all())
    assert ratings == {2022: "good", 2023: "excellent", 2024: "complete"}  # HTTNV, HTXSNV, HTNV
    pool = province.exec(select(Pool)).one()
    assert (province.get(Title, pool.title_id).code, province.get(Term, pool.term_id).code) == ("SO-NV-GD", "CQ-2026-2031")
    entry = province.exec(select(PoolEntry).where(PoolEntry.cadre_id == hang.id)).one()
    assert entry.added_on == dt.date(2025, 12, 15)
    audited = province.exec(select(AuditEntry.action)).all()
    assert audited.count("cadres.create") == 6 and audited.count("evaluations.create") == 18
    assert audited.count("pools.create") == 6

    again = trichngang.run(province, data, "trich-ngang.xlsx")
    assert again.ok, again.problems
    assert [p.how for p in again.people] == ["code"] * 6 and all(p.in_pool for p in again.people)
    assert (again.counts("cadres"), again.counts("evaluations"), again.counts("pools")) == \
        ((0, 0, 6), (0, 0, 18), (0, 0, 0))  # the six known now, nothing of theirs changed
    province.commit()
    assert counts(province) == (6, 18, 1, 6)


def test_a_person_is_found_by_name_and_birth_date_under_another_code(province):
    add_cadres(province, ["CB900", "Lò Văn Páo", "20/11/1980", "Nam", "Thái", "SO-NV", "Trưởng phòng"])
    result = trichngang.run(province, printed_trich_ngang(), "tn.xlsx")
    assert result.ok, result.problems
    pao = next(p for p in result.people if p.row == ROW_PAO)
    assert (pao.how, pao.cadre_code) == ("name", "CB900")
    province.commit()
    assert count(province, Cadre) == 6  # CB900 and the five others; no CB102
    assert province.exec(select(Cadre).where(Cadre.code == "CB102")).first() is None
    pao_id = province.exec(select(Cadre.id).where(Cadre.code == "CB900")).one()
    assert count(province, PoolEntry) == 6
    assert province.exec(select(PoolEntry).where(PoolEntry.cadre_id == pao_id)).first() is not None


def test_a_near_match_is_asked_and_the_answer_is_taken(province):
    # Same name, same year, another day: perhaps her, perhaps not.
    add_cadres(province, ["CB777", "Nguyễn Thị Hằng", "01/07/1975", "Nữ", "Kinh", "SO-NV", "Chuyên viên"])
    hang_id = province.exec(select(Cadre.id).where(Cadre.code == "CB777")).one()
    asked = trichngang.run(province, printed_trich_ngang(), "tn.xlsx", dry_run=True)
    hang = next(p for p in asked.people if p.row == ROW_HANG)
    assert hang.how == "ask" and [i for i, _w in hang.candidates] == [hang_id]
    assert "CB777 — Nguyễn Thị Hằng, sinh 01/07/1975" in hang.candidates[0][1]
    assert not asked.ok and asked.questions == 1
    assert not trichngang.run(province, printed_trich_ngang(), "tn.xlsx").written
    assert count(province, Cadre) == 1

    same = trichngang.run(province, printed_trich_ngang(), "tn.xlsx", choices={f"match_{ROW_HANG}": str(hang_id)})
    assert same.ok and same.written
    province.commit()
    assert count(province, Cadre) == 6  # CB777 kept, five created
    assert count(province, Evaluation) == 18


def test_the_answer_new_person_creates_a_cadre(province):
    add_cadres(province, ["CB777", "Nguyễn Thị Hằng", "01/07/1975", "Nữ", "Kinh", "SO-NV", "Chuyên viên"])
    result = trichngang.run(province, printed_trich_ngang(), "tn.xlsx", choices={f"match_{ROW_HANG}": "new"})
    assert result.ok, result.problems
    province.commit()
    assert count(province, Cadre) == 7
    assert province.exec(select(Cadre.birth_date).where(Cadre.code == "CB101")).one() == dt.date(1975, 3, 7)


def test_several_cadres_that_fit_are_all_offered(province):
    # Two cadres with the same name and birth date (under codes the file does not use).
    add_cadres(province, ["CB801", "Lò Văn Páo", "20/11/1980", "Nam", "Thái", "SO-NV", "Trưởng phòng"],
               ["CB802", "Lò Văn Páo", "20/11/1980", "Nam", "Thái", "XA-B", "Công chức"])
    result = trichngang.run(province, printed_trich_ngang(), "tn.xlsx", dry_run=True)
    pao = next(p for p in result.people if p.row == ROW_PAO)
    assert pao.how == "ask" and len(pao.candidates) == 2
    assert [w.split(" — ")[0] for _i, w in pao.candidates] == ["CB801", "CB802"]


def _without_title_block() -> bytes:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(printed_trich_ngang()))
    workbook.active["A5"] = "cán bộ trong quy hoạch"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_title_block_that_says_neither_title_nor_term_asks_for_them(province):
    data = _without_title_block()
    asked = trichngang.run(province, data, "tn.xlsx", dry_run=True)
    assert asked.title is None and asked.term is None and asked.questions == 2 and not asked.ok
    assert ("SO-NV-PGD", "Phó Giám đốc Sở Nội vụ") in asked.titles
    assert "DANG-2025-2030" in [code for code, _n in asked.terms]
    done = trichngang.run(province, data, "tn.xlsx", choices={"title": "SO-NV-PGD", "term": "DANG-2025-2030"})
    assert done.ok and done.written
    province.commit()
    pool = province.exec(select(Pool)).one()
    assert (province.get(Title, pool.title_id).code, province.get(Term, pool.term_id).code) == ("SO-NV-PGD",
                                                                                                "DANG-2025-2030")
    assert count(province, PoolEntry) == 6


def test_a_commune_officer_cannot_import_a_provincial_list(province):
    scope = {province.exec(select(Unit.id).where(Unit.code == "XA-B")).one()}
    result = trichngang.run(province, printed_trich_ngang(), "tn.xlsx", scope=scope)
    assert not result.ok and not result.written
    # The three people of the Sở Nội vụ (rows 11, 12 and 16) are outside the commune.
    assert sorted({p.row for p in result.problems}) == [11, 12, 16]
    assert all("ngoài phạm vi" in p.message for p in result.problems)
    assert counts(province) == (0, 0, 0, 0)


def test_a_commune_officer_is_not_shown_cadres_of_other_units(province):
    # A cadre of the Sở Nội vụ with the name and birth year of row 11: a province-wide officer
    # is asked about her; a commune officer is told no more than that someone fits outside.
    add_cadres(province, ["CB777", "Nguyễn Thị Hằng", "01/07/1975", "Nữ", "Kinh", "SO-NV", "Chuyên viên"])
    scope = {province.exec(select(Unit.id).where(Unit.code == "XA-B")).one()}
    result = trichngang.run(province, printed_trich_ngang(), "tn.xlsx", dry_run=True, scope=scope)
    hang = next(p for p in result.people if p.row == ROW_HANG)
    assert hang.candidates == [] and not result.ok
    said = [p.message for p in result.problems if p.row == ROW_HANG]
    assert len(said) == 1 and "ngoài phạm vi" in said[0] and "CB777" not in said[0]


def test_the_fields_of_known_cadres_are_shown_before_and_after_and_updated(province):
    """A known cadre's fields from the list: shown before → after, updated with the list's
    import, audited per field; what the list leaves out, and a birth date it gives less
    precisely than the one stored, stay as they are."""
    add_cadres(province,
               ["CB101", "Nguyễn Thị Hằng", "07/03/1975", "Nữ", "Kinh", "SO-NV", "Chuyên viên"],
               ["CB103", "Giàng A Dình", "12/04/1968", "Nam", "Kinh", "XA-B", "Bí thư Đảng ủy xã"],
               ["CB104", "Lường Thị Hoa", "1972", "Nữ", "Thái", "XA-B", "Chủ tịch UBND xã"])
    province.exec(sa.update(Cadre).where(Cadre.code == "CB101").values(religion="Không"))
    province.commit()
    checked = trichngang.run(province, printed_trich_ngang(), "tn.xlsx", dry_run=True)
    assert checked.ok, checked.problems
    assert checked.counts("cadres") == (3, 3, 0)  # three new; the three known each change
    changes = {c.label.split(" ")[0]: {f.label: (f.before, f.after) for f in c.fields}
               for c in checked.parts["cadres"].changes if c.action == "update"}
    empty = "(trống)"
    assert changes["CB101"] == {"Chức vụ hiện tại": ("Chuyên viên", "Phó Giám đốc Sở Nội vụ"), "Quê quán": (empty, "xã B")}
    # «1968» agrees with 12/04/1968: kept; the ethnicity and the home town change.
    assert changes["CB103"] == {"Dân tộc": ("Kinh", "Mông"), "Quê quán": (empty, "Mường Nhé")}
    assert changes["CB104"] == {"Ngày sinh": ("1972", "05/1972"), "Quê quán": (empty, "Tuần Giáo")}  # more precise: taken
    assert province.exec(select(Cadre.ethnicity_code).where(Cadre.code == "CB103")).one() == "01"  # a check writes nothing

    done = trichngang.run(province, printed_trich_ngang(), "tn.xlsx")
    assert done.ok and done.written
    province.commit()
    hang, dinh, hoa = (province.exec(select(Cadre).where(Cadre.code == c)).one() for c in ("CB101", "CB103", "CB104"))
    assert (hang.full_name, hang.birth_date, hang.religion) == ("Nguyễn Thị Hằng", dt.date(1975, 3, 7), "Không")
    assert (dinh.ethnicity_code, dinh.birth_date, dinh.birth_date_precision) == ("08", dt.date(1968, 4, 12), "day")
    assert (hoa.birth_date.year, hoa.birth_date.month, hoa.birth_date_precision) == (1972, 5, "month")
    updates = {e.entity: (e.before, e.after) for e in province.exec(select(AuditEntry).where(
        AuditEntry.action == "cadres.update"))}
    assert len(updates) == 3
    before, after = next(v for k, v in updates.items() if "CB103" in k)
    assert (before.get("ethnicity"), after.get("ethnicity")) == ("Kinh", "Mông") or \
        (before.get("ethnicity"), after.get("ethnicity")) == ("01", "08") or "ethnicity" in after, (before, after)
    assert "birth_date" not in after and "full_name" not in after


def test_qualifications_printed_in_the_list_update_a_known_cadre(province):
    from openpyxl import load_workbook

    add_cadres(province, ["CB101", "Nguyễn Thị Hằng", "07/03/1975", "Nữ", "Kinh", "SO-NV", "Phó Giám đốc Sở Nội vụ"])
    workbook = load_workbook(io.BytesIO(printed_trich_ngang()))
    ws = workbook.active
    ws["M7"], ws["N7"] = "Trình độ chuyên môn", "Lý luận chính trị"
    ws.merge_cells("M7:M8")
    ws.merge_cells("N7:N8")
    ws[f"M{ROW_HANG}"], ws[f"N{ROW_HANG}"] = "Thạc sĩ Luật", "Cao cấp"
    buffer = io.BytesIO()
    workbook.save(buffer)
    checked = trichngang.run(province, buffer.getvalue(), "tn.xlsx", dry_run=True)
    assert checked.ok, checked.problems
    hang = next(c for c in checked.parts["cadres"].changes if c.action == "update")
    fields = {f.label: (f.before, f.after) for f in hang.fields}
    assert fields["Trình độ chuyên môn"] == ("(trống)", "Thạc sĩ Luật")
    assert fields["Lý luận chính trị"][1] == "Cao cấp"
    assert trichngang.run(province, buffer.getvalue(), "tn.xlsx").written
    province.commit()
    cadre = province.exec(select(Cadre).where(Cadre.code == "CB101")).one()
    assert (cadre.education, cadre.theory_level) == ("Thạc sĩ Luật", "advanced")
