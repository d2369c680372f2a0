"""Records kept in the app, in a real browser (issue 11's quality bar): an officer corrects a
birth date, records a discipline, appoints a cadre and withdraws a wrong evaluation on the
dossier. Each change shows in the dossier, in its history and in the audit log, and the
planning findings on the cadre's «Điều kiện quy hoạch» page change accordingly."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from quyhoach.db.models import Cadre, Discipline, Evaluation, Pool, PoolEntry, Title, Unit
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

TODAY = dt.date.today()
LAST_YEAR = TODAY.year - 1


@pytest.fixture
def member(live_server, engine):
    """A cadre in a pool, born after 1975, never disciplined, rated for last year: the rules
    the journeys break (P6, P8, P9, P12, P13) all pass for them before."""
    with Session(engine) as session:
        disciplined = select(Discipline.cadre_id)
        rated = select(Evaluation.cadre_id).where(Evaluation.period == "year", Evaluation.year == LAST_YEAR)
        rows = session.exec(
            select(Cadre, PoolEntry, Pool).join(PoolEntry, PoolEntry.cadre_id == Cadre.id)
            .join(Pool, Pool.id == PoolEntry.pool_id)
            .where(PoolEntry.status == "active", Cadre.birth_date >= dt.date(1975, 1, 1),
                   Cadre.id.not_in(disciplined), Cadre.id.in_(rated))
            .order_by(Cadre.code)).all()
        assert rows, "the small province has a pool member to edit"
        cadre, _entry, pool = rows[0]
        title = session.get(Title, pool.title_id)
        unit = session.get(Unit, title.unit_id)
        return {"code": cadre.code, "name": cadre.full_name, "birth": cadre.birth_date,
                "title_code": title.code, "title_name": title.name, "unit_code": unit.code}


def failing_rules(page, base: str, code: str) -> set[str]:
    """The rules failed in the cadre's pools, as «Điều kiện quy hoạch» lists them."""
    page.goto(f"{base}/quy-hoach/can-bo/{code}")
    return set(page.locator("#eligibility table.list li.finding-bad .rule-id").all_inner_texts())


def open_form(page, base: str, code: str, button: str) -> None:
    page.goto(f"{base}/can-bo/{code}")
    page.locator("#edit-toolbar").get_by_role("link", name=button).click()
    page.wait_for_selector("#edit-form form")


def save(page, reason: str, button: str = "Lưu") -> None:
    """Give the reason and save: the dossier is drawn again (HX-Refresh)."""
    page.fill("#edit-form textarea[name=ly_do]", reason)
    with page.expect_navigation():
        page.locator("#edit-form").get_by_role("button", name=button).click()
    page.wait_for_selector("#edit-history table")


