"""Two journeys in a real browser at 1366×768:
- the annual review with this year's ratings: a member rated "không hoàn thành nhiệm vụ" this
  year is proposed for exit with the rating as evidence; taking her out asks for confirmation
  and the row then names who decided;
- a question in a meeting: "why is she not in the pool?": the cadre found by typing her name
  without diacritics (first row), her eligibility for the pool's title picked by typing, the
  rule that bars her named."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlmodel import Session, select

from quyhoach.db.models import Cadre, Evaluation, Pool, PoolEntry, Title
from quyhoach.domain.text import fold
from quyhoach.services.platform import stamp

pytestmark = pytest.mark.browser

YEAR = dt.date.today().year


def _rate(session, cadre_id: int, year: int, rating: str) -> None:
    found = session.exec(select(Evaluation).where(Evaluation.cadre_id == cadre_id, Evaluation.period == "year",
                                                  Evaluation.year == year, Evaluation.period_no == 0)).first()
    if found is None:
        found = Evaluation(cadre_id=cadre_id, period="year", year=year, period_no=0)
    found.rating = rating
    session.add(found)


@pytest.fixture
def failed_this_year(live_server, engine):
    """A pool member rated KHTNV this year (counted once recorded): P10 proposes her exit."""
    with Session(engine) as session:
        entry = session.exec(select(PoolEntry).where(PoolEntry.status == "active").order_by(PoolEntry.id)).first()
        _rate(session, entry.cadre_id, YEAR, "fail")
        stamp.bump(session)
        session.commit()
        return entry.id, session.get(Cadre, entry.cadre_id).full_name


def test_the_annual_review_with_this_years_ratings(live_server, page, failed_this_year):
    entry_id, name = failed_this_year
    page.goto(f"{live_server}/quy-hoach/ra-soat")
    row = page.locator(f"#ra-soat-{entry_id}")
    assert name in row.inner_text() and "P10" in row.inner_text()
    assert f"năm {YEAR}: KHTNV" in row.inner_text()          # this year's rating is the evidence
    decision = page.locator(f"#decision-{entry_id}")
    decision.locator("textarea[name=ly_do]").fill("Không hoàn thành nhiệm vụ năm nay (biên bản đánh giá)")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    decision.get_by_role("button", name="Đưa ra khỏi quy hoạch").click()
    page.wait_for_selector(f"#decision-{entry_id} >> text=Đã đưa ra khỏi quy hoạch")
    assert asked and name in asked[0]                          # the confirmation names her
    assert "người quyết định: bantochuc" in page.locator(f"#decision-{entry_id}").inner_text()
    page.wait_for_function("() => document.querySelector('#review-progress').innerText.includes('Đã xử lý 1/')")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def barred_woman(live_server, engine):
    """A woman outside a pool, rated KHTNV last year: the pool's title is above her post."""
    with Session(engine) as session:
        pool = session.exec(select(Pool).join(Title, Title.id == Pool.title_id).order_by(Title.rank.desc())).first()
        title = session.get(Title, pool.title_id)
        members = set(session.exec(select(PoolEntry.cadre_id).where(PoolEntry.pool_id == pool.id)))
        names = [c.full_name for c in session.exec(select(Cadre))]
        cadre = next(c for c in session.exec(select(Cadre).where(Cadre.sex == "F").order_by(Cadre.id))
                     if c.id not in members and names.count(c.full_name) == 1)
        _rate(session, cadre.id, YEAR - 1, "fail")
        stamp.bump(session)
        session.commit()
        return cadre.full_name, cadre.code, title.name


def test_a_question_in_a_meeting_why_is_she_not_in_the_pool(live_server, page, barred_woman):
    name, code, title = barred_woman
    page.goto(f"{live_server}/can-bo/")
    page.fill("input[name=q]", fold(name))                     # typed without diacritics
    page.wait_for_function("(name) => { const a = document.querySelector('#results tbody tr td:nth-child(2) a');"
                           " return a && a.innerText.includes(name); }", arg=name)   # her, first
    page.goto(f"{live_server}/quy-hoach/can-bo/{code}")
    page.fill("input[name=q]", fold(title).split(" ")[0] + " " + fold(title).split(" ")[1])
    page.wait_for_selector(f"#title-matches >> text={title}")
    page.locator("#title-matches a", has_text=re.compile(f"^{re.escape(title)}$")).first.click()
    page.wait_for_selector(".panel.chosen")
    chosen = page.locator(".panel.chosen").inner_text()
    assert title in chosen and "Chưa đủ điều kiện" in chosen or "Không đủ điều kiện" in chosen
    assert "P10" in chosen or "P8" in chosen                   # the rating that bars her, named
    assert f"năm {YEAR - 1}: KHTNV" in chosen
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
