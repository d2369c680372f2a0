"""Title standards and political-standard conclusions through the records: imported, exported,
read into the planning world, judged and shown (RULES.md §9, P9 and P15)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from quyhoach.db.models import PoliticalConclusion, Title
from quyhoach.domain import standards
from quyhoach.domain.eligibility import check
from quyhoach.services.planning import world as world_service
from quyhoach.services.records import exporter, importer
from quyhoach.services.records.tabular import SHEETS
from tests.builders import make_cadre, make_title, make_unit
from tests.files import CADRES, UNITS, csv_bytes

TITLES = [
    ["Mã chức danh", "Mã đơn vị", "Tên chức danh", "Thứ bậc", "Yêu cầu lý luận chính trị",
     "Yêu cầu quản lý nhà nước", "Yêu cầu trình độ chuyên môn"],
    ["SO-NV-GD", "SO-NV", "Giám đốc Sở Nội vụ", 60, "Cao cấp", "CVC", "Đại học"],
    ["SO-NV-PGD", "SO-NV", "Phó Giám đốc Sở Nội vụ", 55, "", "", ""],
]
CONCLUSIONS = [
    ["Mã cán bộ", "Họ và tên", "Ngày kết luận", "Cơ quan kết luận", "Số văn bản", "Nội dung"],
    ["CB002", "", "12/03/2025", "Ủy ban Kiểm tra Tỉnh ủy", "05-KL/UBKTTU", "không đạt tiêu chuẩn chính trị"],
]


def _load(session, kind, rows):
    result = importer.run(session, kind, csv_bytes(rows), f"{kind}.csv")
    assert result.ok, [str(p) for p in result.problems]
    return result


def _org(session):
    for kind, rows in (("units", UNITS), ("titles", TITLES), ("cadres", CADRES)):
        _load(session, kind, rows)
    session.commit()


def test_title_requirements_import_export_and_reach_the_world(session):
    _org(session)
    head = session.exec(select(Title).where(Title.code == "SO-NV-GD")).one()
    assert (head.required_theory, head.required_state_mgmt, head.required_degree) == ("advanced", "principal", "university")
    deputy = session.exec(select(Title).where(Title.code == "SO-NV-PGD")).one()
    assert (deputy.required_theory, deputy.required_state_mgmt, deputy.required_degree) == (None, None, None)

    exported = exporter.export(session, "titles", "csv").decode("utf-8-sig")
    header, first = exported.splitlines()[:2]
    assert header.endswith("Yêu cầu lý luận chính trị,Yêu cầu quản lý nhà nước,Yêu cầu trình độ chuyên môn")
    assert first.startswith("SO-NV-GD,") and first.endswith(",Cao cấp,Chuyên viên chính,Đại học")

    world = world_service.build(session, dt.date(2025, 11, 1))
    fact = next(t for t in world.titles.values() if t.code == "SO-NV-GD")
    assert standards.requirement_codes(fact) == ["theory:advanced", "state_mgmt:principal", "degree:university"]


def test_an_unknown_level_is_refused_by_row_and_column(session):
    for kind, rows in (("units", UNITS),):
        _load(session, kind, rows)
    bad = [TITLES[0], ["SO-NV-GD", "SO-NV", "Giám đốc Sở Nội vụ", 60, "Rất cao", "", "Đại học"]]
    result = importer.run(session, "titles", csv_bytes(bad), "titles.csv")
    assert not result.ok
    assert [(p.row, p.column) for p in result.problems] == [(2, "Yêu cầu lý luận chính trị")]


def test_a_conclusion_imports_exports_and_takes_the_cadre_out(session):
    _org(session)
    result = _load(session, "conclusions", CONCLUSIONS)
    assert (result.created, result.updated) == (1, 0)
    again = _load(session, "conclusions", CONCLUSIONS)  # the same conclusion again: matched, nothing changes
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    session.commit()
    stored = session.exec(select(PoliticalConclusion)).one()
    assert stored.concluded_on == dt.date(2025, 3, 12) and stored.document_no == "05-KL/UBKTTU"

    exported = exporter.export(session, "conclusions", "csv").decode("utf-8-sig").splitlines()
    assert exported[0] == ",".join(c.header for c in SHEETS["conclusions"].columns)
    assert exported[1].startswith("CB002,") and ",12/03/2025,Ủy ban Kiểm tra Tỉnh ủy,05-KL/UBKTTU," in exported[1]

    # the world reads the conclusion on and after its date, not before
    before = world_service.build(session, dt.date(2025, 3, 11))
    after = world_service.build(session, dt.date(2025, 3, 12))
    cadre_before = next(c for c in before.cadres.values() if c.code == "CB002")
    cadre_after = next(c for c in after.cadres.values() if c.code == "CB002")
    assert cadre_before.conclusions == ()
    assert [c.body for c in cadre_after.conclusions] == ["Ủy ban Kiểm tra Tỉnh ủy"]
    title = next(t for t in after.titles.values() if t.code == "SO-NV-GD")
    term = next(iter(after.terms.values()))
    p9 = next(f for f in check(cadre_after, title, term, after.rule_set("planning"), after.on) if f.rule == "P9")
    assert not p9.passed and "kết luận ngày 12/03/2025" in p9.message


def test_a_conclusion_for_an_unknown_cadre_or_in_the_future_is_refused(session):
    _org(session)
    future = (dt.date.today() + dt.timedelta(days=30)).strftime("%d/%m/%Y")
    rows = [CONCLUSIONS[0], ["CB999", "", "12/03/2025", "Ban Thường vụ", "", ""],
            ["CB001", "", future, "Ban Thường vụ", "", ""]]
    result = importer.run(session, "conclusions", csv_bytes(rows), "conclusions.csv")
    assert not result.ok
    assert [(p.row, p.column) for p in result.problems] == [(2, "Mã cán bộ"), (3, "Ngày kết luận")]
    assert session.exec(select(PoliticalConclusion)).all() == []


def test_the_degree_is_read_from_the_record_into_the_world(session):
    unit = make_unit(session, "Sở Nội vụ", code="SNV")
    make_cadre(session, "Lò Thị Hoa", code="HOA", unit=unit, education="Thạc sĩ Quản lý công")
    make_cadre(session, "Cà Văn Minh", code="MINH", unit=unit, education="Cao đẳng Sư phạm")
    session.commit()
    world = world_service.build(session, dt.date(2025, 11, 1))
    degrees = {c.code: c.degree for c in world.cadres.values()}
    assert degrees == {"HOA": "master", "MINH": "college"}


def test_the_dossier_shows_conclusions_and_the_retirement_convention(client, session):
    unit = make_unit(session, "Sở Nội vụ", code="SNV")
    # a man born 15/06/1966: 61y6m (the 2026 age) would be reached in 12/2027, where 61y9m
    # applies; 61y9m in 03/2028, where 62y applies; 62y in 06/2028: he serves until 30/06/2028
    # (NĐ 135 roadmap) and is retired from 01/07/2028
    cadre = make_cadre(session, "Lò Văn Pọm", code="POM", unit=unit, birth_date=dt.date(1966, 6, 15))
    session.add(PoliticalConclusion(cadre_id=cadre.id, concluded_on=dt.date(2025, 3, 12),
                                    body="Ủy ban Kiểm tra Tỉnh ủy", document_no="05-KL/UBKTTU"))
    session.commit()
    html = client.get("/can-bo/POM").get_data(as_text=True)
    assert "làm việc đến hết ngày 30/06/2028 (đủ 62 tuổi)" in html
    assert "nghỉ hưu từ ngày 01 của tháng kế tiếp" in html
    assert "Ủy ban Kiểm tra Tỉnh ủy kết luận ngày 12/03/2025: không đạt tiêu chuẩn chính trị" in html
    assert "05-KL/UBKTTU" in html


def test_the_unit_page_shows_the_titles_standards(client, session):
    unit = make_unit(session, "Sở Nội vụ", code="SNV")
    make_title(session, unit, "Giám đốc Sở Nội vụ", rank=60, required_theory="advanced",
               required_state_mgmt="principal", required_degree="university")
    make_title(session, unit, "Phó Giám đốc Sở Nội vụ", rank=55)
    session.commit()
    html = client.get("/to-chuc/SNV").get_data(as_text=True)
    assert "Tiêu chuẩn chức danh" in html
    assert "Lý luận chính trị: Cao cấp" in html
    assert "Quản lý nhà nước: Chuyên viên chính trở lên" in html
    assert "Chuyên môn: Đại học trở lên" in html
    assert "Chưa ghi" in html


def test_the_retirement_set_is_seeded_confirmed_and_has_no_app_made_versions(session):
    import pytest

    from quyhoach.services.planning import rulesets as rule_service
    from quyhoach.services.records import reference

    reference.ensure(session)
    shipped = [r for r in rule_service.all_rule_sets(session) if r.domain == "retirement"]
    assert [r.code for r in shipped] == ["ND135-2020"] and shipped[0].unconfirmed == ()
    # the roadmap is the law's: not editable in the app, and no copy the date rules would ignore
    with pytest.raises(rule_service.ParameterError, match="không sửa trong ứng dụng"):
        rule_service.update_parameter(session, "ND135-2020", "roadmap", {})
    with pytest.raises(rule_service.ParameterError, match="lộ trình tuổi nghỉ hưu"):
        rule_service.create_version(session, "ND135-2020", code="X", name="x", legal_basis="x",
                                    valid_from=dt.date(2030, 1, 1))
