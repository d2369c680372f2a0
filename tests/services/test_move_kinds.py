"""Appointment is not rotation, in the records: an adopted plan's postings carry their kind,
a rotation its direction (R3) and its planned end (R8: at least 36 months, QĐ 65); the
dossier shows them and the officer can ask for the cadres on rotation."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

import solver
from quyhoach.db.models import Posting, Scenario, SolveRun
from quyhoach.services.platform.scope import PROVINCE_WIDE
from quyhoach.services.platform import stamp
from quyhoach.services.rotation import adoption as rotation_adoption
from quyhoach.services.rotation import views as rotation_views
from tests.builders import make_cadre, make_title, make_unit

ON = dt.date(2026, 12, 1)


def _records(session):
    province = make_unit(session, "Tỉnh Lai Châu", code="T-LC", level="province", kind="locality", is_locality=True)
    x = make_unit(session, "Xã Bản Giang", code="XA-BG", level="commune", parent=province, kind="locality",
                  is_locality=True)
    y = make_unit(session, "Xã Nậm Tăm", code="XA-NT", level="commune", parent=province, kind="locality",
                  is_locality=True)
    chair_x = make_title(session, x, "Chủ tịch UBND xã Bản Giang", code="X-CT", rank=380, is_head=True)
    deputy_x = make_title(session, x, "Phó Chủ tịch UBND xã Bản Giang", code="X-PCT", rank=350, is_deputy=True)
    deputy_y = make_title(session, y, "Phó Chủ tịch UBND xã Nậm Tăm", code="Y-PCT", rank=350, is_deputy=True)
    appointed = make_cadre(session, "Lò Văn Hùng", code="CB-A", title=deputy_x, since=dt.date(2021, 6, 1))
    rotated = make_cadre(session, "Lò Thị Hoa", code="CB-R", title=deputy_y, since=dt.date(2020, 6, 1), sex="F")
    return chair_x, deputy_x, appointed, rotated


def test_adoption_records_each_kind_with_its_direction_and_planned_end(session, client):
    _records(session)
    problem = solver.Problem(
        units=[solver.Unit("XA-BG", level="commune", locality="XA-BG"), solver.Unit("XA-NT", level="commune",
                                                                                  locality="XA-NT")],
        posts=[solver.Post("X-CT#1", "XA-BG", rank=3, is_head=True), solver.Post("X-PCT#1", "XA-BG", rank=3,
                                                                                holder="CB-A"),
               solver.Post("Y-PCT#1", "XA-NT", rank=3, holder="CB-R")],
        cadres=[solver.Cadre("CB-A", rank=3), solver.Cadre("CB-R", rank=3)],
        candidates=[solver.Candidate("CB-A", "X-CT#1", kind="appointment"),
                    solver.Candidate("CB-R", "X-PCT#1", kind="rotation")])
    plan = solver.Plan(status="optimal", objective=0, moves=[
        solver.Move("CB-A", "X-CT#1", from_post="X-PCT#1", move_kind="appointment"),
        solver.Move("CB-R", "X-PCT#1", from_post="Y-PCT#1", move_kind="rotation")])
    scenario = Scenario(name="Bố trí cuối năm", rotation_date=ON)
    session.add(scenario)
    session.flush()
    run = SolveRun(scenario_id=scenario.id, status="done", problem=solver.problem_to_dict(problem),
                   plan=solver.plan_to_dict(plan), data_stamp=stamp.current(session), rule_set="QD377-2025")
    session.add(run)
    session.flush()
    rotation_adoption.adopt(session, scenario, run, decision_no="15-NQ/TU", on=ON)
    session.commit()

    new = {p.position: p for p in session.exec(select(Posting).where(Posting.start_date == ON))}
    chair = new["Chủ tịch UBND xã Bản Giang"]
    assert (chair.kind, chair.planned_end, chair.direction) == ("appointment", None, None)
    deputy = new["Phó Chủ tịch UBND xã Bản Giang"]
    # a rotation from one commune to another: between localities; 36 months from 01/12/2026
    assert (deputy.kind, deputy.planned_end, deputy.direction) == ("rotation", dt.date(2029, 12, 1), "locality")

    rows = rotation_views.rotated_cadres(session, PROVINCE_WIDE)
    assert [(r.code, r.kind, r.planned_end) for r in rows] == [("CB-R", "rotation", dt.date(2029, 12, 1))]
    page = client.get("/can-bo/dang-luan-chuyen").get_data(as_text=True)
    assert "Lò Thị Hoa" in page and "01/12/2029" in page and "Lò Văn Hùng" not in page
    dossier = client.get("/can-bo/CB-R").get_data(as_text=True)
    assert "Luân chuyển" in dossier and "dự kiến đến 01/12/2029" in dossier
    assert "Bổ nhiệm" in client.get("/can-bo/CB-A").get_data(as_text=True)
    assert "/can-bo/dang-luan-chuyen" in client.get("/can-bo/").get_data(as_text=True)
