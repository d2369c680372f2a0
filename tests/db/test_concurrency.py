"""Versions that hold under concurrency: real simultaneous HTTP requests, from threads, to the
app served on PostgreSQL (QUYHOACH_TEST_DATABASE_URL; skipped otherwise — SQLite serialises
writers itself and cannot show the race).

Before issue 11 the version was compared in Python, then written: N officers saving the same
pool or scenario with the same version were all accepted, and four concurrent adds put six
cadres in a pool capped at three. Now the pool row is locked before its members are counted,
and every version is bumped by an UPDATE conditioned on it.
"""

from __future__ import annotations

import datetime as dt
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from sqlmodel import Session, select
from werkzeug.serving import make_server

from quyhoach.db.models import Pool, PoolEntry, Scenario, Term
from quyhoach.services import rotation
from quyhoach.services.planning import pools, world as world_service
from quyhoach.services.records import demo
from quyhoach.web.forms.planning import VERSION
from quyhoach.web.forms.scenarios import FIELDS
from tests.builders import make_cadre, make_evaluation, make_title, make_unit
from tests.conftest import PG_URL

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not PG_URL, reason="QUYHOACH_TEST_DATABASE_URL is not set")]

N = 6
TODAY = dt.date.today()
Y = TODAY.year


@pytest.fixture
def server(app):
    """The app on a real threaded HTTP server: each request its own thread and connection."""
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(5)


def _post(url: str, data: dict) -> int:
    return _send(url, data)[0]


