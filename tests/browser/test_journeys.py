"""An Organization Board officer in a real browser: search as you type, open a dossier,
walk the tree, check an import file."""

from __future__ import annotations

import re

import pytest

from tests.files import UNITS, csv_bytes

pytestmark = pytest.mark.browser


def test_search_as_you_type_without_diacritics_then_open_the_dossier(live_server, page):
    page.goto(f"{live_server}/can-bo/")
    first_total = page.locator("#results").inner_text()
    page.fill("input[name=q]", "thi")  # "Thị", every woman with that middle name
    page.wait_for_function("(before) => !document.querySelector('#results').innerText.startsWith(before)",
                           arg=first_total.split("\n")[0])
    rows = page.locator("#results tbody tr")
    assert rows.count() > 0
    names = rows.locator("td:nth-child(2) a").all_inner_texts()
    assert all("Thị" in n for n in names if n)
    assert "q=thi" in page.url  # the search is in the address bar, so it can be shared
    rows.first.locator("td:nth-child(2) a").click()
    page.wait_for_url(re.compile(r"/can-bo/[^/?]+$"))
    assert page.locator("h1").inner_text().isupper()
    assert page.get_by_text("Kết quả đánh giá, xếp loại").count() >= 1
    assert re.search(r"\d{2}/\d{2}/\d{4}", page.locator("main").inner_text())


def test_tree_branch_opens_in_place(live_server, page):
    page.goto(f"{live_server}/to-chuc/")
    closed = page.locator("details[hx-get]").first
    code = closed.get_attribute("hx-get").split("mo=")[1]
    closed.locator("summary").click()
    # the children arrive by htmx and replace the fallback link
    page.wait_for_selector(f"#branch-{code} .tree-leaf, #branch-{code} details")
    assert page.locator(f"#branch-{code} .tree-fallback").count() == 0
    child = page.locator(f"#branch-{code} a").first
    child_name = child.inner_text()
    child.click()
    page.wait_for_url(re.compile(r"/to-chuc/[^/?]+$"))
    assert child_name in page.locator("h1").inner_text()


def test_a_bad_import_is_refused_row_by_row_in_the_browser(live_server, page, tmp_path):
    bad = [r[:] for r in UNITS]
    bad[2][3] = "liên xã"
    path = tmp_path / "don-vi.csv"
    path.write_bytes(csv_bytes(bad))
    page.goto(f"{live_server}/nhap-du-lieu/")
    page.select_option("select[name=kind]", "units")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.wait_for_selector("#problems")
    row = page.locator("#problems tbody tr").first.inner_text()
    assert "3" in row and "Cấp" in row and "liên xã" in row
    assert page.get_by_role("button", name="Nhập").count() == 0
