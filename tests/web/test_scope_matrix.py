"""Jurisdiction, route by route: every route × role × (in scope, out of scope, just outside,
nonexistent), with real ids of the small demo province, against a table written by hand.

Eight users: each role once for the whole province and once scoped to a commune (the first
commune, Huổi Tùng). For a route whose URL (or form) names a record, the record is asked for as:
- "in": one of the commune's own records (for a report job: one the user made);
- "out": the same kind of record of another commune (a report job: another commune's, made by
  someone else);
- "next": the nearest id or code to an own record that lies outside the commune (what id
  enumeration tries first; a report job: of the user's own commune, made by someone else);
- "missing": an id or code that does not exist.
What the user may not see is answered exactly as what does not exist: the table gives the
answer for a record the user may see and the one for a record they may not.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

import pytest
from sqlmodel import select

from quyhoach.db.models import Cadre, Job, Pool, PoolEntry, Posting, RuleSet, Scenario, SolveRun, Title, Unit
from quyhoach.services.platform import auth, jobs
from quyhoach import create_app
from tests.web.test_trust import EXPECTED, HOLDERS, PASSWORD, routes, signed_in

ROLES = ("org_board", "standing_committee", "viewer", "admin")
# Permissions a user scoped to a unit never holds, whatever their role (by hand: issue 12).
UNSCOPED_ONLY = {"rule_sets", "admin"}


@dataclass(frozen=True)
class Row:
    """One request: the URL and form with {placeholders}, the kind of record that varies
    (`subject`, None when the route names none), and the answers: for a record the user
    may see (`seen`) and for one they may not, or that does not exist (`unseen`)."""

    endpoint: str
    method: str
    url: str
    subject: str | None
    seen: int
    unseen: int = 404
    data: tuple[tuple[str, str], ...] = ()
    absent: int | None = None   # a record that does not exist, to a user who sees the whole province (default: unseen)


def row(endpoint, method, url, subject=None, seen=200, unseen=404, absent=None, **data):
    return Row(endpoint, method, url, subject, seen, unseen, tuple(data.items()), absent)


# By hand. A POST is sent with the form shown (nothing that would write a good record: the
# answers are the refusals of an incomplete form, 422 or 409, once jurisdiction is passed).
TABLE: list[Row] = [
    row("home.index", "GET", "/"),
    row("units.tree", "GET", "/to-chuc/"),
    row("units.tree", "GET", "/to-chuc/?mo={unit}", "unit", 200, 200),        # a unit outside: the tree, not opened
    row("units.unit", "GET", "/to-chuc/{unit}", "unit"),
    row("units.edit_form", "GET", "/to-chuc/{unit}/sua", "unit"),
    row("units.edit", "POST", "/to-chuc/{unit}/sua", "unit", 422, mau="rename", name="", ly_do=""),
    row("cadres.search", "GET", "/can-bo/?q="),
    row("cadres.search", "GET", "/can-bo/?don_vi={unit}", "unit", 200, 200),   # a unit outside filters nothing in
    row("cadres.rotated", "GET", "/can-bo/dang-luan-chuyen"),
    row("cadres.dossier", "GET", "/can-bo/{cadre}", "cadre"),
    row("cadres.edit_form", "GET", "/can-bo/{cadre}/sua", "cadre"),
    row("cadres.edit", "POST", "/can-bo/{cadre}/sua", "cadre", 422, mau="add-evaluations"),
    row("cadres.history", "GET", "/can-bo/{cadre}/lich-su", "cadre"),
    row("imports.index", "GET", "/nhap-du-lieu/"),
    row("imports.template", "GET", "/nhap-du-lieu/mau/cadres.csv"),
    row("imports.export", "GET", "/nhap-du-lieu/xuat/cadres.csv"),
    row("imports.check", "POST", "/nhap-du-lieu/kiem-tra", None, 302, kind="cadres"),   # no file: back to the form
    row("imports.commit", "POST", "/nhap-du-lieu/ghi", None, 404),   # no checked import to write
    row("imports.stop", "POST", "/nhap-du-lieu/dung", None, 204, check_id="abcdefghijklmnop"),   # the «Dừng» mark of a check
    row("planning.dashboard", "GET", "/quy-hoach/"),
    row("planning.dashboard", "GET", "/quy-hoach/?don_vi={unit}", "unit", 200, 200),   # held to the user's own unit
    row("planning.pool", "GET", "/quy-hoach/{pool}", "pool"),
    row("planning.pool", "GET", "/quy-hoach/{own_pool}?ma={cadre}", "cadre", 200, 200),
    row("planning.add_form", "GET", "/quy-hoach/{pool}/them", "pool", 302),   # not from htmx: back to the pool page
    row("planning.add", "POST", "/quy-hoach/{pool}/them", "pool", 422, ly_do="", ma=""),
    row("planning.add", "POST", "/quy-hoach/{own_pool}/them", "cadre", 409, 422, ma="{cadre}"),   # no version: 409
    row("planning.candidates", "GET", "/quy-hoach/{pool}/tim-can-bo?q=ca", "pool"),
    row("planning.remove", "POST", "/quy-hoach/{entry_pool}/ra/{entry}", "entry", 409),
    row("planning.ballot", "POST", "/quy-hoach/{pool}/phieu", "pool", 422),
    row("planning.suggestions", "GET", "/quy-hoach/{pool}/goi-y", "pool"),
    row("planning.review", "GET", "/quy-hoach/ra-soat"),
    row("planning.review_progress", "GET", "/quy-hoach/ra-soat/tien-do"),
    row("planning.decide", "POST", "/quy-hoach/ra-soat/quyet-dinh", "entry", 422, muc="{entry}", quy_tac="E1"),
    # an entry out of scope is not picked: "no cadre chosen", as for one that does not exist
    row("planning.decide_unit", "POST", "/quy-hoach/ra-soat/quyet-dinh-don-vi", None, 422, muc="{entry}", quy_tac_0="E1"),
    row("planning.forecast", "GET", "/quy-hoach/du-bao"),
    row("planning.rule_sets", "GET", "/quy-hoach/bo-quy-dinh"),
    row("planning.parameter", "POST", "/quy-hoach/bo-quy-dinh/{rule_set}/pool_max_per_title", "rule_set", 422, gia_tri="x"),
    row("planning.new_rule_set", "POST", "/quy-hoach/bo-quy-dinh/{rule_set}/phien-ban-moi", "rule_set", 422, absent=422),
    row("planning.cadre_eligibility", "GET", "/quy-hoach/can-bo/{cadre}", "cadre"),
    row("planning.title_picker", "GET", "/quy-hoach/can-bo/{cadre}/chuc-danh?q=chu", "cadre"),
    row("scenarios.index", "GET", "/luan-chuyen/"),
    row("scenarios.create", "POST", "/luan-chuyen/", None, 422),
    row("scenarios.scenario", "GET", "/luan-chuyen/{scenario}", "scenario"),
    row("scenarios.save", "POST", "/luan-chuyen/{scenario}", "scenario", 409),
    row("scenarios.copy", "POST", "/luan-chuyen/{scenario}/sao-chep", "scenario", 303),
    row("scenarios.solve", "POST", "/luan-chuyen/{scenario}/giai", "scenario", 303),
    row("scenarios.sweep", "GET", "/luan-chuyen/{scenario}/quet", "scenario", 302),
    row("scenarios.sweep", "POST", "/luan-chuyen/{scenario}/quet", "scenario", 422),
    row("scenarios.run", "GET", "/luan-chuyen/run/{run}", "run"),
    row("scenarios.stop", "POST", "/luan-chuyen/run/{run}/dung", "run", 303),
    row("scenarios.resolve", "POST", "/luan-chuyen/run/{run}/giai-lai", "run", 303),
    row("scenarios.relax", "POST", "/luan-chuyen/run/{run}/noi", "run", 422),
    row("scenarios.adopt", "POST", "/luan-chuyen/run/{run}/thong-qua", "run", 422),
    row("scenarios.compare", "GET", "/luan-chuyen/so-sanh?run={run}", "run", 422),   # one run: not enough to compare
    row("evaluations.index", "GET", "/danh-gia/"),
    row("evaluations.index", "GET", "/danh-gia/?don_vi={unit}", "unit"),
    row("evaluations.export", "GET", "/danh-gia/xuat.xlsx"),
    row("evaluations.unit", "GET", "/danh-gia/don-vi/{unit}", "unit"),
    row("reports.index", "GET", "/bao-cao/"),
    row("reports.pool_paper", "GET", "/bao-cao/danh-sach/{pool}/to-trinh.docx", "pool"),
    row("reports.create", "POST", "/bao-cao/tao", "cadre", 302, absent=422, loai="dossier", ma="{cadre}"),
    row("reports.create", "POST", "/bao-cao/tao", "unit", 302, absent=422, loai="term-planning", don_vi="{unit}"),
    row("reports.create", "POST", "/bao-cao/tao", "scenario", 422, absent=422, loai="scenario-decision",
        phuong_an="{scenario}"),
    # a pool's minutes without a recorded ballot: refused in words (422) once jurisdiction is passed
    row("reports.create", "POST", "/bao-cao/tao", "pool", 422, absent=422, loai="pool-minutes", danh_sach="{pool}"),
    row("reports.job", "GET", "/bao-cao/viec/{job}", "job"),
    row("reports.stop", "POST", "/bao-cao/viec/{job}/dung", "job", 302),
    row("reports.download", "GET", "/bao-cao/tai/{job}/docx", "job"),
    row("reports.term_planning", "GET", "/bao-cao/quy-hoach?don_vi={unit}", "unit"),
    row("reports.dossier", "GET", "/bao-cao/ho-so/{cadre}", "cadre"),
    row("reports.dossier_file", "GET", "/bao-cao/ho-so/{cadre}.docx", "cadre"),
    row("reports.decision", "GET", "/bao-cao/quyet-dinh?phuong_an={scenario}", "scenario", 404),   # no plan yet: 404 too
    row("admin.index", "GET", "/quan-tri/", None, 302),
    row("admin.users", "GET", "/quan-tri/nguoi-dung"),
    row("admin.create_user", "POST", "/quan-tri/nguoi-dung", None, 422),
    row("admin.toggle_user", "POST", "/quan-tri/nguoi-dung/{user}/trang-thai", "user", 302),
    row("admin.unlock_user", "POST", "/quan-tri/nguoi-dung/{user}/mo-khoa", "user", 302),
    row("admin.reset_password", "POST", "/quan-tri/nguoi-dung/{user}/mat-khau", "user", 302),   # refused, said on the list
    row("admin.audit_log", "GET", "/quan-tri/nhat-ky"),
    row("admin.backups", "GET", "/quan-tri/sao-luu"),
    row("admin.make_backup", "POST", "/quan-tri/sao-luu", None, 302),
    row("admin.download_backup", "GET", "/quan-tri/sao-luu/{backup}", "backup", 404),
]
# Sign-in and sign-out change the session itself: tests/web/test_trust.py walks them.
NOT_WALKED = {("auth.login", "GET"), ("auth.login", "POST"), ("auth.logout", "POST")}
# Kinds of record that are one for the whole province (no "out of scope" to ask for).
PROVINCE_WIDE = {"rule_set", "user", "backup"}


class _Held:
    """A job runner that keeps what it is given: nothing is solved or made here."""

    def __init__(self) -> None:
        self.jobs: list[str] = []

    def enqueue(self, job_id: str) -> None:
        self.jobs.append(job_id)


def _nearest(candidates, own, outside):
    """The value nearest to one of `own` that is `outside` (ids by number, codes in order)."""
    ordered = sorted(candidates)
    best = None
    for value in own:
        index = ordered.index(value)
        for step in range(1, len(ordered)):
            for other in (index - step, index + step):
                if 0 <= other < len(ordered) and outside(ordered[other]):
                    distance = step
                    if best is None or distance < best[0]:
                        best = (distance, ordered[other])
                    break
            else:
                continue
            break
    assert best is not None
    return best[1]


@pytest.fixture
def secure_app(engine, database_url, tmp_path):
    """The app as it runs: sign-in required (CSRF has its own test)."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path),
                      "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})
    app.extensions["quyhoach.engine"].dispose()
    app.extensions["quyhoach.engine"] = engine
    return app


