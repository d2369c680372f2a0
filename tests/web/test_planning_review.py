"""The annual review worklist as an officer works it: one row per pool entry with every
reason, one decision per row (keep or take out), contradictions refused, removal asked
twice, who decided shown, the rows of a unit decided together, sorted by unit and name."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from quyhoach.db.models import PoolEntry, PoolEvent, ReviewDecision
from quyhoach.services.planning import pools
from tests.builders import make_discipline, make_title, make_unit, make_cadre
from tests.web.test_planning_pages import HX, TODAY, Y, _entry, _page, _rated, province  # noqa: F401 - fixture


@pytest.fixture
def review(session, province):  # noqa: F811 - the fixture imported above
    """Vì Văn Dũng is caught twice (rated KHTNV last year: P10; disciplined this year: P9),
    Xa Văn Bảo once (P10), both in the pool of the Sở Nội vụ's head; a unit sorted before
    it (Ban Tổ chức) has one more proposal."""
    dung = province["dung"]
    make_discipline(session, dung, level="reprimand", decision_date=TODAY.replace(day=1),
                    decision_no="9-QĐ/UBKT", reason="Vi phạm quy chế")
    dept = make_unit(session, "Sở Nội vụ 2", code="SO-NV-B")   # a unit placed after by name
    bao = _rated(session, make_cadre(session, "Xa Văn Bảo", code="CB-BAO", birth_date=TODAY.replace(year=Y - 46),
                                     unit=dept), ("good", "good", "fail"))
    other = make_unit(session, "Ban Tổ chức", code="BAN-TC")
    chief = make_title(session, other, "Trưởng Ban Tổ chức", code="BTC-TB", rank=60, is_head=True)
    pool2 = pools.get_or_create_pool(session, chief.id, province["term"].id)
    cuong = _rated(session, make_cadre(session, "Lê Văn Cường", code="CB-CUONG", birth_date=TODAY.replace(year=Y - 44),
                                       unit=other), ("good", "good", "fail"))
    entries = {"dung": _entry(session, province["pool"], dung), "bao": _entry(session, province["pool"], bao),
               "cuong": _entry(session, pool2, cuong)}
    session.commit()
    return entries


def _decide(client, entry, rules, choice, reason="Đã xem xét tại hội nghị"):
    return client.post("/quy-hoach/ra-soat/quyet-dinh", headers=HX,
                       data={"muc": entry.id, "quy_tac": rules, "quyet_dinh": choice, "ly_do": reason})


def _rules(row):
    """The rules a row's decision form decides (every open reason of the row)."""
    return re.findall(r'name="quy_tac" value="([A-Z0-9]+)"', row)


def _row(html, entry):
    found = re.search(rf'<tr id="ra-soat-{entry.id}">.*?</tr>', html, re.S)
    assert found, f"no worklist row for entry {entry.id}"
    return found.group(0)


def test_one_row_per_entry_with_all_its_reasons_sorted_by_unit_then_name(client, review):
    html = _page(client, "/quy-hoach/ra-soat")
    row = _row(html, review["dung"])
    assert "P9" in row and "P10" in row and html.count(f'id="ra-soat-{review["dung"].id}"') == 1
    assert {"P9", "P10"} <= set(_rules(row))          # one decision form for all the reasons
    # Ban Tổ chức before Sở Nội vụ; in a unit, Bảo (given name) before Dũng although Xa comes after Vì
    positions = [html.index(f'id="ra-soat-{review[k].id}"') for k in ("cuong", "bao", "dung")]
    assert positions == sorted(positions)
    assert "Đã xử lý 0/3" in html


