"""The title picker of the eligibility page searches as one types (htmx): titles above the
cadre's, found with or without diacritics, each opening its findings."""

from __future__ import annotations

from tests.web.test_planning_pages import HX, _page, province  # noqa: F401 - fixture


def test_the_title_picker_finds_titles_above_the_cadre_as_typed(client, province):  # noqa: F811
    page = _page(client, "/quy-hoach/can-bo/CB-AN")
    assert 'hx-get="/quy-hoach/can-bo/CB-AN/chuc-danh"' in page and "delay:300ms" in page
    for typed in ("giam doc", "Giám đốc", "noi vu"):
        html = _page(client, f"/quy-hoach/can-bo/CB-AN/chuc-danh?q={typed}", headers=HX)
        assert html.lstrip().startswith('<div id="title-matches"') and "Giám đốc Sở Nội vụ" in html, typed
        assert "/quy-hoach/can-bo/CB-AN?chuc_danh=SO-NV-GD" in html
    # the cadre's own rank is not offered (the deputy post is not above a deputy)
    assert "Phó Giám đốc" not in _page(client, "/quy-hoach/can-bo/CB-AN/chuc-danh?q=pho giam", headers=HX)
    none = _page(client, "/quy-hoach/can-bo/CB-AN/chuc-danh?q=bi thu", headers=HX)
    assert "Không có chức danh nào" in none
    # picking one shows its findings
    assert "Giám đốc Sở Nội vụ" in _page(client, "/quy-hoach/can-bo/CB-AN?chuc_danh=SO-NV-GD", headers=HX)


def test_an_unknown_cadre_has_no_picker(client, province):  # noqa: F811
    assert client.get("/quy-hoach/can-bo/KHONG-CO/chuc-danh?q=giam", headers=HX).status_code == 404
