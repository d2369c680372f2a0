"""English when chosen, everywhere (issue 14): what the rules and the solver say — the
findings' messages and evidence, the review's reasons, the diagnosis of an infeasible
scenario, the audit log's fields and values — reads in English on the English pages; the
same pages in Vietnamese say what the domain says (its Vietnamese text, unchanged). Records
(names of cadres, units, titles, terms, voting bodies) stay as written: they are taken out
before looking for Vietnamese letters."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
from sqlmodel import select

from quyhoach.db.models import Cadre, ConfidenceVote, PoliticalConclusion, PoolEntry, Term, Title, Unit
from quyhoach.services import rotation
from quyhoach.services.records import demo
from tests.support.jobs import poll_partial

VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứừửữựỳýỷỹỵ]")
HX = {"HX-Request": "true"}

# The parts of a page that carry what the rules and the solver said.
SAID = [
    r'<div class="finding-message">(.*?)</div>',
    r'<span class="gauge-message small">(.*?)</span>',
    r'<div class="gauge-message small">(.*?)</div>',
    r'<ul class="evidence[^"]*">(.*?)</ul>',
    r'<ul class="shortfalls">(.*?)</ul>',
    r'<ul class="conflicts">(.*?)</ul>',
    r'<ul class="reasons">(.*?)</ul>',
    r'<ul class="changes">(.*?)</ul>',
    r'<ul class="year-messages">(.*?)</ul>',                    # the forecast, year by year
    r'<span class="muted small">— (.*?)</span></h2>',
    r'</strong><div class="small">(.*?)</div>',                # a vacancy's cause
]


def _text(fragment: str) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def _said(page: str) -> list[str]:
    return [_text(m) for pattern in SAID for m in re.findall(pattern, page, flags=re.S)]


def _records(session) -> list[str]:
    """The names a message may quote, longest first (a unit's name inside a title's)."""
    names: set[str] = set()
    for column in (Cadre.full_name, Title.name, Unit.name, Unit.short_name, Term.name, ConfidenceVote.body,
                   PoliticalConclusion.body):
        names.update(n for n in session.exec(select(column)).all() if n)
    return sorted(names, key=len, reverse=True)


def _vietnamese_left(texts: list[str], records: list[str]) -> list[str]:
    wrong = []
    for text in texts:
        bare = text
        for name in records:
            bare = bare.replace(name, " ")
        # legal documents are cited by their Vietnamese numbers (QĐ 114, Nghị định 135/2020)
        bare = re.sub(r"QĐ \d+|Nghị định \d+/\d+", " ", bare)
        if VIETNAMESE.search(bare):
            wrong.append(text)
    return wrong


@pytest.fixture
def province(session):
    assert demo.load(session, demo.SMALL).ok
    session.commit()
    return session


def _pages(session) -> list[str]:
    entries = session.exec(select(PoolEntry).where(PoolEntry.status == "active").order_by(PoolEntry.id)).all()
    pools = sorted({e.pool_id for e in entries})[:3]
    cadres = [session.get(Cadre, e.cadre_id).code for e in entries[:3]]
    return ([f"/quy-hoach/{p}" for p in pools] + [f"/quy-hoach/can-bo/{c}" for c in cadres]
            + ["/quy-hoach/", "/quy-hoach/ra-soat", "/quy-hoach/du-bao"])


def test_the_findings_read_in_english_on_the_english_pages(client, province):
    records = _records(province)
    said = 0
    for url in _pages(province):
        response = client.get(url + "?lang=en")
        assert response.status_code == 200, url
        texts = _said(response.get_data(as_text=True))
        assert texts, url   # each page shows what the rules said
        said += len(texts)
        wrong = _vietnamese_left(texts, records)
        assert not wrong, (url, wrong[:5])
    assert said > 50   # the pages did show findings, with their numbers and evidence


def test_the_numbers_inside_a_finding_are_written_for_the_language(client, province):
    """A share in a pool's gauges: 33,3% in Vietnamese, 33.3% in English (same finding)."""
    pool_id = province.exec(select(PoolEntry.pool_id).where(PoolEntry.status == "active")).first()
    vi = " ".join(_said(client.get(f"/quy-hoach/{pool_id}", headers={"Accept-Language": "vi"}).get_data(as_text=True)))
    en = " ".join(_said(client.get(f"/quy-hoach/{pool_id}?lang=en").get_data(as_text=True)))
    vi_shares = re.findall(r"\d+,\d+%", vi)
    en_shares = re.findall(r"\d+\.\d+%", en)
    assert [s.replace(",", ".") for s in vi_shares] == en_shares
    assert not re.search(r"\d+,\d+%", en) and not re.search(r"\d+\.\d+%", vi)


