"""Who made a change: a pool change made through the web by a signed-in user is theirs in
the pool's history (the actor comes from the request, not from an argument a handler could
forget), and a change with no request and no command is the system's."""

from __future__ import annotations

from sqlmodel import select

from quyhoach.db.models import AuditEntry, PoolEvent
from quyhoach.services.platform import audit, auth
from tests.web.test_planning_pages import HX, _version, on_the_day, province  # noqa: F401 - fixture
from tests.web.test_trust import PASSWORD, secure_app, signed_in  # noqa: F401 - fixture


def test_a_pool_change_through_the_web_records_the_signed_in_user(secure_app, session, province):  # noqa: F811
    auth.create_user(session, username="cb.tochuc", full_name="Cán bộ Ban Tổ chức", password=PASSWORD,
                     role="org_board")
    session.commit()
    client = signed_in(secure_app, "cb.tochuc")
    pool_id, entry = province["pool"].id, province["entries"]["binh"]
    response = client.post(f"/quy-hoach/{pool_id}/ra/{entry.id}", headers=HX, data={
        "ly_do": "Chuyển công tác sang tỉnh khác", "phien_ban": _version(session, pool_id)})
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    event = session.exec(select(PoolEvent).where(PoolEvent.pool_id == pool_id, PoolEvent.kind == "exit")).one()
    assert event.actor == "cb.tochuc" and on_the_day(event.on)
    logged = session.exec(select(AuditEntry).where(AuditEntry.action == "pool.exit")).one()
    assert logged.actor == "cb.tochuc"
    assert audit.current_actor() == "hệ thống"          # the request's actor did not outlive it