def audit_log(browser, base: str, code: str) -> str:
    """The audit page filtered by the cadre, as the administrator reads it."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    try:
        admin = context.new_page()
        sign_in(admin, base, "admin")
        admin.goto(f"{base}/quan-tri/nhat-ky?can_bo={code}")
        return admin.locator("main").inner_text()
    finally:
        context.close()


def test_correcting_a_birth_date(live_server, page, browser, member):
    code = member["code"]
    assert "P6" not in failing_rules(page, live_server, code)
    open_form(page, live_server, code, "Sửa thông tin cán bộ")
    old = member["birth"].strftime("%d/%m/%Y")
    assert page.input_value("#edit-form input[name=birth_date]") == old
    # born in 1966, the cadre retires before a whole term is served (P6)
    page.fill("#edit-form input[name=birth_date]", "15/03/1966")
    save(page, "Đối chiếu giấy khai sinh bản gốc")
    assert "15/03/1966" in page.locator("main").inner_text()
    history = page.locator("#edit-history table").inner_text()
    assert "Sửa thông tin cán bộ" in history and f"{old} → 15/03/1966" in history
    assert "Đối chiếu giấy khai sinh bản gốc" in history
    log = audit_log(browser, live_server, code)
    assert "15/03/1966" in log and "Đối chiếu giấy khai sinh bản gốc" in log
    assert "P6" in failing_rules(page, live_server, code)


def test_recording_a_discipline(live_server, page, browser, member):
    code = member["code"]
    assert not {"P9", "P13"} & failing_rules(page, live_server, code)
    decided = (TODAY - dt.timedelta(days=20)).strftime("%d/%m/%Y")
    open_form(page, live_server, code, "Thêm kỷ luật")
    form = page.locator("#edit-form")
    assert form.locator("input[name=decision_no]").count() == 1   # asked once, not twice
    form.locator("select[name=level]").select_option("reprimand")
    form.locator("input[name=decision_date]").fill(decided)
    form.locator("input[name=decision_no]").fill("12-QĐ/UBKTTU")
    form.locator("input[name=authority]").fill("Ủy ban Kiểm tra Tỉnh ủy")
    form.locator("input[name=reason]").fill("Vi phạm quy chế làm việc")
    save(page, "Ghi quyết định kỷ luật của Ủy ban Kiểm tra")
    page.locator("#edit-records summary").click()
    assert f"Khiển trách · {decided} · 12-QĐ/UBKTTU" in page.locator("#edit-records").inner_text()
    history = page.locator("#edit-history table").inner_text()
    assert "Thêm kỷ luật" in history and "Khiển trách" in history and decided in history
    log = audit_log(browser, live_server, code)
    assert "12-QĐ/UBKTTU" in log and "Ghi quyết định kỷ luật của Ủy ban Kiểm tra" in log
    assert {"P9", "P13"} <= failing_rules(page, live_server, code)


def test_appointing_a_cadre(live_server, page, browser, member):
    code = member["code"]
    before = failing_rules(page, live_server, code)
    assert "P12" not in before
    start = TODAY.strftime("%d/%m/%Y")
    open_form(page, live_server, code, "Bổ nhiệm, giao chức vụ")
    form = page.locator("#edit-form")
    assert form.locator("select[name=kind] option").all_inner_texts() == ["Bổ nhiệm"]
    form.locator("input[name=unit_code]").fill(member["unit_code"])
    form.locator("input[name=title_code]").fill(member["title_code"])
    form.locator("input[name=start_date]").fill(start)
    form.locator("input[name=decision_no]").fill("250-QĐ/TU")
    form.locator("input[name=decision_date]").fill(start)
    save(page, "Bổ nhiệm theo quyết định của Ban Thường vụ")
    assert member["title_name"] in page.locator("main").inner_text()
    history = page.locator("#edit-history table").inner_text()
    assert "Bổ nhiệm, giao chức vụ" in history and "250-QĐ/TU" in history and "Bổ nhiệm" in history
    log = audit_log(browser, live_server, code)
    assert "250-QĐ/TU" in log and "Bổ nhiệm theo quyết định của Ban Thường vụ" in log
    # appointed to the title they were planned for: out of that pool (P12)
    assert "P12" in failing_rules(page, live_server, code)


def test_withdrawing_a_wrong_evaluation(live_server, page, browser, member):
    code = member["code"]
    assert "P8" not in failing_rules(page, live_server, code)
    page.goto(f"{live_server}/can-bo/{code}")
    page.locator("#edit-records summary").click()
    row = page.locator("#edit-records tbody tr", has_text=f"Năm {LAST_YEAR}:")
    assert row.count() == 1
    row.get_by_role("link", name="Rút").click()
    page.wait_for_selector("#edit-form form")
    save(page, "Nhập nhầm kết quả của người khác", button="Rút bản ghi")
    page.locator("#edit-records summary").click()
    assert page.locator("#edit-records tbody tr", has_text=f"Năm {LAST_YEAR}:").count() == 0
    history = page.locator("#edit-history").inner_text()
    assert "Rút kết quả đánh giá ghi sai" in history and "Nhập nhầm kết quả của người khác" in history
    assert "Bản ghi đã rút" in history   # kept, marked, not deleted
    log = audit_log(browser, live_server, code)
    assert "Nhập nhầm kết quả của người khác" in log
    # a counted year without a rating: the recent ratings rule fails (P8)
    assert "P8" in failing_rules(page, live_server, code)