def _send(url: str, data: dict) -> tuple[int, str]:
    body = urllib.parse.urlencode(data, doseq=True).encode()
    request = urllib.request.Request(url, data=body, headers={"HX-Request": "true"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _together(calls) -> list[int]:
    """Run the calls at the same moment (a barrier), one thread each; their status codes."""
    barrier = threading.Barrier(len(calls))
    results: list[int | None] = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return [r for r in results if r is not None]


@pytest.fixture
def pool(session):
    """A head's empty pool and N + 1 eligible candidates (rated HTTNV three years)."""
    term = next((t for t in session.exec(select(Term).where(Term.kind == "party"))
                 if t.start_date <= TODAY <= t.end_date), None)
    if term is None:
        pytest.skip("no seeded party term covers today")
    root = make_unit(session, "Tỉnh Mường Thanh", code="TINH", is_locality=True)
    dept = make_unit(session, "Sở Nội vụ", code="SO-NV", parent=root, kind="department")
    head = make_title(session, dept, "Giám đốc Sở Nội vụ", code="SO-NV-GD", rank=60, is_head=True)
    deputy = make_title(session, dept, "Phó Giám đốc Sở Nội vụ", code="SO-NV-PGD", rank=55, seats=N + 1,
                        is_deputy=True)
    codes = []
    for index in range(N + 1):
        cadre = make_cadre(session, f"Cán bộ Số {index}", code=f"CB-{index}", birth_date=dt.date(Y - 45, 5, 1),
                           title=deputy)
        for year in range(Y - 3, Y):
            make_evaluation(session, cadre, year, rating="good")
        codes.append(cadre.code)
    found = pools.get_or_create_pool(session, head.id, term.id)
    session.commit()
    return found, codes


def test_n_simultaneous_adds_with_one_version_one_is_accepted(server, pool, engine):
    found, codes = pool
    url = f"{server}/quy-hoach/{found.id}/them"
    version = found.version
    calls = [lambda code=code: _post(url, {"ma": code, "ly_do": "Đề xuất của tập thể lãnh đạo", VERSION: version})
             for code in codes[:N]]
    statuses = _together(calls)
    assert sorted(statuses) == [200] + [409] * (N - 1), statuses
    with Session(engine) as session:
        assert session.get(Pool, found.id).version == version + 1
        assert len(session.exec(select(PoolEntry).where(PoolEntry.pool_id == found.id)).all()) == 1


def test_the_pool_cap_holds_under_concurrent_adds(server, pool, engine):
    """Each officer retries with the fresh version until accepted or refused for a reason other
    than the version: the pool still ends at its cap, never above."""
    found, codes = pool
    with Session(engine) as session:
        cap = world_service.build(session).rule_set("planning")["pool_max_per_title"]
    url = f"{server}/quy-hoach/{found.id}/them"

    def officer(code):
        for _ in range(4 * N):
            with Session(engine) as session:
                version = session.get(Pool, found.id).version
            status = _post(url, {"ma": code, "ly_do": "Đề xuất của tập thể lãnh đạo", VERSION: version})
            if status != 409:
                return status
        return 409

    statuses = _together([lambda code=code: officer(code) for code in codes[:N]])
    with Session(engine) as session:
        members = session.exec(select(PoolEntry).where(PoolEntry.pool_id == found.id,
                                                       PoolEntry.status == "active")).all()
    assert len(members) == min(cap, N), statuses
    assert statuses.count(200) == min(cap, N) and statuses.count(422) == N - min(cap, N)


def test_n_simultaneous_scenario_saves_with_one_version_one_is_accepted(server, engine):
    with Session(engine) as session:
        assert demo.load(session, demo.SMALL).ok
        scenario = rotation.create(session, name="Luân chuyển cuối năm", rotation_date=dt.date(Y, 12, 1),
                                   settings=rotation.ScenarioSettings())
        session.commit()
        scenario_id, version = scenario.id, scenario.version
    url = f"{server}/luan-chuyen/{scenario_id}"
    settings = rotation.ScenarioSettings()

    def form(name):
        """The scenario form as the page posts it (tests/web/test_scenarios.py spells it the same way)."""
        data = {FIELDS.version: str(version), FIELDS.name: name, FIELDS.date: dt.date(Y, 12, 1).strftime("%d/%m/%Y"),
                FIELDS.description: "", FIELDS.units: settings.unit_codes,
                FIELDS.fill_vacancies: settings.fill_vacancies, FIELDS.retiring_within: str(settings.retiring_within_months),
                FIELDS.non_local: settings.non_local, FIELDS.non_local_penalty: str(settings.non_local_penalty),
                FIELDS.target_min_seats: str(settings.target_min_seats), FIELDS.max_leaving: "", FIELDS.max_arriving: "",
                FIELDS.rule_set: settings.rule_set, FIELDS.time_limit: str(settings.time_limit),
                FIELDS.assignment_count(FIELDS.pinned): "0", FIELDS.assignment_count(FIELDS.forbidden): "0"}
        for attribute, target in settings.targets.items():
            data[FIELDS.target_mode(attribute)] = target.mode
            data[FIELDS.target_share(attribute)] = str(round(target.share * 100, 2))
        for key, weight in settings.weights.items():
            data[FIELDS.weight(key)] = str(weight)
        return data

    alone = _send(url, {**form("Thử"), FIELDS.version: "0"})
    assert alone[0] == 409, alone[1][-3000:]   # a stale version alone: refused, and the form itself is valid
    statuses = _together([lambda i=i: _post(url, form(f"Bản của người thứ {i}")) for i in range(N)])
    assert statuses.count(200) == 1 and statuses.count(409) == N - 1, statuses
    with Session(engine) as session:
        assert session.get(Scenario, scenario_id).version == version + 1


def test_n_simultaneous_corrections_of_a_dossier_from_one_version_one_is_accepted(server, engine):
    """N officers opened the cadre form at once and each corrects the birth date: one saved,
    the others refused in place (the dossier changed since they opened it); one audit entry."""
    from quyhoach.db.models import AuditEntry, Cadre

    with Session(engine) as session:
        unit = make_unit(session, "Xã Bản Bo", code="BB", level="commune", kind="locality")
        cadre = make_cadre(session, "Lò Thị Hoa", code="CB-HOA", sex="F", ethnicity="03",
                           birth_date=dt.date(1982, 9, 2), unit=unit)
        session.commit()
        version = cadre.updated_at.isoformat()
    url = f"{server}/can-bo/CB-HOA/sua"

    def form(day):
        return {"mau": "cadre", "full_name": "Lò Thị Hoa", "birth_date": f"{day:02d}/09/1983", "sex": "F",
                "ethnicity": "03", "theory_level": "none", "state_mgmt_level": "none",
                "ly_do": "Đối chiếu bản gốc hồ sơ", "phien_ban": version}

    results = _together([lambda day=day: _send(url, form(day)) for day in range(1, N + 1)])
    statuses = sorted(status for status, _ in results)
    assert statuses == [204] + [422] * (N - 1), statuses
    assert all("người khác sửa" in body for status, body in results if status == 422)
    with Session(engine) as session:
        saved = session.exec(select(Cadre).where(Cadre.code == "CB-HOA")).one()
        entries = session.exec(select(AuditEntry).where(AuditEntry.action == "cadre.update")).all()
        assert len(entries) == 1 and saved.birth_date.isoformat() == entries[0].after["birth_date"]
        assert saved.updated_at.isoformat() != version
