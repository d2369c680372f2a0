"""Tổ chức: the tree and a unit's page, as an officer reads them."""

from __future__ import annotations

import re

from tests.builders import make_cadre, make_title, make_unit


def _chain(session):
    province = make_unit(session, "Tỉnh ủy Lai Châu", code="LC", level="province")
    district = make_unit(session, "Huyện ủy Tam Đường", code="LC-TD", level="district", parent=province)
    commune = make_unit(
        session, "Đảng ủy xã Bản Bo", code="LC-TD-BB", level="commune", parent=district, kind="locality", is_locality=True
    )
    return province, district, commune


def test_tree_shows_a_three_level_chain(client, session):
    province, district, commune = _chain(session)
    make_title(session, commune, "Bí thư Đảng ủy xã")
    make_cadre(session, "Lò Văn Minh", unit=commune)
    session.commit()

    page = client.get("/to-chuc/?mo=LC-TD-BB").get_data(as_text=True)

    assert "Cơ cấu tổ chức" in page
    for name, level in (("Tỉnh ủy Lai Châu", "Tỉnh"), ("Huyện ủy Tam Đường", "Huyện"), ("Đảng ủy xã Bản Bo", "Xã")):
        assert name in page
        assert f'<span class="tree-level">{level}</span>' in page
    # nested in that order, each in its parent's branch
    assert page.index('id="u-LC"') < page.index('id="branch-LC"') < page.index('id="u-LC-TD"') < page.index('id="u-LC-TD-BB"')
    # the commune: one cadre, one title
    commune_row = page[page.index('id="u-LC-TD-BB"'):]
    numbers = re.findall(r'<span class="num"[^>]*>([^<]*)</span>', commune_row)[:2]
    assert numbers == ["1", "1"]


def test_tree_loads_children_on_expand(client, session):
    _chain(session)
    session.commit()

    page = client.get("/to-chuc/").get_data(as_text=True)
    # the root is open, the district closed with a lazy loader and a link for browsers without JS
    assert "Huyện ủy Tam Đường" in page and "Đảng ủy xã Bản Bo" not in page
    assert 'hx-get="/to-chuc/?mo=LC-TD"' in page
    assert 'href="/to-chuc/?mo=LC-TD#u-LC-TD"' in page

    branch = client.get("/to-chuc/?mo=LC-TD", headers={"HX-Request": "true"})
    html = branch.get_data(as_text=True)
    assert "<html" not in html
    assert html.lstrip().startswith('<ul class="tree-branch" id="branch-LC-TD"')
    assert "Đảng ủy xã Bản Bo" in html
    assert "HX-Request" in branch.headers.get("Vary", "")


def test_unit_page_lists_titles_holders_vacancies_and_flags(client, session):
    province, district, commune = _chain(session)
    secretary = make_title(session, commune, "Bí thư Đảng ủy xã", rank=400, is_head=True, non_local=True,
                           appointing_authority="Ban Thường vụ Tỉnh ủy")
    deputies = make_title(session, commune, "Phó Chủ tịch UBND xã", rank=300, seats=2, term_kind="government",
                          sensitive_sector="finance")
    make_title(session, commune, "Trưởng Công an xã", rank=250, sensitive_sector="police")
    make_cadre(session, "Hoàng Văn Sáu", unit=commune, title=secretary)
    make_cadre(session, "Tòng Thị Dung", unit=commune, title=deputies)
    session.commit()

    response = client.get("/to-chuc/LC-TD-BB")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    # breadcrumb of ancestors
    crumbs = page[page.index('class="breadcrumb"'):page.index("</nav>", page.index('class="breadcrumb"'))]
    assert crumbs.index("Tổ chức") < crumbs.index("Tỉnh ủy Lai Châu") < crumbs.index("Huyện ủy Tam Đường")
    # titles by rank with their holders
    assert page.index("Bí thư Đảng ủy xã") < page.index("Phó Chủ tịch UBND xã") < page.index("Trưởng Công an xã")
    assert "Hoàng Văn Sáu" in page and "Tòng Thị Dung" in page
    assert "từ 01/06/2021" in page
    # vacant seats: one of two deputies, the police chief's only seat
    assert page.count("Khuyết 1") == 2
    assert "Đủ" in page
    assert "Chưa có người đảm nhiệm" in page
    # flags in words
    assert "Không là người địa phương" in page
    assert "Lĩnh vực QĐ 114: Tài chính" in page and "Lĩnh vực QĐ 114: Công an" in page
    assert "Ban Thường vụ Tỉnh ủy" in page
    assert "Nhiệm kỳ chính quyền" in page and "Nhiệm kỳ Đảng" in page
    assert "Người đứng đầu" in page
    # the unit's cadres
    assert "Cán bộ đang công tác tại đơn vị" in page


def test_unit_cadres_are_in_name_order_and_paged(client, session):
    commune = make_unit(session, "Xã Nậm Loỏng", code="NL", level="commune")
    names = [f"Nguyễn Văn {given}" for given in ("Yên", "An", "Bình", "Đức", "Dũng")]
    for name in names:
        make_cadre(session, name, unit=commune)
    for _ in range(50):
        make_cadre(session, "Vũ Thị Xuân", unit=commune)
    session.commit()

    first = client.get("/to-chuc/NL").get_data(as_text=True)
    assert "(55)" in first
    positions = [first.index(f"Nguyễn Văn {g}<") for g in ("An", "Bình", "Dũng", "Đức")]
    assert positions == sorted(positions)
    assert "Nguyễn Văn Yên" not in first  # "Yên" sorts after "Xuân": on page 2
    assert "Trang 1/2" in first

    second = client.get("/to-chuc/NL?trang=2", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert second.lstrip().startswith('<section id="cadres">')
    assert "Nguyễn Văn Yên" in second and "Trang 2/2" in second


def test_unknown_unit_is_a_404_in_vietnamese(client):
    response = client.get("/to-chuc/KHONG-CO")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Không tìm thấy cơ quan, đơn vị có mã «KHONG-CO»" in page
    assert "Về trang Tổng quan" in page
