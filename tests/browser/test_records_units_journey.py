"""A commune merged into another (the 2025 reform), in a real browser: the officer fills the
merger on the unit page, reads the preview (who moves, which titles go) before anything is
written, confirms; the unit is closed, its titles and people are in the other commune, each
moved cadre's dossier history and the audit log say so."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from quyhoach.db.models import Cadre, Posting, Unit
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

TODAY = dt.date.today()


def test_merging_a_commune_into_another(live_server, page, browser, engine):
    with Session(engine) as session:
        unit = session.exec(select(Unit).where(Unit.code == "XA-TIA-CHAI")).one()
        held = session.exec(select(Cadre.code, Cadre.full_name).join(Posting, Posting.cadre_id == Cadre.id).where(
            Posting.unit_id == unit.id, Posting.end_date.is_(None)).order_by(Cadre.code)).all()
    assert held, "the small province has people in Xã Tìa Chải"
    code, name = held[0]
    on = TODAY.strftime("%d/%m/%Y")

    page.goto(f"{live_server}/to-chuc/XA-TIA-CHAI")
    page.locator("#unit-edit").get_by_role("link", name="Hợp nhất vào đơn vị khác").click()
    form = page.locator("#unit-edit-form")
    form.locator("input[name=into]").fill("XA-PHINH-DINH")
    form.locator("input[name=on]").fill(on)
    form.locator("input[name=decision_no]").fill("1656/NQ-UBTVQH15")
    form.locator("input[name=decision_date]").fill(on)
    form.locator("textarea[name=ly_do]").fill("Sắp xếp đơn vị hành chính cấp xã")
    form.get_by_role("button", name="Xem trước").click()
    preview = page.locator("#unit-edit-form .org-preview")
    preview.wait_for()
    assert f"{name} ({code})" in preview.inner_text() and "Xã Phình Dình" in preview.inner_text()
    with Session(engine) as session:   # nothing written yet
        assert session.exec(select(Unit.active).where(Unit.code == "XA-TIA-CHAI")).one() is True
    with page.expect_navigation():
        page.locator("#unit-edit-form").get_by_role("button", name="Xác nhận và lưu").click()
    assert "Không còn hoạt động" in page.locator("main").inner_text()

    page.goto(f"{live_server}/can-bo/{code}")
    page.wait_for_selector("#edit-history table")
    history = page.locator("#edit-history table").inner_text()
    assert "Chuyển chức vụ theo sắp xếp tổ chức" in history and "Sắp xếp đơn vị hành chính cấp xã" in history
    assert "Xã Phình Dình" in page.locator("main").inner_text()   # the post now held there

    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    try:
        admin = context.new_page()
        sign_in(admin, live_server, "admin")
        admin.goto(f"{live_server}/quan-tri/nhat-ky?thao_tac=unit.merge")
        log = admin.locator("main").inner_text()
        assert "Sáp nhập đơn vị" in log and "Hợp nhất vào: XA-PHINH-DINH" in log and "1656/NQ-UBTVQH15" in log
        admin.goto(f"{live_server}/quan-tri/nhat-ky?can_bo={code}")
        assert "Chuyển chức vụ theo sắp xếp tổ chức" in admin.locator("main").inner_text()
    finally:
        context.close()
