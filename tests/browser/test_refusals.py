"""A refused htmx request shows its message on screen (issue 12): before, a 403 did nothing."""

from __future__ import annotations

import pytest

from tests.browser.conftest import tab

pytestmark = pytest.mark.browser


def test_an_htmx_request_the_role_may_not_make_shows_the_refusal_in_the_flash_area(browser, live_server):
    with tab(browser, live_server, "xem") as page:   # the viewer
        page.goto(f"{live_server}/can-bo/")
        # what a control the viewer cannot use would send (the page keeps its own content)
        page.evaluate("htmx.ajax('GET', '/quan-tri/nhat-ky', {target: 'main h1', swap: 'innerHTML'})")
        alert = page.locator("#flash-area .flash-error")
        alert.wait_for()
        assert "không có quyền" in alert.inner_text()
        # a record that does not exist, asked by htmx: said too
        page.evaluate("htmx.ajax('GET', '/luan-chuyen/99999999999999999999', {target: 'main h1'})")
        page.wait_for_function("document.querySelector('#flash-area').innerText.includes('không có trong hệ thống')")
