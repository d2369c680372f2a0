"""Tổ chức: a branch of many children is paged (issue 15: 1,023 communes directly under a
province). The first page of a branch in the tree's order, a "Xem thêm" control that loads the
next page with htmx or links to it without JS, ?mo= down to a unit beyond the first page,
a scoped officer's tree, and page numbers out of range."""

from __future__ import annotations

import re

import pytest

from quyhoach import create_app
from quyhoach.services.platform import auth
from quyhoach.services.records import queries
from tests.builders import make_unit

PASSWORD = "matkhau-2026"
HTMX = {"HX-Request": "true"}

# The district's communes as the tree orders them (Vietnamese: a < ă < â < b < d < đ < e < ê),
# made in another order.
IN_ORDER = ["Xã An", "Xã Ăng", "Xã Ân", "Xã Bắc", "Xã Dốc", "Xã Đồng", "Xã Ê", "Xã Yên"]
MADE = [IN_ORDER[i] for i in (5, 0, 7, 3, 1, 6, 2, 4)]


def _code(name: str) -> str:
    return "TD-" + str(IN_ORDER.index(name) + 1)


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(queries, "TREE_PAGE_SIZE", 3)


@pytest.fixture
def province(session):
    root = make_unit(session, "Tỉnh ủy Lai Châu", code="LC", level="province")
    district = make_unit(session, "Huyện ủy Tam Đường", code="TD", level="district", parent=root)
    communes = {name: make_unit(session, name, code=_code(name), level="commune", parent=district,
                                kind="locality", is_locality=True) for name in MADE}
    village = make_unit(session, "Chi bộ bản Nà Khum", code="TD-7-NK", level="commune", parent=communes["Xã Ê"])
    other = make_unit(session, "Huyện ủy Mường Chà", code="MC", level="district", parent=root)
    for n in range(1, 6):
        make_unit(session, f"Xã Mường Chà {n}", code=f"MC-{n}", level="commune", parent=other)
    session.commit()
    return {"root": root, "district": district, "communes": communes, "village": village, "other": other}


def _units(html: str) -> list[str]:
    """The codes of the units listed, in the page's order."""
    return re.findall(r'<li id="u-([^"]+)"', html)


def _controls(html: str) -> list[tuple[str, str]]:
    """Each "Xem thêm" control: (its link without JS, what htmx loads)."""
    return [(href.replace("&amp;", "&"), get.replace("&amp;", "&")) for href, get in
            re.findall(r'<li class="tree-more">\s*<a href="([^"]+)"\s+hx-get="([^"]+)"', html)]


def test_a_branch_shows_its_first_page_in_the_trees_order_then_a_control_for_the_next(client, province):
    branch = client.get("/to-chuc/?mo=TD", headers=HTMX).get_data(as_text=True)

    assert branch.lstrip().startswith('<ul class="tree-branch" id="branch-TD"')
    assert _units(branch) == ["TD-1", "TD-2", "TD-3"]
    assert _controls(branch) == [("/to-chuc/?mo=TD&trang=2#branch-TD", "/to-chuc/?mo=TD&trang=2")]
    assert "Xem thêm (4–6 trên 8)" in branch


def test_the_control_loads_the_next_pages_items_in_its_place_until_the_last(client, province):
    seen = _units(client.get("/to-chuc/?mo=TD", headers=HTMX).get_data(as_text=True))

    second = client.get("/to-chuc/?mo=TD&trang=2", headers=HTMX).get_data(as_text=True)
    assert "<ul" not in second.split('<li id="u-')[0]  # items for the list the control stood in
    assert _units(second) == ["TD-4", "TD-5", "TD-6"]
    assert _controls(second) == [("/to-chuc/?mo=TD&trang=3#branch-TD", "/to-chuc/?mo=TD&trang=3")]

    third = client.get("/to-chuc/?mo=TD&trang=3", headers=HTMX).get_data(as_text=True)
    assert _units(third) == ["TD-7", "TD-8"]
    assert _controls(third) == []

    # the pages put together: every commune once, in the tree's order
    assert seen + _units(second) + _units(third) == [_code(name) for name in IN_ORDER]
    # the commune on the last page still opens its own branch lazily
    assert 'hx-get="/to-chuc/?mo=TD-7"' in third


def test_without_js_the_control_is_a_link_to_the_tree_with_that_page(client, province):
    page = client.get("/to-chuc/?mo=TD&trang=2").get_data(as_text=True)

    assert "<html" in page
    branch = page[page.index('id="branch-TD"'):]
    assert _units(branch)[:3] == ["TD-4", "TD-5", "TD-6"] and "u-TD-1" not in page
    assert _controls(branch) == [
        ("/to-chuc/?mo=TD&trang=1#branch-TD", "/to-chuc/?mo=TD&trang=1&truoc=1"),
        ("/to-chuc/?mo=TD&trang=3#branch-TD", "/to-chuc/?mo=TD&trang=3"),
    ]
    assert "Xem các đơn vị trước (1–3 trên 8)" in branch and "Xem thêm (7–8 trên 8)" in branch


