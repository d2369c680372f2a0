"""A new regulation as the Organisation Board enters it: its numbers typed in the new-version
form in human terms (percentages, choices in words, months), the verdicts it changes shown as
on its first day before anything is kept, and the set in force edited only with a reason."""

from __future__ import annotations

import datetime as dt
import re

from sqlmodel import select

from quyhoach.db.models import AuditEntry, RuleSet
from tests.web.test_planning_pages import HX, TODAY, _page, province  # noqa: F401 - fixture

URL = "/quy-hoach/bo-quy-dinh/QD377-2025/phien-ban-moi"


def _form(start, **params):
    return {"ma": "QD999-TEST", "ten": "Quy định thử nghiệm", "can_cu": "Quy định 999-QĐ/TW",
            "hieu_luc_tu": start.strftime("%d/%m/%Y"), **params}


def test_the_new_version_form_asks_for_numbers_in_human_terms(client, province):  # noqa: F811 - the fixture imported above
    html = _page(client, "/quy-hoach/bo-quy-dinh")
    form = re.search(r'<div id="new-version-QD377-2025".*?</form>', html, re.S).group(0)
    # the women's share as a percentage, not a fraction; the minimum rating as its words; months as months
    assert re.search(r'name="p_women_min_share" value="25"', form)
    assert 'name="p_women_min_share__pt" value="1"' in form
    assert re.search(r'<option value="good" selected>Hoàn thành tốt nhiệm vụ</option>', form)
    assert re.search(r'name="p_rotation_min_tenure_months" value="36"[^>]*> tháng', form)
    # no parameter's raw key shown as text on the page (only in names and addresses)
    text = re.sub(r"<[^>]+>", " ", html)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), re.findall(r"\b[a-z]+_[a-z_]+\b", text)[:5]


def test_the_changed_verdicts_are_previewed_on_the_first_day_and_nothing_is_kept(client, session, province):  # noqa: F811 - the fixture imported above
    # tomorrow, within this year (the rating window moves with the year: Bình's case is this year's)
    start = TODAY + dt.timedelta(days=1) if (TODAY + dt.timedelta(days=1)).year == TODAY.year else TODAY
    # a one-year window leaves Bình's HTNV of two years ago out: P8 passes under the new set
    response = client.post(URL, headers=HX, data=_form(start, p_rating_window_years="1", xem_truoc="1"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:2000]
    assert f"kết luận thay đổi vào ngày {start:%d/%m/%Y}" in html and "Nguyễn Văn Bình" in html and "P8" in html
    assert 'name="p_rating_window_years" value="1"' in html            # the form kept as typed
    session.expire_all()
    assert session.exec(select(RuleSet).where(RuleSet.code == "QD999-TEST")).first() is None
    assert session.exec(select(RuleSet).where(RuleSet.code == "QD377-2025")).one().valid_to is None

    created = client.post(URL, headers=HX, data=_form(start, p_rating_window_years="1", p_women_min_share="30",
                                                     p_women_min_share__pt="1"))
    assert created.status_code == 200 and "Đã tạo bộ quy định QD999-TEST" in created.get_data(as_text=True)
    session.expire_all()
    new = session.exec(select(RuleSet).where(RuleSet.code == "QD999-TEST")).one()
    assert new.params["rating_window_years"] == 1 and new.params["women_min_share"] == 0.3
    assert new.params["young_min_share"] == 0.15                         # left as the base has it


def test_a_wrong_number_names_the_parameter(client, session, province):  # noqa: F811 - the fixture imported above
    start = TODAY + dt.timedelta(days=30)
    response = client.post(URL, headers=HX, data=_form(start, p_women_min_share="130", p_women_min_share__pt="1"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Tỷ lệ cán bộ nữ tối thiểu" in html
    session.expire_all()
    assert session.exec(select(RuleSet).where(RuleSet.code == "QD999-TEST")).first() is None


def test_editing_the_set_in_force_asks_for_a_reason_kept_in_the_audit_log(client, session, province):  # noqa: F811 - the fixture imported above
    page = _page(client, "/quy-hoach/bo-quy-dinh")
    row = re.search(r'<tr id="param-QD377-2025-women_min_share".*?</tr>', page, re.S).group(0)
    assert 'name="ly_do"' in row and "required" in row
    url = "/quy-hoach/bo-quy-dinh/QD377-2025/women_min_share"
    refused = client.post(url, headers=HX, data={"gia_tri": "30", "gia_tri__pt": "1"})
    assert refused.status_code == 422 and "cần ghi lý do" in refused.get_data(as_text=True)
    session.expire_all()
    assert session.exec(select(RuleSet).where(RuleSet.code == "QD377-2025")).one().params["women_min_share"] == 0.25
    ok = client.post(url, headers=HX, data={"gia_tri": "30", "gia_tri__pt": "1", "ly_do": "Công văn 12/BTCTU"})
    assert ok.status_code == 200 and "30%" in ok.get_data(as_text=True)
    session.expire_all()
    assert session.exec(select(RuleSet).where(RuleSet.code == "QD377-2025")).one().params["women_min_share"] == 0.3
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "rule_set.parameter")).one()
    assert entry.reason == "Công văn 12/BTCTU"
