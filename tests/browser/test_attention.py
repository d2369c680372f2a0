"""Tổng quan in a real browser, for each user of the demo: what needs attention within their
units, each item opening its list filtered; the page fits 1366×768 without scrolling sideways."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import tab

pytestmark = pytest.mark.browser

USERS = ("bantochuc", "thuongvu", "xem", "canbo.xa")


@pytest.mark.parametrize("username", USERS)
def test_the_attention_page_of_each_user(browser, live_server, username, tmp_path):
    with tab(browser, live_server, username) as page:
        page.goto(f"{live_server}/")
        page.get_by_role("heading", name=re.compile("Việc cần chú ý")).wait_for()
        for section in ("exits", "pools", "vacancies", "ratings", "rotation", "reports", "changes"):
            assert page.locator(f"#attention-{section}").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        page.screenshot(path=str(tmp_path / f"tong-quan-{username}.png"), full_page=True)

        heading = page.locator("h1").inner_text()
        pools = page.locator("#attention-pools")
        if username == "canbo.xa":
            commune = heading.split("—", 1)[1].strip()
            # every unit named in the lists is the commune itself
            for link in page.locator(".by-unit a").all():
                assert link.inner_text() == commune
        # the failing pools open the dashboard, filtered to the user's unit when scoped
        pools.get_by_role("link", name="Danh sách quy hoạch chưa đạt").click()
        page.wait_for_url(re.compile(r"/quy-hoach/"))
        if username == "canbo.xa":
            assert "don_vi=" in page.url