def test_opening_the_tree_to_a_unit_beyond_the_first_page_shows_it(client, province):
    page = client.get("/to-chuc/?mo=TD-7-NK").get_data(as_text=True)

    # the path is open: the province, the district, the commune on page 3, its village
    assert page.index('id="u-LC"') < page.index('id="u-TD"') < page.index('id="u-TD-7"') < page.index('id="u-TD-7-NK"')
    branch = page[page.index('id="branch-TD"'):]  # the last branch (Mường Chà comes before Tam Đường)
    assert [u for u in _units(branch) if u.startswith("TD-") and u.count("-") == 1] == ["TD-7", "TD-8"]
    # what comes before is a control away, and loads page 2 in front of page 3
    assert _controls(branch)[0] == ("/to-chuc/?mo=TD&trang=2#branch-TD", "/to-chuc/?mo=TD&trang=2&truoc=1")


def test_the_control_before_loads_the_page_before_with_its_own_control(client, province):
    earlier = client.get("/to-chuc/?mo=TD&trang=2&truoc=1", headers=HTMX).get_data(as_text=True)

    assert _units(earlier) == ["TD-4", "TD-5", "TD-6"]
    assert _controls(earlier) == [("/to-chuc/?mo=TD&trang=1#branch-TD", "/to-chuc/?mo=TD&trang=1&truoc=1")]
    assert earlier.index('class="tree-more"') < earlier.index('id="u-TD-4"')
    first = client.get("/to-chuc/?mo=TD&trang=1&truoc=1", headers=HTMX).get_data(as_text=True)
    assert _units(first) == ["TD-1", "TD-2", "TD-3"] and _controls(first) == []


@pytest.mark.parametrize("asked, shown", [("0", 1), ("-4", 1), ("ba", 1), ("3", 3), ("99", 3), (str(2**31 - 1), 3)])
def test_a_page_number_out_of_range_shows_the_nearest_page(client, province, asked, shown):
    response = client.get(f"/to-chuc/?mo=TD&trang={asked}")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    first = {1: "TD-1", 3: "TD-7"}[shown]
    assert f'id="u-{first}"' in page and ("u-TD-4" not in page)


@pytest.mark.parametrize("asked", ["0", "-1", "4", "99", str(2**31 - 1)])
def test_htmx_asking_a_page_the_branch_does_not_have_is_told_404(client, province, asked):
    response = client.get(f"/to-chuc/?mo=TD&trang={asked}", headers=HTMX)

    assert response.status_code == 404
    assert f"Không có trang {asked} trong các đơn vị trực thuộc «TD»." in response.get_data(as_text=True)
    assert _units(response.get_data(as_text=True)) == []


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_a_number_no_column_holds_is_refused_as_everywhere_not_500(client, province, headers):
    assert client.get(f"/to-chuc/?mo=TD&trang={'9' * 30}", headers=headers).status_code == 422


def test_a_branch_of_one_page_has_no_control(client, province):
    branch = client.get("/to-chuc/?mo=TD-7", headers=HTMX).get_data(as_text=True)

    assert _units(branch) == ["TD-7-NK"] and _controls(branch) == []
    page = client.get("/to-chuc/").get_data(as_text=True)
    assert 'class="tree-more"' not in page  # the province's two districts


# --------------------------------------------------------------------------- the filter box


def test_a_long_branch_has_a_box_that_filters_its_children_by_name_without_diacritics(client, province):
    branch = client.get("/to-chuc/?mo=TD", headers=HTMX).get_data(as_text=True)
    assert 'class="tree-filter"' in branch and 'name="loc"' in branch
    assert 'class="tree-filter"' not in client.get("/to-chuc/?mo=TD-7", headers=HTMX).get_data(as_text=True)

    for typed in ("an", "AN", "ân"):   # "an" begins a word of Xã An, Xã Ăng, Xã Ân (folded)
        found = client.get(f"/to-chuc/?mo=TD&loc={typed}", headers=HTMX).get_data(as_text=True)
        assert found.lstrip().startswith('<ul class="tree-branch" id="branch-TD"')
        assert _units(found) == ["TD-1", "TD-2", "TD-3"] and _controls(found) == []
        assert f'value="{typed}"' in found and "3 đơn vị có tên khớp" in found and "Bỏ lọc" in found
    assert _units(client.get("/to-chuc/?mo=TD&loc=đồng", headers=HTMX).get_data(as_text=True)) == ["TD-6"]
    assert _units(client.get("/to-chuc/?mo=TD&loc=xa+ye", headers=HTMX).get_data(as_text=True)) == ["TD-8"]  # every word
    nothing = client.get("/to-chuc/?mo=TD&loc=zzz", headers=HTMX).get_data(as_text=True)
    assert _units(nothing) == [] and "Không có đơn vị trực thuộc nào có tên khớp «zzz»." in nothing
    # a pattern's characters are text, not a pattern
    assert _units(client.get("/to-chuc/?mo=TD&loc=%25", headers=HTMX).get_data(as_text=True)) == []


