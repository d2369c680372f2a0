"""Journey 2 in a real browser: the Board prepares a scenario on the small province, solves
it and watches the progress, prepares an alternative with fewer moves, compares the two
side by side, and the Standing Committee adopts one."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import sign_in, sign_out

pytestmark = pytest.mark.browser

DATE = "01/12/2026"


def _create(page, live_server, name: str) -> str:
    page.goto(f"{live_server}/luan-chuyen/")
    form = page.locator("#new-form")
    form.locator("input[name=ten]").fill(name)
    form.locator("input[name=ngay]").fill(DATE)
    form.get_by_role("button", name="Tạo phương án").click()
    page.wait_for_url(re.compile(r"/luan-chuyen/\d+$"))
    return page.url


def _solve_and_watch(page) -> str:
    """Press «Giải», see the run card appear, and wait for its partial to stop polling."""
    page.locator("#runs").get_by_role("button", name="Giải", exact=True).click()
    card = page.locator("#runs article.run-card").first
    card.wait_for()
    run_id = card.get_attribute("id")
    page.wait_for_selector(f"#{run_id}.run-done", timeout=60_000)
    done = page.locator(f"#{run_id}")
    assert done.get_attribute("hx-trigger") is None          # no more polling once finished
    assert "Giá trị mục tiêu" in done.inner_text()
    return run_id.split("-")[1]


def test_prepare_solve_compare_and_adopt(live_server, page):
    first_url = _create(page, live_server, "Luân chuyển đợt 1")
    assert page.locator("#preview").inner_text().count("vị trí") >= 1
    first_run = _solve_and_watch(page)

    # An alternative with fewer moves: a copy with a heavier weight on each move.
    page.get_by_role("button", name="Sao chép thành phương án mới").click()
    page.wait_for_url(re.compile(r"/luan-chuyen/\d+$"))
    assert page.url != first_url
    settings = page.locator("#settings")
    settings.locator("input[name=ten]").fill("Luân chuyển đợt 1 — ít xáo trộn")
    settings.locator("input[name=w_moves]").fill("40")
    settings.get_by_role("button", name="Lưu thiết lập").click()
    page.wait_for_selector("#settings >> text=Đã lưu")
    second_run = _solve_and_watch(page)

    # Compare the two from the list.
    page.goto(f"{live_server}/luan-chuyen/")
    # ticked the alternative first: the comparison keeps the order of the clicks, not the list's
    page.locator(f"input[name=run][value='{second_run}']").check()
    page.locator(f"input[name=run][value='{first_run}']").check()
    assert page.locator(f"input[name=run][value='{second_run}'] ~ .compare-rank").inner_text() == "1"
    page.get_by_role("button", name=re.compile("So sánh các lần giải")).click()
    page.wait_for_url(re.compile(r"/luan-chuyen/so-sanh\?"))
    assert page.url.endswith(f"?run={second_run}&run={first_run}")
    columns = page.locator("#overview thead th.plan-col").all_inner_texts()
    assert [c.split("\n")[0] for c in columns] == ["Luân chuyển đợt 1 — ít xáo trộn", "Luân chuyển đợt 1"]
    overview = page.locator("#overview").inner_text()
    assert "Số lượt điều động" in overview
    page.locator("#holders").wait_for()

    # The Standing Committee adopts the first plan (the Board may not: the policy says so).
    sign_out(page)
    sign_in(page, live_server, "thuongvu")
    page.goto(f"{live_server}/luan-chuyen/run/{first_run}")
    form = page.locator("#adopt-form")
    form.get_by_role("button", name="Thông qua phương án này").click()      # no decision number: refused by the browser
    assert page.url.endswith(f"/luan-chuyen/run/{first_run}")
    form.locator("input[name=so_qd]").fill("15-NQ/TU")
    form.locator("input[name=ghi_chu]").fill("Hội nghị Ban Thường vụ")
    form.locator("input[name=xac_nhan]").check()      # it cannot be undone: asked, with the pools named
    form.get_by_role("button", name="Thông qua phương án này").click()
    page.wait_for_url(re.compile(r"/luan-chuyen/\d+(#adoption)?$"))
    adoption = page.locator("#adoption")
    adoption.wait_for()
    assert "15-NQ/TU" in adoption.inner_text()
    assert page.locator("#settings fieldset.settings-grid[disabled]").count() == 1
    assert page.locator("#runs").get_by_role("button", name="Giải", exact=True).count() == 0