def test_the_vietnamese_pages_say_what_the_domain_says(client, province):
    """The Vietnamese page shows each finding's message exactly as the domain wrote it."""
    from quyhoach.services.planning import views, world

    entry = province.exec(select(PoolEntry).where(PoolEntry.status == "active").order_by(PoolEntry.id)).first()
    code = province.get(Cadre, entry.cadre_id).code
    page = client.get(f"/quy-hoach/can-bo/{code}", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    shown = set(_said(page))
    data = views.cadre_eligibility(world.cached(province), entry.cadre_id)
    messages = {str(f.message) for f in _all_findings(data)}
    assert messages and messages <= shown, sorted(messages - shown)[:3]


def _all_findings(data) -> list:
    """Every Finding reachable in a page's data (the eligibility view's shape varies by page)."""
    from quyhoach.domain.findings import Finding

    found, seen = [], set()

    def walk(value, depth=0):
        if depth > 5 or id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, Finding):
            found.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v, depth + 1)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v, depth + 1)
        elif hasattr(value, "__dict__"):
            for v in vars(value).values():
                walk(v, depth + 1)
    walk(data)
    return found


def test_the_diagnosis_of_an_infeasible_scenario_reads_in_english(client, province):
    settings = rotation.ScenarioSettings(time_limit=5, target_min_seats=1)
    settings.targets["female"] = rotation.TargetSetting(rotation.HARD, 1.0)
    scenario = rotation.create(province, name="Nữ 100%", rotation_date=dt.date(2026, 12, 1), settings=settings)
    province.commit()
    response = client.post(f"/luan-chuyen/{scenario.id}/giai", headers=HX)
    run_id = int(re.search(r'id="run-(\d+)"', response.get_data(as_text=True)).group(1))
    poll_partial(client, f"/luan-chuyen/run/{run_id}")
    vi = client.get(f"/luan-chuyen/run/{run_id}", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    en = client.get(f"/luan-chuyen/run/{run_id}?lang=en").get_data(as_text=True)
    assert "Cơ cấu bắt buộc" in _text(vi.split('<ul class="conflicts">', 1)[1].split("</ul>", 1)[0])
    conflicts = _text(en.split('<ul class="conflicts">', 1)[1].split("</ul>", 1)[0])
    assert "Required structure" in conflicts
    records = _records(province) + [scenario.name]
    assert not _vietnamese_left([conflicts], records), conflicts


def test_an_old_plan_without_its_words_still_shows_its_text(client, province):
    """A plan stored before the words book: its Vietnamese text, as written, in both languages."""
    from quyhoach.db.models import SolveRun

    settings = rotation.ScenarioSettings(time_limit=5, target_min_seats=1)
    settings.targets["female"] = rotation.TargetSetting(rotation.HARD, 1.0)
    scenario = rotation.create(province, name="Cũ", rotation_date=dt.date(2026, 12, 1), settings=settings)
    province.commit()
    response = client.post(f"/luan-chuyen/{scenario.id}/giai", headers=HX)
    run_id = int(re.search(r'id="run-(\d+)"', response.get_data(as_text=True)).group(1))
    poll_partial(client, f"/luan-chuyen/run/{run_id}")
    run = province.get(SolveRun, run_id)
    province.refresh(run)
    message = run.plan["diagnosis"]["conflicts"][0]["message"]
    run.plan = {k: v for k, v in run.plan.items() if k != "words"}
    province.add(run)
    province.commit()
    en = html_lib.unescape(client.get(f"/luan-chuyen/run/{run_id}?lang=en").get_data(as_text=True))
    assert message in en


def test_the_audit_log_reads_in_english(client, province):
    """Each field's name and each coded value (a vocabulary's label, yes/no, a number) in
    English; what a person typed (a reason, a decision's number, a body's name) as typed."""
    page = client.get("/quan-tri/nhat-ky?lang=en").get_data(as_text=True)
    items = [_text(li) for ul in re.findall(r'<ul class="changes">(.*?)</ul>', page, flags=re.S)
             for li in re.findall(r"<li>(.*?)</li>", ul, flags=re.S)]
    assert len(items) > 100
    labels = {item.split(":", 1)[0] for item in items}
    assert not [label for label in labels if VIETNAMESE.search(label)], sorted(labels)[:10]
    values = " ".join(item.split(":", 1)[1] for item in items if ":" in item)
    assert "Reprimand" in values and "Khiển trách" not in values          # a discipline's level
    vi = client.get("/quan-tri/nhat-ky?lang=vi").get_data(as_text=True)
    assert "Khiển trách" in vi and "Reprimand" not in vi


def test_the_vietnamese_run_and_audit_pages_show_no_raw_keys_or_english(client, province):
    """The solver's and the audit log's words on the Vietnamese pages: no snake_case key, no
    English word of the interface (the checks of test_i18n_pages, on these two pages)."""
    from tests.web.test_i18n_pages import ENGLISH, RAW_KEY, _visible

    settings = rotation.ScenarioSettings(time_limit=5, target_min_seats=1)
    scenario = rotation.create(province, name="Thử", rotation_date=dt.date(2026, 12, 1), settings=settings)
    province.commit()
    response = client.post(f"/luan-chuyen/{scenario.id}/giai", headers=HX)
    run_id = int(re.search(r'id="run-(\d+)"', response.get_data(as_text=True)).group(1))
    poll_partial(client, f"/luan-chuyen/run/{run_id}")
    wrong = []
    for url in (f"/luan-chuyen/run/{run_id}?lang=vi", "/quan-tri/nhat-ky?lang=vi"):
        text = _visible(client.get(url).get_data(as_text=True)).replace("English", "")
        wrong += [(url, m) for m in sorted(set(ENGLISH.findall(text)) | set(RAW_KEY.findall(text)))]
    assert not wrong, wrong


def test_a_plans_moves_read_in_english(client, province):
    """Each move's reasons (the solver's and the candidate's own), in English."""
    scenario = rotation.create(province, name="Thử", rotation_date=dt.date(2026, 12, 1),
                               settings=rotation.ScenarioSettings(time_limit=5))
    province.commit()
    response = client.post(f"/luan-chuyen/{scenario.id}/giai", headers=HX)
    run_id = int(re.search(r'id="run-(\d+)"', response.get_data(as_text=True)).group(1))
    poll_partial(client, f"/luan-chuyen/run/{run_id}")
    en = client.get(f"/luan-chuyen/run/{run_id}?lang=en").get_data(as_text=True)
    reasons = [_text(m) for m in re.findall(r'<ul class="reasons">(.*?)</ul>', en, flags=re.S)]
    assert reasons and all("Fit " in r for r in reasons)
    assert not _vietnamese_left(reasons, _records(province)), _vietnamese_left(reasons, _records(province))[:3]
    vi = client.get(f"/luan-chuyen/run/{run_id}?lang=vi").get_data(as_text=True)
    assert "Mức phù hợp" in vi and "Fit " not in vi
