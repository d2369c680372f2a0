"""English when chosen, everywhere; no English words in the Vietnamese pages (issue 14).

A crawler: each role signs in and opens every page of the app (every GET route of the url map
that answers with a page, with the ids of the demo province and its prepared rotation round:
a plan adopted, a ballot recorded, a review decided), in both languages.
- In English, no text of the page is a Vietnamese string of the interface: a text equal to a
  msgid of the catalogue (its placeholders standing for any value) is a string left untranslated.
  Records (names, units, titles, an officer's reason) are not msgids and stay as written.
- In Vietnamese, no raw parameter key (snake_case) and no English word of the interface.
A route the crawler does not know how to open fails the test until it is given ids or an
exemption here, so a new page is covered the day it is written.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import url_for
from babel.messages.pofile import read_po
from sqlmodel import select

from quyhoach.db.models import Cadre, Job, PoolEntry, PoolEvent, RuleSet, Scenario, SolveRun, Term, Title, Unit
from quyhoach.services.planning import pools
from quyhoach.services.platform import auth, jobs
from quyhoach.services.records import demo
from quyhoach.services.rotation import adoption, example
from tests.web import test_trust
from tests.web.test_i18n_pages import ENGLISH, RAW_KEY, VIETNAMESE
from tests.web.test_trust import PASSWORD, signed_in

secure_app = test_trust.secure_app      # the app as it runs, sign-in required (a fixture)

CATALOGUE = Path(__file__).resolve().parents[2] / "src/quyhoach/translations/en/LC_MESSAGES/messages.po"

# Routes that answer with a file, a redirect or a fragment of another page, not a page to read.
NOT_PAGES = {
    "static", "auth.logout", "imports.template", "imports.export", "evaluations.export", "reports.download",
    "reports.dossier_file", "reports.pool_paper", "admin.download_backup",
}
# The papers (a report as a page: the term-planning report, a dossier) are written in the language
# of the documents they print; their English is the reports' own work (src/quyhoach/reports).
PAPERS = {"reports.term_planning", "reports.dossier"}
# Text of a page that is a record however it reads: the language switch, a term's stored name.
RECORDS = (re.compile(r"^Tiếng Việt$"), re.compile(r"^Nhiệm kỳ [^(]*\d{4}–\d{4}"))


class Texts(HTMLParser):
    """The text nodes a person reads (not scripts, styles, <code> or code spans: a program's name
    such as pg_dump is written as it is typed), each stripped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag in ("script", "style", "code") or (tag == "span" and "code" in classes):
            self._skip.append(tag)

    def handle_endtag(self, tag):
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data):
        text = re.sub(r"\s+", " ", data).strip()
        if text and not self._skip:
            self.texts.append(text)


def texts_of(html: str) -> list[str]:
    parser = Texts()
    parser.feed(html)
    return parser.texts


# A user of each role, named without the role's code (a username is shown as written).
USERS = {role: f"nguoidung{n}" for n, role in enumerate(auth.ROLES, 1)}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sd]|%%")


def vietnamese_msgids() -> list[tuple[str, re.Pattern[str]]]:
    """Each Vietnamese msgid of the catalogue as a pattern a whole text node matches, its
    placeholders standing for any value; only those whose own words are Vietnamese and long
    enough not to be met inside a record by chance."""
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file)
    out = []
    for message in catalogue:
        for msgid in message.id if isinstance(message.id, tuple) else (message.id,):
            words = PLACEHOLDER.sub("", msgid)
            if not msgid or not VIETNAMESE.search(words) or len(words.strip(" :·,.()")) < 4:
                continue
            if PLACEHOLDER.search(msgid) and len(words.split()) < 2:
                continue        # "%(n)s lượt %(kind)s": one word between values matches any sentence with it
            pieces = [re.escape(re.sub(r"\s+", " ", p)) for p in PLACEHOLDER.split(msgid)]
            out.append((msgid, re.compile(".+?".join(pieces))))
    return out