@pytest.fixture
def province(secure_app, session, tmp_path):
    """The small demo province, eight users, scenarios, runs and report jobs in two communes."""
    from quyhoach.services import rotation
    from quyhoach.services.records import demo

    assert demo.load(session, demo.SMALL).ok
    communes = session.exec(select(Unit).where(Unit.code.startswith("XA-")).order_by(Unit.code)).all()
    mine, other = communes[0], communes[1]
    for role in ROLES:
        auth.create_user(session, username=f"p.{role}", full_name=role, password=PASSWORD, role=role)
        if role in auth.UNSCOPED_ROLES:
            # refused at creation now; one made before that (or by hand) must still do nothing
            made = auth.create_user(session, username=f"x.{role}", full_name=role, password=PASSWORD, role=role)
            made.scope_unit_id = mine.id
        else:
            auth.create_user(session, username=f"x.{role}", full_name=role, password=PASSWORD, role=role,
                             scope_unit_code=mine.code)
    spare = auth.create_user(session, username="du.phong", full_name="Dự phòng", password=PASSWORD, role="viewer")
    session.flush()
    subtree = {u.id for u in session.exec(select(Unit)).all() if u.id == mine.id or u.parent_id == mine.id}

    def units_of(cadre_id):
        return set(session.exec(select(Posting.unit_id).where(Posting.cadre_id == cadre_id, Posting.end_date.is_(None))))

    cadres = {c.code: c.id for c in session.exec(select(Cadre))}
    own_cadres = sorted(code for code, cid in cadres.items() if units_of(cid) & subtree)
    other_cadres = sorted(code for code, cid in cadres.items() if units_of(cid) & {other.id} and not units_of(cid) & subtree)
    pools = {p.id: unit_id for p, unit_id in session.exec(select(Pool, Title.unit_id).join(Title, Title.id == Pool.title_id))}
    own_pools = sorted(pid for pid, uid in pools.items() if uid in subtree)
    other_pools = sorted(pid for pid, uid in pools.items() if uid == other.id)
    entries = {e.id: e.pool_id for e in session.exec(select(PoolEntry))}
    own_entries = sorted(eid for eid, pid in entries.items() if pid == own_pools[0])
    units = {u.code: u.id for u in session.exec(select(Unit))}

    scenarios, runs = {}, {}
    for key, codes in (("mine", [mine.code]), ("other", [other.code]), ("province", [])):
        scenario = rotation.create(session, name=f"Phương án {key}", rotation_date=dt.date(2026, 12, 1),
                                   settings=rotation.ScenarioSettings(unit_codes=codes, time_limit=3))
        session.flush()
        scenarios[key] = scenario.id
        run = SolveRun(scenario_id=scenario.id, status="failed")
        session.add(run)
        session.flush()
        runs[key] = run.id

    def report_job(owner, unit):
        folder = tmp_path / "reports" / uuid.uuid4().hex
        folder.mkdir(parents=True)
        (folder / "bao-cao.docx").write_bytes(b"PK fake")
        job = jobs.create(session, "report", {"kind": "term-planning", "params": {"unit": unit.code}, "formats": ["docx"],
                                              "out_dir": str(folder), "scope": {"units": [unit.id], "need": "all"}},
                          "Báo cáo", owner=owner)
        job.status, job.result = jobs.DONE, {"files": {"docx": "bao-cao.docx"}}
        return job.id

    own_jobs = {f"{kind}.{role}": report_job(f"{kind}.{role}", mine) for kind in "px" for role in ROLES}
    others_job_here, others_job_there = report_job("someone", mine), report_job("someone", other)
    rule_set = session.exec(select(RuleSet.code).where(RuleSet.domain == "planning")).first()
    session.commit()

    def outside(kind):
        return {
            "cadre": lambda code: not units_of(cadres[code]) & subtree,
            "unit": lambda code: units[code] not in subtree,
            "pool": lambda pid: pools[pid] not in subtree,
            "entry": lambda eid: pools[entries[eid]] not in subtree,
            "scenario": lambda sid: sid != scenarios["mine"],
            "run": lambda rid: rid != runs["mine"],
        }[kind]

    values = {
        "in": {"cadre": own_cadres[0], "unit": mine.code, "pool": own_pools[0], "entry": own_entries[0],
               "scenario": scenarios["mine"], "run": runs["mine"], "rule_set": rule_set, "user": spare.id},
        "out": {"cadre": other_cadres[0], "unit": other.code, "pool": other_pools[0],
                "entry": next(e for e, p in entries.items() if p in other_pools), "scenario": scenarios["other"],
                "run": runs["other"], "job": others_job_there},
        "next": {"cadre": _nearest(cadres, own_cadres, outside("cadre")), "unit": _nearest(units, [mine.code], outside("unit")),
                 "pool": _nearest(pools, own_pools, outside("pool")), "entry": _nearest(entries, own_entries, outside("entry")),
                 "scenario": _nearest(scenarios.values(), [scenarios["mine"]], outside("scenario")),
                 "run": _nearest(runs.values(), [runs["mine"]], outside("run")), "job": others_job_here},
        "missing": {"cadre": "KHONG-CO", "unit": "KHONG-CO", "pool": 999999, "entry": 999999, "scenario": 999999,
                    "run": 999999, "job": str(uuid.uuid4()), "rule_set": "KHONG-CO", "user": 999999,
                    "backup": "khong-co.zip"},
    }
    for case in values.values():
        if "entry" in case:
            case["entry_pool"] = entries.get(case["entry"], own_pools[0])
    secure_app.extensions["quyhoach.jobs"] = _Held()
    return {"values": values, "own_jobs": own_jobs, "own_pool": own_pools[0], "own_run": runs["mine"],
            "names": {"cadre": {c.code: c.full_name for c in session.exec(select(Cadre))},
                      "unit": {u.code: u.name for u in session.exec(select(Unit))}},
            "mine": mine, "other": other, "other_cadres": other_cadres}


