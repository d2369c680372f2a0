"""A rotation round in a real browser, from a new scenario to the decision report: the units
picked on the tree ("all communes" at once), the settings saved, solved, the plan read, and
the decision report opened."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_a_rotation_round_from_a_new_scenario_to_the_decision_report(live_server, page, tmp_path):
    page.goto(f"{live_server}/luan-chuyen/")
    form = page.locator("#new-form")
    form.locator("input[name=ten]").fill("Đợt 1 — các xã")
    # the date proposed fits the ratings recorded: kept as it is
    form.get_by_role("button", name="Tạo phương án").click()
    page.wait_for_url(re.compile(r"/luan-chuyen/\d+$"))

    tree = page.locator("#unit-tree")
    tree.locator("input[data-check-group=communes]").check()
    communes = tree.locator("input[data-group=communes]")
    assert communes.count() > 1 and all(box.is_checked() for box in communes.all())
    assert f"Đã chọn {communes.count()} đơn vị" in tree.locator("#unit-count").inner_text()
    # solving with the changes not saved: asked first; declined, nothing is solved
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.locator("#runs").get_by_role("button", name="Giải", exact=True).click()
    assert asked and "chưa lưu" in asked[0]
    assert page.locator("#runs article.run-card").count() == 0
    page.locator("#settings").get_by_role("button", name="Lưu thiết lập").click()
    page.wait_for_selector("#settings >> text=Đã lưu")
    page.screenshot(path=str(tmp_path / "phuong-an.png"), full_page=True)

    page.locator("#runs").get_by_role("button", name="Giải", exact=True).click()
    card = page.locator("#runs article.run-card").first
    card.wait_for()
    run_id = card.get_attribute("id")
    page.wait_for_selector(f"#{run_id}.run-done", timeout=90_000)
    page.locator(f"#{run_id}").get_by_role("link", name=re.compile("Xem phương án")).click()
    page.wait_for_url(re.compile(r"/luan-chuyen/run/\d+$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    body = page.locator("main").inner_text()
    # a plan with moves lists them; one that leaves vacancies empty says why
    assert "Các lượt điều động" in body or "Vì sao còn vị trí khuyết để trống" in body
    page.screenshot(path=str(tmp_path / "lan-giai.png"), full_page=True)

    page.get_by_role("link", name="Báo cáo quyết định").click()
    page.wait_for_url(re.compile(r"/bao-cao/quyet-dinh"))
    assert "Đợt 1 — các xã" in page.locator("main").inner_text()
    page.screenshot(path=str(tmp_path / "bao-cao.png"), full_page=True)
