"""Tổng quan: counts, the ways in, and the units with most cadres."""

from __future__ import annotations

from tests.builders import make_cadre, make_title, make_unit


def test_home_counts_and_links(client, session):
    province = make_unit(session, "Tỉnh ủy Lai Châu", code="LC")
    commune = make_unit(session, "Xã Bản Bo", code="BB", level="commune", parent=province)
    make_title(session, commune, "Chủ tịch UBND xã")
    for name in ("Lò Thị Hoa", "Tòng Văn Hải", "Nguyễn Thị Lan"):
        make_cadre(session, name, unit=commune)
    make_cadre(session, "Vàng A Sính", unit=province)
    session.commit()

    page = client.get("/").get_data(as_text=True)

    assert '<span class="num">4</span> cán bộ' in page
    assert '<span class="num">2</span> cơ quan, đơn vị' in page
    assert '<span class="num">1</span> chức danh' in page
    for href in ('href="/to-chuc/"', 'href="/can-bo/"'):
        assert href in page


def test_unknown_address_is_a_404_in_vietnamese(client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)


def test_pages_on_an_empty_database(client):
    assert "0</span> cán bộ" in client.get("/").get_data(as_text=True)
    assert "Chưa có cơ quan, đơn vị nào" in client.get("/to-chuc/").get_data(as_text=True)
    search = client.get("/can-bo/?q=lo+thi").get_data(as_text=True)
    assert "0 kết quả" in search and "Không tìm thấy cán bộ nào phù hợp" in search


def test_pages_render_in_english_without_a_catalog_yet(client, session):
    make_cadre(session, "Lò Thị Hoa", code="HOA")
    session.commit()
    for url in ("/?lang=en", "/to-chuc/?lang=en", "/can-bo/?lang=en", "/can-bo/HOA?lang=en"):
        assert client.get(url).status_code == 200, url