def _cases(subject: str | None) -> tuple[str, ...]:
    if subject is None:
        return ("none",)
    if subject == "backup":
        return ("missing",)
    if subject in PROVINCE_WIDE:
        return ("in", "missing")
    return ("in", "out", "next", "missing")


def _may_see(username: str, case: str, subject: str | None) -> bool:
    """By hand: what each user may see of each case."""
    role, scoped = username[2:], username.startswith("x.")
    if case in ("none", "in"):
        return True
    if case == "missing":
        return False
    if subject == "job":   # another user's report: only a role that reads others' reports, within its units
        return role in HOLDERS["others_reports"] and (case == "next" or not scoped)
    return not scoped


def _expected(item: Row, username: str, case: str) -> int:
    permission = EXPECTED[(item.endpoint, item.method)]
    role, scoped = username[2:], username.startswith("x.")
    if role not in HOLDERS[permission] or (scoped and permission in UNSCOPED_ONLY):
        return 403
    if _may_see(username, case, item.subject):
        return item.seen
    return item.absent if (item.absent is not None and case == "missing" and not scoped) else item.unseen


def _fill(text: str, values: dict, province: dict, username: str) -> str:
    filled = dict(values)
    filled["job"] = values.get("job", province["own_jobs"][username])
    filled.update(own_pool=province["own_pool"], own_run=province["own_run"])
    return text.format(**filled)