def test_a_filtered_branch_is_paged_and_its_controls_keep_the_words(client, province):
    found = client.get("/to-chuc/?mo=TD&loc=xa", headers=HTMX).get_data(as_text=True)
    assert _units(found) == ["TD-1", "TD-2", "TD-3"]
    assert _controls(found) == [("/to-chuc/?mo=TD&trang=2&loc=xa#branch-TD", "/to-chuc/?mo=TD&trang=2&loc=xa")]
    assert _units(client.get("/to-chuc/?mo=TD&trang=3&loc=xa", headers=HTMX).get_data(as_text=True)) == ["TD-7", "TD-8"]
    assert client.get("/to-chuc/?mo=TD&trang=2&loc=an", headers=HTMX).status_code == 404  # one page of them


def test_without_js_the_filter_opens_the_tree_with_the_branch_filtered(client, province):
    page = client.get("/to-chuc/?mo=TD&loc=an").get_data(as_text=True)

    assert "<html" in page
    branch = page[page.index('id="branch-TD"'):]
    assert _units(branch) == ["TD-1", "TD-2", "TD-3"]
    assert 'action="/to-chuc/#branch-TD"' in branch and '<input type="hidden" name="mo" value="TD">' in branch


# --------------------------------------------------------------------------- a scoped officer


@pytest.fixture
def district_officer(engine, database_url, tmp_path, session, province):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path),
                      "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})
    app.extensions["quyhoach.engine"].dispose()
    app.extensions["quyhoach.engine"] = engine
    auth.create_user(session, username="canbo.mc", full_name="Cán bộ huyện", password=PASSWORD, role="org_board",
                     scope_unit_code="MC")
    session.commit()
    client = app.test_client()
    assert client.post("/dang-nhap", data={"username": "canbo.mc", "password": PASSWORD}).status_code == 302
    return client


def test_a_scoped_officer_pages_their_own_units_and_never_sees_others_through_the_pager(district_officer):
    client = district_officer
    page = client.get("/to-chuc/").get_data(as_text=True)
    assert _units(page) == ["MC", "MC-1", "MC-2", "MC-3"]
    assert _controls(page) == [("/to-chuc/?mo=MC&trang=2#branch-MC", "/to-chuc/?mo=MC&trang=2")]
    assert _units(client.get("/to-chuc/?mo=MC&trang=2", headers=HTMX).get_data(as_text=True)) == ["MC-4", "MC-5"]
    assert _units(client.get("/to-chuc/?mo=MC&trang=2").get_data(as_text=True)) == ["MC", "MC-4", "MC-5"]

    # another district's branch, or the province's, page by page: never found
    for url in ("/to-chuc/?mo=TD&trang=2", "/to-chuc/?mo=TD&trang=1&truoc=1", "/to-chuc/?mo=LC&trang=1",
                "/to-chuc/?mo=TD", "/to-chuc/?mo=TD&loc=an", "/to-chuc/?mo=LC&loc=huyen"):
        assert client.get(url, headers=HTMX).status_code == 404
    # nor opened in the whole page: their own tree, not opened
    for url in ("/to-chuc/?mo=TD&trang=2", "/to-chuc/?mo=TD-7-NK", "/to-chuc/?mo=LC&trang=2", "/to-chuc/?mo=LC&loc=tam"):
        response = client.get(url)
        assert response.status_code == 200
        assert _units(response.get_data(as_text=True)) == ["MC", "MC-1", "MC-2", "MC-3"]


def test_the_controls_and_the_box_in_english(client, province):
    page = client.get("/to-chuc/?mo=TD&trang=2&lang=en").get_data(as_text=True)

    assert "Show the units before (1–3 of 8)" in page and "Show more (7–8 of 8)" in page
    assert 'placeholder="Filter the 8 sub-units by name"' in page and ">Filter</button>" in page
    found = client.get("/to-chuc/?mo=TD&loc=an&lang=en").get_data(as_text=True)
    assert "3 units with a matching name" in found and "Clear the filter" in found


def test_a_units_page_lists_the_first_page_of_its_sub_units_and_links_to_the_rest_in_the_tree(client, province):
    page = client.get("/to-chuc/TD").get_data(as_text=True)

    section = page[page.index('id="subunits"'):page.index("</section>", page.index('id="subunits"'))]
    assert '<span class="muted">(8)</span>' in section
    assert re.findall(r'href="/to-chuc/(TD-\d)"', section) == ["TD-1", "TD-2", "TD-3"]
    assert 'href="/to-chuc/?mo=TD#branch-TD"' in section and "Xem cả 8 đơn vị trực thuộc trong cây tổ chức" in section
    short = client.get("/to-chuc/TD-7").get_data(as_text=True)
    assert "Xem cả" not in short and 'href="/to-chuc/TD-7-NK"' in short
