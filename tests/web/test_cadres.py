"""Cán bộ: the search as you type and the dossier (sơ yếu lý lịch 2C)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.builders import (
    make_cadre,
    make_discipline,
    make_evaluation,
    make_posting,
    make_relation,
    make_title,
    make_unit,
    make_vote,
)


@pytest.fixture
def people(session):
    province = make_unit(session, "Tỉnh ủy Lai Châu", code="LC")
    commune = make_unit(session, "Xã Bản Bo", code="BB", level="commune", parent=province, kind="locality")
    other = make_unit(session, "Xã Nậm Tăm", code="NT", level="commune", parent=province, kind="locality")
    chair = make_title(session, commune, "Chủ tịch UBND xã", code="BB-CT", rank=300)
    hoa = make_cadre(session, "Lò Thị Hoa", code="CB-HOA", sex="F", ethnicity="03",
                     birth_date=dt.date(1982, 9, 2), unit=commune, title=chair)
    binh = make_cadre(session, "Nguyễn Văn Bình", code="CB-BINH", unit=other)
    an = make_cadre(session, "Trần Thị An", code="CB-AN", sex="F", unit=other)
    session.commit()
    return {"hoa": hoa, "binh": binh, "an": an, "commune": commune, "other": other}


def _names(html: str) -> list[str]:
    return re.findall(r'<a href="/can-bo/[^"]+">([^<]+)</a>', html)


@pytest.mark.parametrize("typed", ["lo thi hoa", "Lò Thị Hoa", "LO THI", "hoa", "cb-hoa", "ban bo", "chu tich ubnd"])
def test_search_finds_by_name_without_diacritics_code_unit_and_title(client, people, typed):
    html = client.get("/can-bo/", query_string={"q": typed}, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert _names(html) == ["Lò Thị Hoa"]
    assert "1 kết quả" in html


def test_search_returns_the_partial_for_htmx_and_the_page_otherwise(client, people):
    partial = client.get("/can-bo/?q=lo+thi", headers={"HX-Request": "true"})
    text = partial.get_data(as_text=True)
    assert "<html" not in text and text.lstrip().startswith('<section id="results"')
    assert "HX-Request" in partial.headers["Vary"]

    full = client.get("/can-bo/?q=lo+thi").get_data(as_text=True)
    assert "<html" in full and 'id="results"' in full
    # the form keeps what was typed and works without JavaScript (GET)
    assert 'value="lo thi"' in full and 'method="get"' in full
    assert 'hx-trigger="input changed delay:300ms, search"' in full


def test_search_orders_by_given_name(client, people):
    html = client.get("/can-bo/").get_data(as_text=True)
    assert _names(html) == ["Trần Thị An", "Nguyễn Văn Bình", "Lò Thị Hoa"]
    assert "3 kết quả" in html


def test_search_filters_by_unit_sex_and_minority(client, people):
    get = lambda **args: _names(client.get("/can-bo/", query_string=args, headers={"HX-Request": "true"}).get_data(as_text=True))  # noqa: E731
    assert get(don_vi="NT") == ["Trần Thị An", "Nguyễn Văn Bình"]
    assert get(don_vi="LC") == ["Trần Thị An", "Nguyễn Văn Bình", "Lò Thị Hoa"]  # and its sub-units
    assert get(gioi_tinh="F") == ["Trần Thị An", "Lò Thị Hoa"]
    assert get(dan_toc="thieu-so") == ["Lò Thị Hoa"]
    assert get(dan_toc="kinh", gioi_tinh="F") == ["Trần Thị An"]


def test_search_results_show_the_list_columns(client, people):
    html = client.get("/can-bo/?q=hoa").get_data(as_text=True)
    row = html[html.index("Lò Thị Hoa"):]
    assert "02/09/1982" in row
    assert "Nữ" in row and "Thái" in row
    assert "Chủ tịch UBND xã" in row and "Xã Bản Bo" in row


def test_search_pages(client, session, app):
    app.config["SEARCH_LIMIT"] = 2
    unit = make_unit(session, "Xã Bản Bo", code="BB", level="commune")
    for name in ("Lê Văn An", "Lê Văn Bình", "Lê Văn Cường"):
        make_cadre(session, name, unit=unit)
    session.commit()
    first = client.get("/can-bo/?q=le+van").get_data(as_text=True)
    assert "3 kết quả" in first and "Trang 1/2" in first and _names(first) == ["Lê Văn An", "Lê Văn Bình"]
    second = client.get("/can-bo/?q=le+van&trang=2", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert _names(second) == ["Lê Văn Cường"]


@pytest.fixture
def dossier_of_hoa(session):
    province = make_unit(session, "Tỉnh ủy Lai Châu", code="LC")
    commune = make_unit(session, "Xã Bản Bo", code="BB", level="commune", parent=province)
    chair = make_title(session, commune, "Chủ tịch UBND xã", rank=300)
    hoa = make_cadre(
        session, "Lò Thị Hoa", code="CB-HOA", sex="F", ethnicity="03", birth_date=dt.date(1982, 9, 2),
        other_names="Hoa Lò", religion="Không", hometown="Xã Bản Bo, tỉnh Lai Châu",
        birthplace="Xã Bản Bo, tỉnh Lai Châu", party_entry_date=dt.date(2005, 3, 26),
        party_official_date=dt.date(2006, 3, 26), education="Đại học Luật", theory_level="advanced",
        state_mgmt_level="principal", foreign_language="Tiếng Anh B1", it_level="Ứng dụng CNTT cơ bản",
    )
    make_posting(session, hoa, unit=commune, position="Công chức Tư pháp - Hộ tịch xã Bản Bo",
                 start=dt.date(2006, 8, 1), end=dt.date(2015, 12, 31))
    make_posting(session, hoa, title=chair, position="Chủ tịch UBND xã Bản Bo", start=dt.date(2021, 6, 15))
    # rating history out of order on purpose
    for year, rating, score in ((2024, "excellent", 95), (2021, "complete", None), (2023, "good", 88.5), (2022, "fail", 60)):
        make_evaluation(session, hoa, year, rating=rating, score=score)
    for quarter, score in ((1, 85), (2, 87), (3, 90)):
        make_evaluation(session, hoa, 2024, period="quarter", period_no=quarter, score=score)
    for month in range(1, 10):
        make_evaluation(session, hoa, 2024, period="month", period_no=month, score=80 + month)
    make_vote(session, hoa, vote_date=dt.date(2023, 12, 5), body="Hội đồng nhân dân xã", convened=25, present=24,
              high=3, normal=8, low=13)
    make_vote(session, hoa, vote_date=dt.date(2020, 12, 5), body="Ban Chấp hành Đảng bộ xã", convened=20, present=20,
              high=15, normal=4, low=1)
    make_discipline(session, hoa, level="reprimand", decision_date=dt.date(2025, 3, 10),
                    effective_to=dt.date(2099, 3, 10), decision_no="12-QĐ/UBKT")
    make_discipline(session, hoa, level="warning", decision_date=dt.date(2010, 1, 4), effective_to=dt.date(2011, 1, 4),
                    decision_no="3-QĐ/UBKT")
    mother = make_cadre(session, "Lò Thị Mai", code="CB-MAI", sex="F", birth_date=dt.date(1958, 1, 1), unit=province)
    make_relation(session, mother, hoa, "parent")  # Mai is Hoa's mother
    session.commit()
    return hoa


def test_dossier_shows_the_2c_fields(client, dossier_of_hoa):
    html = client.get("/can-bo/CB-HOA").get_data(as_text=True)
    assert "LÒ THỊ HOA" in html
    for label, value in (
        ("Tên gọi khác", "Hoa Lò"), ("Ngày, tháng, năm sinh", "02/09/1982"), ("Giới tính", "Nữ"),
        ("Nơi sinh", "Xã Bản Bo, tỉnh Lai Châu"), ("Quê quán", "Xã Bản Bo, tỉnh Lai Châu"),
        ("Dân tộc", "Thái"), ("Tôn giáo", "Không"), ("Ngày vào Đảng", "26/03/2005"),
        ("Ngày chính thức", "26/03/2006"), ("Trình độ chuyên môn", "Đại học Luật"),
        ("Lý luận chính trị", "Cao cấp"), ("Quản lý nhà nước", "Chuyên viên chính"),
        ("Ngoại ngữ", "Tiếng Anh B1"), ("Tin học", "Ứng dụng CNTT cơ bản"),
        ("Chức vụ hiện nay", "Chủ tịch UBND xã Bản Bo"),
    ):
        after = html[html.index(label):]
        assert value in after[:after.index("</dd>")], label
    assert "(từ ngày 15/06/2021)" in html
    # career history in time order, the current one "nay"
    career = html[html.index("II. Quá trình công tác"):html.index("III.")]
    assert career.index("01/08/2006") < career.index("31/12/2015") < career.index("15/06/2021") < career.index("nay")
    assert "1982-09-02" not in html


def test_dossier_ratings_in_year_order_coloured_and_worded(client, dossier_of_hoa):
    html = client.get("/can-bo/CB-HOA").get_data(as_text=True)
    strip = html[html.index('class="year-strip"'):html.index("</ol>", html.index('class="year-strip"'))]
    years = re.findall(r'<span class="year">(\d{4})</span>', strip)
    assert years == ["2021", "2022", "2023", "2024"]
    shorts = re.findall(r'<span class="short">([^<]+)</span>', strip)
    assert shorts == ["HTNV", "KHTNV", "HTTNV", "HTXSNV"]
    assert 'class="year-cell rating-excellent" title="2024: Hoàn thành xuất sắc nhiệm vụ"' in strip
    assert "95 điểm" in strip and "88,5 điểm" in strip
    # quarterly scores and the monthly chart with its table
    assert "Quý I" in html and ">87 " in html
    assert "Điểm đánh giá hằng tháng năm 2024" in html
    assert "<svg" in html and "<polyline" in html
    assert html.count('<circle') == 9


def test_dossier_flags_a_vote_with_more_than_half_low(client, dossier_of_hoa):
    html = client.get("/can-bo/CB-HOA").get_data(as_text=True)
    votes = html[html.index("V. Lấy phiếu tín nhiệm"):html.index("VI. Kỷ luật")]
    assert "05/12/2023" in votes and "Hội đồng nhân dân xã" in votes
    assert "96,0%" in votes  # present 24 of 25
    assert "54,2%" in votes  # 13 low of 24 votes
    assert votes.count("Trên 50% phiếu tín nhiệm thấp") == 1
    assert "Lấy phiếu ngày 05/12/2023: trên 50% phiếu tín nhiệm thấp" in html


def test_dossier_shows_a_discipline_in_effect(client, dossier_of_hoa):
    html = client.get("/can-bo/CB-HOA").get_data(as_text=True)
    section = html[html.index("VI. Kỷ luật"):]
    current = section[section.index("12-QĐ/UBKT") - 400:section.index("12-QĐ/UBKT") + 400]
    past = section[section.index("3-QĐ/UBKT") - 400:section.index("3-QĐ/UBKT") + 400]
    assert "Khiển trách" in current and "10/03/2025" in current and "Còn hiệu lực" in current
    assert "Cảnh cáo" in past and "04/01/2011" in past and "Hết hiệu lực" in past
    assert "Đang trong thời hạn kỷ luật: Khiển trách" in html


def test_relation_is_seen_from_both_sides(client, dossier_of_hoa):
    hoa = client.get("/can-bo/CB-HOA").get_data(as_text=True)
    family = hoa[hoa.index("III. Quan hệ gia đình"):hoa.index("IV.")]
    assert "Bố/mẹ" in family and 'href="/can-bo/CB-MAI"' in family and "1958" in family

    mai = client.get("/can-bo/CB-MAI").get_data(as_text=True)
    family = mai[mai.index("III. Quan hệ gia đình"):mai.index("IV.")]
    assert "Con" in family and "Bố/mẹ" not in family and 'href="/can-bo/CB-HOA"' in family
    assert "Chủ tịch UBND xã Bản Bo" in family


def test_dossier_of_a_cadre_with_nothing_recorded(client, session):
    make_cadre(session, "Vàng A Sính", code="CB-VAS")
    session.commit()
    html = client.get("/can-bo/CB-VAS").get_data(as_text=True)
    assert "VÀNG A SÍNH" in html
    assert "Chưa có kết quả xếp loại hằng năm." in html
    assert "Không có kỷ luật." in html


def test_unknown_cadre_is_a_404_in_vietnamese(client):
    response = client.get("/can-bo/KHONG-CO")
    assert response.status_code == 404
    assert "Không tìm thấy cán bộ có mã «KHONG-CO»" in response.get_data(as_text=True)