def test_the_table_walks_every_route(secure_app):
    walked = {(item.endpoint, item.method) for item in TABLE}
    assert walked | NOT_WALKED == {(rule.endpoint, method) for rule, method in routes(secure_app)}


def test_the_cases_are_real_and_distinct(province):
    values = province["values"]
    for kind in ("cadre", "unit", "pool", "entry"):
        assert len({values[case][kind] for case in ("in", "out", "next", "missing")}) == 4, kind
    assert values["next"]["pool"] not in (values["out"]["pool"], values["in"]["pool"])


def test_every_route_by_every_role_in_and_out_of_scope_answers_as_the_table_says(secure_app, province):
    users = [f"{kind}.{role}" for kind in "px" for role in ROLES]
    clients = {name: signed_in(secure_app, name) for name in users}
    wrong, checked = [], 0
    for item in TABLE:
        for case in _cases(item.subject):
            values = province["values"].get(case, {})
            if item.subject and item.subject != "job" and item.subject not in values:
                continue
            for username in users:
                url = _fill(item.url, {k: v for k, v in province["values"]["in"].items()} | values, province, username)
                data = {k: _fill(v, province["values"]["in"] | values, province, username) for k, v in item.data}
                response = clients[username].open(url, method=item.method, data=data if item.method == "POST" else None)
                expected = _expected(item, username, case)
                checked += 1
                if response.status_code != expected:
                    wrong.append((item.endpoint, item.method, item.url, case, username, response.status_code, expected))
                elif (case in ("out", "next") and expected != 403 and not _may_see(username, case, item.subject)
                      and item.subject in province["names"]):
                    # refused as if it did not exist: nothing of the record is shown
                    name = province["names"][item.subject].get(values[item.subject], "")
                    if name and name in response.get_data(as_text=True):
                        wrong.append((item.endpoint, item.url, case, username, "shows", name))
    assert not wrong, "\n".join(map(str, wrong))
    assert checked > 1000