@pytest.fixture
def province(session, database_url, monkeypatch):
    """The demo province, its prepared rotation round (the first plan adopted), a ballot and a
    review decision recorded, and a user of each role."""
    assert demo.load(session, demo.SMALL).ok
    monkeypatch.setattr(example, "TIME_LIMIT", 2.0)
    session.commit()
    runs = example.prepare(session, jobs.InlineRunner(database_url), commit=session.commit)
    session.expire_all()
    assert runs and all(r.status == "done" for r in [session.get(SolveRun, r.id) for r in runs])
    for role in auth.ROLES:
        auth.create_user(session, username=USERS[role], full_name=f"Người dùng {USERS[role]}", password=PASSWORD,
                         role=role)
    entry = session.exec(select(PoolEntry).where(PoolEntry.status == "active").order_by(PoolEntry.id)).first()
    pools.record_ballot(session, entry.id, step="key_cadres", held_on=dt.date(2026, 3, 2), convened=30, present=28,
                        issued=28, valid=28, agree=25)
    pools.decide_review_entry(session, entry.id, rules=["P8"], review_year=dt.date.today().year, accept=False,
                              reason="Hội nghị đã xem xét, giữ lại", on=dt.date.today())
    first = session.get(SolveRun, runs[0].id)
    # the first cadre the plan appoints is listed for the title they take: the adoption takes
    # them out of that pool (P12), in the app's own words
    move = first.plan["moves"][0]
    title = session.exec(select(Title).where(Title.code == move["to_post"].split("#")[0])).one()
    term = session.exec(select(Term).where(Term.kind == title.term_kind).order_by(Term.start_date.desc())).first()
    pool = pools.get_or_create_pool(session, title.id, term.id)
    cadre_id = session.exec(select(Cadre.id).where(Cadre.code == move["cadre"])).one()
    if session.exec(select(PoolEntry).where(PoolEntry.pool_id == pool.id, PoolEntry.cadre_id == cadre_id)).first() is None:
        session.add(PoolEntry(pool_id=pool.id, cadre_id=cadre_id, added_on=dt.date(2025, 1, 2), added_reason="Hội nghị"))
    adoption.adopt(session, session.get(Scenario, first.scenario_id), first, decision_no="NQ 12-NQ/TU",
                   on=dt.date(2026, 6, 1))
    session.commit()
    return [r.id for r in runs]


def stored_texts(session) -> set[str]:
    """Texts the records hold that may read like the interface: a rule set's name, a
    scenario's name and description, a cadre's religion ("Không", as the list was written), a
    unit's name, an entry's grounds, a title's appointing body."""
    texts = set(session.exec(select(RuleSet.name)).all()) | set(session.exec(select(RuleSet.legal_basis)).all())
    texts |= set(session.exec(select(Scenario.name)).all()) | set(session.exec(select(Scenario.description)).all())
    texts |= set(session.exec(select(Cadre.religion)).all()) | set(session.exec(select(Cadre.other_names)).all())
    # a unit's name ("Ban Thường vụ Tỉnh ủy" is also the letterhead's words) and the grounds an
    # officer gave for an entry ("Nghị quyết số 77-NQ/TU của …", as the list was written)
    texts |= set(session.exec(select(Unit.name)).all()) | set(session.exec(select(PoolEntry.added_reason)).all())
    texts |= set(session.exec(select(Title.appointing_authority)).all())     # "Ban Thường vụ Tỉnh ủy" as written
    return {re.sub(r"\s+", " ", t).strip() for t in texts if t}


def pages(session, app, run_ids: list[int]) -> list[str]:
    """Every page of the app, with real ids: every GET route of the url map but files."""
    cadre = session.exec(select(PoolEntry.cadre_id).order_by(PoolEntry.id)).first()
    code = session.get(Cadre, cadre).code
    unit = session.exec(select(Unit.code).where(Unit.code.startswith("XA-")).order_by(Unit.id)).first()
    pool = session.exec(select(PoolEntry.pool_id).order_by(PoolEntry.id)).first()
    scenario = session.exec(select(Scenario.id).order_by(Scenario.id)).first()
    job = session.exec(select(Job.id).order_by(Job.id)).first()
    values = {"code": code, "pool_id": pool, "scenario_id": scenario, "run_id": run_ids[-1], "job_id": job}
    by_endpoint = {"units.unit": {"code": unit}, "units.edit_form": {"code": unit},
                   "evaluations.unit": {"code": unit}}
    queries = {"scenarios.compare": "?" + "&".join(f"run={i}" for i in run_ids), "cadres.search": "?q=nguyen",
               "planning.candidates": "?q=nguyen", "planning.title_picker": "?q=chu"}
    urls, unknown = [], []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_PAGES or "GET" not in rule.methods:
            continue
        given = {**values, **by_endpoint.get(rule.endpoint, {})}
        if any(name not in given for name in rule.arguments):
            unknown.append(rule.endpoint)
            continue
        with app.test_request_context():
            urls.append((rule.endpoint, url_for(rule.endpoint, **{n: given[n] for n in rule.arguments})
                         + queries.get(rule.endpoint, "")))
    assert not unknown, f"routes the crawler cannot open yet (give them ids or list them in NOT_PAGES): {unknown}"
    return urls


