"""Every main page fits a 1366×768 screen (the officers' laptops) without horizontal
scrolling, the open exit form of a pool member and the review worklist included; each page
is photographed (into $QH_SCREENSHOTS when set) to be looked at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlmodel import Session, select

from quyhoach.db.models import Cadre, Pool, PoolEntry, Unit

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 1366, 768

# the widest elements, to name in the failure what overflows
_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      wide.push((el.id ? '#' + el.id : el.tagName.toLowerCase() + '.' + el.className) + ' right=' + Math.round(box.right));
    }
  }
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth, wide: wide.slice(0, 6)};
}"""


@pytest.fixture
def ids(live_server, engine):
    with Session(engine) as session:
        entry = session.exec(select(PoolEntry).where(PoolEntry.status == "active").order_by(PoolEntry.id)).first()
        pool = session.get(Pool, entry.pool_id)
        cadre = session.get(Cadre, entry.cadre_id)
        unit = session.exec(select(Unit).order_by(Unit.id)).first()
        return {"pool": pool.id, "cadre": cadre.code, "unit": unit.code, "entry": entry.id}


def _pages(ids):
    return [
        ("tong-quan", "/"), ("to-chuc", "/to-chuc/"), ("don-vi", f"/to-chuc/{ids['unit']}"),
        ("can-bo", "/can-bo/?q=nguyen"), ("dang-luan-chuyen", "/can-bo/dang-luan-chuyen"),
        ("ho-so", f"/can-bo/{ids['cadre']}"), ("dieu-kien", f"/quy-hoach/can-bo/{ids['cadre']}"),
        ("quy-hoach", "/quy-hoach/"), ("danh-sach", f"/quy-hoach/{ids['pool']}"),
        ("goi-y", f"/quy-hoach/{ids['pool']}/goi-y"), ("ra-soat", "/quy-hoach/ra-soat"),
        ("du-bao", "/quy-hoach/du-bao"), ("bo-quy-dinh", "/quy-hoach/bo-quy-dinh"),
        ("danh-gia", "/danh-gia/"), ("luan-chuyen", "/luan-chuyen/"), ("bao-cao", "/bao-cao/"),
        ("nhap-du-lieu", "/nhap-du-lieu/"), ("nhat-ky", "/quan-tri/nhat-ky"),
    ]


def _shots() -> Path | None:
    folder = os.environ.get("QH_SCREENSHOTS")
    if not folder:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder)


def _fits(page, name: str, shots: Path | None) -> str | None:
    page.wait_for_load_state("networkidle")
    found = page.evaluate(_OVERFLOW)
    if shots:
        page.screenshot(path=str(shots / f"{name}.png"))
    if found["scroll"] > found["inner"]:
        return f"{name}: scrollWidth {found['scroll']} > {found['inner']}: {found['wide']}"
    return None


def test_every_main_page_fits_1366_by_768(live_server, browser, ids):
    """As the officer who sees every control (the Organization Board); the audit log as the admin."""
    from tests.browser.conftest import tab

    shots = _shots()
    wrong = []
    for user in ("bantochuc", "admin"):
        with tab(browser, live_server, user, viewport={"width": WIDTH, "height": HEIGHT}) as page:
            for name, url in _pages(ids):
                if (name == "nhat-ky") != (user == "admin"):
                    continue
                response = page.goto(f"{live_server}{url}")
                assert response.status == 200, (user, url, response.status)
                wrong.append(_fits(page, name, shots))
            if user == "bantochuc":
                # a pool member's exit form, opened
                page.goto(f"{live_server}/quy-hoach/{ids['pool']}")
                page.locator(f"#exit-form-{ids['entry']} summary").click()
                wrong.append(_fits(page, "danh-sach-dua-ra", shots))
    wrong = [w for w in wrong if w]
    assert not wrong, "\n".join(wrong)
