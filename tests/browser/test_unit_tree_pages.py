"""A long branch of the unit tree, in a real browser (issue 15: 1,023 communes under one
province): "Xem thêm" loads the next page in place until every child is listed once, in the
tree's order; the box filters the branch by name. Pages of 3 here (the small province)."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from quyhoach.db.models import Unit
from quyhoach.services.records import queries

pytestmark = pytest.mark.browser


def _wait(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the page did not change"
        time.sleep(0.05)


def test_show_more_lists_every_child_once_in_order_then_the_filter_narrows_it(live_server, page, engine, monkeypatch):
    monkeypatch.setattr(queries, "TREE_PAGE_SIZE", 3)
    with Session(engine) as session:
        parent_id = session.exec(select(Unit.parent_id).where(Unit.parent_id.is_not(None)).group_by(Unit.parent_id)
                                  .order_by(sa.func.count().desc())).first()
        parent = session.get(Unit, parent_id)
        ids = queries._ordered_children(session, {parent_id})[parent_id]
        code_of = dict(session.exec(select(Unit.id, Unit.code).where(Unit.id.in_(ids))).all())
        expected = [code_of[i] for i in ids]
    assert len(expected) > 6, "the small province has a branch of more than two pages"

    page.goto(f"{live_server}/to-chuc/?mo={parent.code}")
    children = page.locator(f"#branch-{parent.code} > li[id^=u-]")
    more = page.locator(f"#branch-{parent.code} > li.tree-more a")
    assert children.count() == 3
    while more.count():
        shown = children.count()
        more.click()
        _wait(lambda shown=shown: children.count() > shown)
    codes = [i.removeprefix("u-") for i in children.evaluate_all("els => els.map(e => e.id)")]
    assert codes == expected

    box = page.locator(f"#branch-{parent.code} > li.tree-filter input[name=loc]")
    word = page.locator(f"#u-{codes[-1]} .tree-name a").inner_text().split()[-1]
    box.fill(word)
    box.press("Enter")
    _wait(lambda: children.count() < len(codes))
    assert f"u-{codes[-1]}" in [i for i in children.evaluate_all("els => els.map(e => e.id)")]
    assert "đơn vị có tên khớp" in page.locator(f"#branch-{parent.code} > li.tree-filter").inner_text()