def _html(response) -> str | None:
    if response.status_code != 200 or not response.mimetype.startswith("text/html"):
        return None
    return response.get_data(as_text=True)


def _english_findings(client, urls, msgids, stored) -> tuple[int, set[tuple[str, str, str]]]:
    """Pages opened, and (endpoint, msgid, text) for every text left in Vietnamese."""
    client.get("/?lang=en")
    wrong, opened = set(), 0
    for endpoint, url in urls:
        html = _html(client.get(url))
        if html is None:
            continue
        opened += 1
        if endpoint in PAPERS:
            continue
        for text in texts_of(html):
            if text in stored or any(p.match(text) for p in RECORDS):
                continue
            msgid = next((m for m, pattern in msgids if pattern.fullmatch(text)), None)
            if msgid is not None:
                wrong.add((endpoint, msgid, text[:90]))
    return opened, wrong


def _vietnamese_findings(client, urls) -> set[tuple[str, str, str]]:
    """(endpoint, what, word) for every English word or raw key in the Vietnamese pages."""
    client.get("/?lang=vi")
    wrong = set()
    for endpoint, url in urls:
        html = _html(client.get(url))
        if html is None:
            continue
        text = " ".join(texts_of(html)).replace("English", "")   # the language switch
        wrong |= {(endpoint, "english", m) for m in ENGLISH.findall(text)}
        wrong |= {(endpoint, "raw key", m) for m in RAW_KEY.findall(text)}
    return wrong


def test_every_page_speaks_the_language_chosen_for_every_role(secure_app, session, province):
    """One crawl per role and language (the province is built once: a demo and three solves)."""
    msgids, stored = vietnamese_msgids(), stored_texts(session)
    urls = pages(session, secure_app, province)
    english: set[tuple[str, str, str]] = set()
    vietnamese: set[tuple[str, str, str]] = set()
    opened = 0
    for role in auth.ROLES:
        client = signed_in(secure_app, USERS[role])
        count, found = _english_findings(client, urls, msgids, stored)
        opened, english = opened + count, english | found
        vietnamese |= _vietnamese_findings(client, urls)
    assert opened >= 3 * len(urls) // 2, "most pages open for the roles"
    assert not english, "left in Vietnamese:\n" + "\n".join(f"{e}: «{m}» in «{t}»" for e, m, t in sorted(english))
    assert not vietnamese, "in the Vietnamese pages:\n" + "\n".join(map(str, sorted(vietnamese)))

    # What the crawl cannot tell from the catalogue: the app's words built of parts.
    client = signed_in(secure_app, USERS["org_board"])
    compare = client.get(dict(urls)["scenarios.compare"] + "&lang=en").get_data(as_text=True)
    assert "women" in compare and "cán bộ nữ ≥" not in compare, "the targets compared are named in English"
    assert "(ghế" not in compare
    ballot = session.exec(select(PoolEvent).where(PoolEvent.kind == "ballot")).first()
    history = client.get(f"/quy-hoach/{ballot.pool_id}?lang=en").get_data(as_text=True)
    assert "Key cadres" in history or "key cadres" in history.lower()
    assert "25/28 votes in favour, 28/30 present" in history and "phiếu đồng ý" not in history
    adopted = session.exec(select(PoolEvent).where(PoolEvent.rule == "P12")).one()
    history = client.get(f"/quy-hoach/{adopted.pool_id}?lang=en").get_data(as_text=True)
    assert "Appointed to the post under the rotation plan «Ví dụ 1" in history
    assert "NQ 12-NQ/TU" in history and "Được bố trí" not in history
    vi = client.get(f"/quy-hoach/{ballot.pool_id}?lang=vi").get_data(as_text=True)
    assert "Hội nghị cán bộ chủ chốt: 25/28 phiếu đồng ý, 28/30 có mặt" in vi


def test_the_crawler_sees_an_untranslated_string():
    """The check itself: a catalogue's msgid, with its placeholders filled, is recognised in
    a page's text; a record's name is not."""
    msgids = vietnamese_msgids()
    texts = texts_of('<p>lấp độ tuổi 45–49 </p><td>Nguyễn Văn An</td><script>var a = "Lý do";</script>')
    assert texts == ["lấp độ tuổi 45–49", "Nguyễn Văn An"]
    found = [m for m, p in msgids for t in texts if p.fullmatch(t)]
    assert "lấp độ tuổi %(band)s" in found
    assert not [m for m, p in msgids if p.fullmatch("Nguyễn Văn An")]