def test_removal_is_confirmed_and_decides_every_reason_naming_who_decided(client, session, review):
    row = _row(_page(client, "/quy-hoach/ra-soat"), review["dung"])
    assert 'hx-confirm="Đưa Vì Văn Dũng ra khỏi danh sách quy hoạch Giám đốc Sở Nội vụ?' in row
    rules = _rules(row)
    response = _decide(client, review["dung"], rules, "accept")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "người quyết định:" in response.get_data(as_text=True)
    session.expire_all()
    entry = session.get(PoolEntry, review["dung"].id)
    assert (entry.status, entry.exit_rule) == ("exited", "P9")
    decided = session.exec(select(ReviewDecision).where(ReviewDecision.entry_id == entry.id)).all()
    assert sorted(d.rule for d in decided) == sorted(rules) and {d.decision for d in decided} == {"accept"}
    # one exit, not one per rule
    assert len(session.exec(select(PoolEvent).where(PoolEvent.kind == "exit", PoolEvent.cadre_id == entry.cadre_id)).all()) == 1
    page = _page(client, "/quy-hoach/ra-soat")
    assert "Đã xử lý 1/3" in page and "Đã đưa ra khỏi quy hoạch" in _row(page, review["dung"])


def test_keep_then_remove_for_the_same_entry_is_refused(client, session, review):
    assert _decide(client, review["dung"], ["P10"], "reject").status_code == 200
    # the page now shows the row half decided: P9 still open, with the earlier decision named
    row = _row(_page(client, "/quy-hoach/ra-soat"), review["dung"])
    assert "Đã quyết định «Giữ lại»" in row and "P10" not in _rules(row) and "P9" in _rules(row)
    response = _decide(client, review["dung"], _rules(row), "accept")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "không thể vừa giữ lại vừa đưa ra" in html
    session.expire_all()
    assert session.get(PoolEntry, review["dung"].id).status == "active"
    assert [d.rule for d in session.exec(select(ReviewDecision))] == ["P10"]
    # keeping for the other reasons too is consistent, and closes the row
    assert _decide(client, review["dung"], _rules(row), "reject").status_code == 200
    assert "Giữ lại" in _row(_page(client, "/quy-hoach/ra-soat"), review["dung"])


def test_the_rows_of_a_unit_are_kept_together(client, session, review):
    html = _page(client, "/quy-hoach/ra-soat")
    form = re.search(r'<form id="bulk-(\d+)"', html)
    assert form, "no bulk form for the unit with two open rows"
    unit_id = int(form.group(1))
    dung_rules = re.findall(rf'name="quy_tac_{review["dung"].id}" value="([A-Z0-9]+)"', html)
    data = {"nhom": unit_id, "quyet_dinh": "reject", "ly_do": "Tập thể thống nhất giữ lại",
            "muc": [review["dung"].id, review["bao"].id],
            f"quy_tac_{review['dung'].id}": dung_rules, f"quy_tac_{review['bao'].id}": ["P10"]}
    response = client.post("/quy-hoach/ra-soat/quyet-dinh-don-vi", headers=HX, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:2000]
    assert page.lstrip().startswith('<div id="worklist">') and "Đã xử lý 2/3" in page
    session.expire_all()
    assert {"P9", "P10"} <= set(dung_rules)
    assert sorted((d.entry_id, d.rule, d.decision) for d in session.exec(select(ReviewDecision))) == sorted(
        [(review["dung"].id, rule, "reject") for rule in dung_rules] + [(review["bao"].id, "P10", "reject")])


def test_a_unit_decision_with_one_refused_row_writes_nothing(client, session, review):
    assert _decide(client, review["bao"], ["P10"], "reject").status_code == 200
    data = {"quyet_dinh": "accept", "ly_do": "Không đủ điều kiện tiếp tục",
            "muc": [review["dung"].id, review["bao"].id],
            f"quy_tac_{review['dung'].id}": ["P9", "P10"], f"quy_tac_{review['bao'].id}": ["P10"]}
    response = client.post("/quy-hoach/ra-soat/quyet-dinh-don-vi", headers=HX, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Xa Văn Bảo" in html and "không cán bộ nào được quyết định" in html
    session.expire_all()
    assert session.get(PoolEntry, review["dung"].id).status == "active"
    assert len(session.exec(select(ReviewDecision)).all()) == 1
