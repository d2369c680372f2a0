"""Tổng quan: what needs attention, per user, within their units, on the small demo province."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from quyhoach import create_app
from quyhoach.db.models import Cadre, Posting, Unit
from quyhoach.services.planning import judging, views, world as world_service
from quyhoach.services.platform import audit, auth
from tests.web.test_trust import PASSWORD, signed_in


@pytest.fixture
def secure_app(engine, database_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path),
                      "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})
    app.extensions["quyhoach.engine"].dispose()
    app.extensions["quyhoach.engine"] = engine
    return app


def _section(page: str, name: str) -> str:
    start = page.index(f'id="attention-{name}"')
    return page[start:page.index("</section>", start)]


def _count(section: str) -> int:
    return int(re.search(r'<span class="count">([\d.]+)</span>', section).group(1).replace(".", ""))


def test_each_user_sees_what_needs_attention_within_their_units(secure_app, session: Session):
    from quyhoach.services.records import demo

    assert demo.load(session, demo.SMALL).ok
    communes = session.exec(select(Unit).where(Unit.code.startswith("XA-")).order_by(Unit.code)).all()
    mine, other = communes[0], communes[1]
    auth.create_user(session, username="tinh", full_name="Ban Tổ chức", password=PASSWORD, role="org_board")
    auth.create_user(session, username="can.bo.xa", full_name="Cán bộ xã", password=PASSWORD, role="org_board",
                     scope_unit_code=mine.code)
    auth.create_user(session, username="xem", full_name="Người xem", password=PASSWORD, role="viewer")
    own_cadre = session.exec(select(Cadre).join(Posting, Posting.cadre_id == Cadre.id)
                             .where(Posting.unit_id == mine.id, Posting.end_date.is_(None))).first()
    other_cadre = session.exec(select(Cadre).join(Posting, Posting.cadre_id == Cadre.id)
                               .where(Posting.unit_id == other.id, Posting.end_date.is_(None))).first()
    # two changes by someone else, one in each commune
    audit.record(session, "cadre.update", f"cadre:{own_cadre.code}", actor="nguoi.khac", after={"x": 1})
    audit.record(session, "cadre.update", f"cadre:{other_cadre.code}", actor="nguoi.khac", after={"x": 2})
    session.commit()
    world = world_service.build(session)
    failing = [j for j in judging.judge_all(world) if not views.pool_meets_all(j)]
    subtree = {u.id for u in session.exec(select(Unit)).all() if u.id == mine.id or u.parent_id == mine.id}
    own_failing = [j for j in failing if j.facts.title.unit_id in subtree]
    assert failing and own_failing and len(own_failing) < len(failing)

    province = signed_in(secure_app, "tinh").get("/").get_data(as_text=True)
    pools = _section(province, "pools")
    assert _count(pools) == len(failing)
    assert f'href="/quy-hoach/{failing[0].record.id}"' in pools          # the worst first
    changes = _section(province, "changes")
    assert own_cadre.code in changes and other_cadre.code in changes
    assert f'href="/can-bo/{own_cadre.code}/lich-su"' in changes
    for name in ("exits", "vacancies", "ratings", "rotation", "reports"):
        assert f'id="attention-{name}"' in province

    commune = signed_in(secure_app, "can.bo.xa").get("/").get_data(as_text=True)
    pools = _section(commune, "pools")
    assert _count(pools) == len(own_failing)
    own_ids = {j.record.id for j in own_failing}
    linked = {int(i) for i in re.findall(r'href="/quy-hoach/(\d+)"', commune)}
    assert linked and linked <= own_ids
    assert f"don_vi={other.code}" not in commune and other.name not in commune
    changes = _section(commune, "changes")
    assert own_cadre.code in changes and other_cadre.code not in changes
    assert f'href="/quy-hoach/?don_vi={mine.code}"' in commune          # the lists open filtered to the commune

    viewer = signed_in(secure_app, "xem").get("/").get_data(as_text=True)
    assert _count(_section(viewer, "pools")) == len(failing)
    assert "/quan-tri/nhat-ky" not in viewer                            # the audit page is the admin's


def test_own_changes_are_not_listed_as_others(secure_app, session: Session):
    auth.create_user(session, username="tinh", full_name="Ban Tổ chức", password=PASSWORD, role="org_board")
    audit.record(session, "rule_set.update", "rule_set:QD-377", actor="tinh", after={"x": 1})
    audit.record(session, "rule_set.update", "rule_set:QD-378", actor="nguoi.khac", after={"x": 1})
    session.commit()
    changes = _section(signed_in(secure_app, "tinh").get("/").get_data(as_text=True), "changes")
    assert "QD-378" in changes and "QD-377" not in changes


def test_the_vacancies_item_opens_the_forecast_on_exactly_those_titles(secure_app, session: Session):
    """"Titles falling vacant with no eligible successor" links to the forecast filtered to
    the seats it counts (not every vacancy of the unit): the same titles, the same number."""
    from quyhoach.services.planning import attention, forecast
    from quyhoach.services.records import demo

    assert demo.load(session, demo.SMALL).ok
    auth.create_user(session, username="tinh", full_name="Ban Tổ chức", password=PASSWORD, role="org_board")
    # the seat vacant today loses its successor: its pool emptied
    from quyhoach.db.models import Pool, PoolEntry, Title

    title = session.exec(select(Title).where(Title.name == "Chủ tịch HĐND phường Đông Thanh")).one()
    pool_ids = session.exec(select(Pool.id).where(Pool.title_id == title.id)).all()
    for entry in session.exec(select(PoolEntry).where(PoolEntry.pool_id.in_(pool_ids))).all():
        session.delete(entry)
    session.commit()
    world = world_service.build(session)
    whole = forecast.vacancy_forecast(session, world).forecast
    counted = attention.uncovered_soon(whole)
    assert counted and len(counted) < len(whole.vacancies)    # the filter leaves some vacancies out

    client = signed_in(secure_app, "tinh")
    section = _section(client.get("/").get_data(as_text=True), "vacancies")
    assert _count(section) == len(counted)
    link = re.search(r'<h3><a href="([^"]+)"', section).group(1).replace("&amp;", "&")
    assert "chua_ke_can=1" in link
    page = client.get(link).get_data(as_text=True)
    shown = page.split('id="forecast-filtered"')[1]
    rows = re.findall(r'<td class="num">\d+</td>\s*<td>([^<]+)<div class="muted small">', shown)
    assert sorted(rows) == sorted(v.title.name for v in counted)
    everything = client.get("/quy-hoach/du-bao").get_data(as_text=True)
    assert len(re.findall(r'<td class="date">', everything)) == len(whole.vacancies) > len(rows)