# --------------------------------------------------------------------------- lists and links

PAGES = ("/", "/to-chuc/", "/can-bo/?q=", "/can-bo/dang-luan-chuyen", "/quy-hoach/", "/quy-hoach/ra-soat",
         "/quy-hoach/du-bao", "/danh-gia/", "/bao-cao/", "/luan-chuyen/", "/quy-hoach/{own_pool}",
         "/quy-hoach/{own_pool}/goi-y")


def test_a_scoped_users_pages_list_and_link_only_within_their_units(secure_app, province):
    """Home page, tree, search, filters, worklist, pool helpers: nothing of another commune,
    and every link on them opens (no "not found" at the end of a link)."""
    client = signed_in(secure_app, "x.org_board")
    other = province["other"]
    outsider = province["names"]["cadre"][province["other_cadres"][0]]
    links: set[str] = set()
    for page in PAGES:
        url = page.format(own_pool=province["own_pool"])
        response = client.get(url)
        text = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert other.code not in text and other.name not in text, url
        assert province["other_cadres"][0] not in text, url
        links |= {link for link in re.findall(r'href="(/[^"#]*)', text) if not link.startswith("/static/")}
    # a record of the commune may name what lies outside it (a dossier's past posts elsewhere, the
    # pools of higher titles its cadre is checked against): named, and linked only where it opens
    own = province["values"]["in"]["cadre"]
    for url in (f"/can-bo/{own}", f"/quy-hoach/can-bo/{own}", f"/can-bo/{own}/lich-su"):
        response = client.get(url)
        assert response.status_code == 200, url
        links |= {link for link in re.findall(r'href="(/[^"#]*)', response.get_data(as_text=True))
                  if not link.startswith("/static/")}
    # the pool's helpers: search, the add form with a cadre picked
    own_pool = province["own_pool"]
    found = client.get(f"/quy-hoach/{own_pool}/tim-can-bo?q={outsider.split()[-1]}",
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert outsider not in found
    picked = client.get(f"/quy-hoach/{own_pool}/them?ma={province['other_cadres'][0]}",
                        headers={"HX-Request": "true"}).get_data(as_text=True)
    assert outsider not in picked
    broken = []
    for link in sorted(links - {"/dang-xuat"}):
        status = client.get(link.replace("&amp;", "&")).status_code
        if status in (403, 404) or status >= 500:
            broken.append((link, status))
    assert not broken and len(links) > 30, broken


def test_a_scoped_home_page_counts_only_their_units(secure_app, province, session):
    page = signed_in(secure_app, "x.viewer").get("/").get_data(as_text=True)
    whole = signed_in(secure_app, "p.viewer").get("/").get_data(as_text=True)
    counts = [re.findall(r'<span class="num">([^<]+)</span>', text) for text in (page, whole)]
    assert counts[0] != counts[1]
    subtree = {u.id for u in session.exec(select(Unit)) if u.id == province["mine"].id or u.parent_id == province["mine"].id}
    assert counts[0][1] == str(len(subtree))


def test_a_scoped_officer_cannot_widen_a_scenario_to_another_commune(secure_app, province, session):
    from quyhoach.services import rotation
    from tests.web.test_scenarios import _form

    client = signed_in(secure_app, "x.org_board")
    scenario_id = province["values"]["in"]["scenario"]
    mine, other = province["mine"].code, province["other"].code
    wider = _form(rotation.ScenarioSettings(unit_codes=[mine, other], time_limit=3), name="Mở rộng")
    response = client.post(f"/luan-chuyen/{scenario_id}", data=wider)
    assert response.status_code == 422 and "ngoài phạm vi quản lý" in response.get_data(as_text=True)
    province_wide = _form(rotation.ScenarioSettings(unit_codes=[], time_limit=3), name="Toàn tỉnh")
    assert client.post(f"/luan-chuyen/{scenario_id}", data=province_wide).status_code == 422
    session.expire_all()
    assert session.get(Scenario, scenario_id).settings["unit_codes"] == [mine]
    kept = _form(rotation.ScenarioSettings(unit_codes=[mine], time_limit=3), name="Của xã")
    assert client.post(f"/luan-chuyen/{scenario_id}", data=kept).status_code == 303


def test_a_scoped_officers_new_scenario_is_of_their_commune(secure_app, province, session):
    client = signed_in(secure_app, "x.org_board")
    response = client.post("/luan-chuyen/", data={"ten": "Luân chuyển của xã", "ngay": "01/12/2026"})
    assert response.status_code == 303
    scenario_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    assert client.get(f"/luan-chuyen/{scenario_id}").status_code == 200
    session.expire_all()
    assert session.get(Scenario, scenario_id).settings["unit_codes"] == [province["mine"].code]


def test_a_scoped_officer_cannot_edit_the_rule_sets_nor_see_their_forms(secure_app, province, session):
    client = signed_in(secure_app, "x.org_board")
    page = client.get("/quy-hoach/bo-quy-dinh").get_data(as_text=True)
    assert "/phien-ban-moi" not in page and 'name="gia_tri"' not in page
    code = province["values"]["in"]["rule_set"]
    assert client.post(f"/quy-hoach/bo-quy-dinh/{code}/pool_max_per_title", data={"gia_tri": "9"}).status_code == 403
    assert "/phien-ban-moi" in signed_in(secure_app, "p.org_board").get("/quy-hoach/bo-quy-dinh").get_data(as_text=True)


def test_report_jobs_keep_their_owner(secure_app, province, session):
    client = signed_in(secure_app, "x.viewer")
    assert client.post("/bao-cao/tao", data={"loai": "term-planning"}).status_code == 302
    job_id = secure_app.extensions["quyhoach.jobs"].jobs[-1]
    session.expire_all()
    assert session.get(Job, job_id).owner == "x.viewer"
    assert signed_in(secure_app, "p.viewer").get(f"/bao-cao/viec/{job_id}").status_code == 404
    assert signed_in(secure_app, "x.standing_committee").get(f"/bao-cao/viec/{job_id}").status_code == 200


def test_every_url_parameter_says_what_it_names(secure_app):
    """A route whose URL names a record declares which kind (checked by the guard), or says it
    names none; a new route that forgets is refused at run time and fails here."""
    from quyhoach.services.platform.scope import VISIBLE
    from quyhoach.web.auth import NOT_A_RECORD, PROVINCE_WIDE_RECORD, params_of

    missing = []
    for rule, _method in routes(secure_app):
        declared = params_of(rule.endpoint, secure_app)
        for name in rule.arguments:
            if declared.get(name) not in {*VISIBLE, NOT_A_RECORD, PROVINCE_WIDE_RECORD}:
                missing.append((rule.endpoint, name))
    assert not missing


def test_a_url_parameter_that_declares_nothing_is_refused(secure_app, province):
    from flask import Blueprint

    from quyhoach.web.auth import guarded

    loose = guarded(Blueprint("loose", __name__), write="edit_records")
    loose.add_url_rule("/thu/<code>", "peek", lambda code: f"secret {code}")
    secure_app.register_blueprint(loose)
    response = signed_in(secure_app, "p.admin").get(f"/thu/{province['values']['in']['cadre']}")
    assert response.status_code == 403 and "secret" not in response.get_data(as_text=True)


def test_an_own_dossiers_form_does_not_open_another_cadres_record_by_id(secure_app, province, session):
    from quyhoach.db.models import Evaluation

    own = province["values"]["in"]["cadre"]
    theirs = session.exec(select(Evaluation).join(Cadre, Cadre.id == Evaluation.cadre_id)
                          .where(Cadre.code == province["other_cadres"][0])).first()
    mine = session.exec(select(Evaluation).join(Cadre, Cadre.id == Evaluation.cadre_id).where(Cadre.code == own)).first()
    client = signed_in(secure_app, "x.org_board")
    assert client.get(f"/can-bo/{own}/sua?mau=update-evaluations&id={mine.id}").status_code == 200
    assert client.get(f"/can-bo/{own}/sua?mau=update-evaluations&id={theirs.id}").status_code == 404
    assert client.get(f"/can-bo/{own}/sua?mau=withdraw-evaluations&id={theirs.id}").status_code == 404
