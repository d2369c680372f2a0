"""English when chosen, everywhere (issue 14), read in the files a user downloads: the
term-planning report (DOCX, PDF), form 2C (DOCX, PDF and its web preview) and the analytics
paper asked in English have no Vietnamese word left but the records' own (names of people,
units, titles, places, terms, as stored), and none of the catalogue's Vietnamese sentences.

The check cannot pass by accident: the same check run on the Vietnamese papers finds dozens of
words, and the English papers are asserted to carry the English labels they are expected to."""

from __future__ import annotations

import re
import unicodedata

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, select

from quyhoach import reports
from quyhoach.db.models import Cadre, RuleSet
from tests.reports.test_documents import SIGNERS, TEXT_OF
from tests.web.test_i18n_pages import VIETNAMESE
from tests.web.test_language_everywhere import texts_of, vietnamese_msgids

WORD = re.compile(r"[^\W\d_]+")
# Tables whose text is the app's own bookkeeping, not what a paper prints as data.
NOT_RECORDS = {"auditentry", "audithead", "job", "user", "usersession", "planning_change", "pool_verdict"}
# The official form's name, kept in the English paper with its English gloss (a proper name).
OFFICIAL = ("Mẫu 2C-TCTW-98",)
FORM_2C = {"training": "Học viện Chính trị khu vực I | Lý luận chính trị | 09/2015 – 06/2017 | Tập trung | Cao cấp",
           "family": "Cha | Phạm Văn Đông | 1950 | Nông dân, Nam Định\nMẹ | Trần Thị Lan | 1952 | Nội trợ",
           "spouse_family": "Cha | Lê Văn Hải | 1948 | Hưu trí",
           "salary_history": "01/2015 | Chuyên viên bậc 3 | 3.0\n01/2018 | Chuyên viên chính bậc 1 | 4.4",
           "civil_grade": "Chuyên viên chính", "salary_step": 3, "salary_coefficient": 4.98,
           "awards": "2019 | Bằng khen | Ủy ban nhân dân tỉnh", "phone": "0912 345 678",
           "self_assessment": "Luôn hoàn thành tốt nhiệm vụ được giao."}


@pytest.fixture
def signed_app(app):
    app.config["DOCUMENT_SIGNERS"] = SIGNERS
    return app


def records(session) -> tuple[set[str], list[str]]:
    """The words of every text the records hold (the paper prints them as stored), and the
    texts among them that have a Vietnamese letter."""
    texts: set[str] = set()
    for table in SQLModel.metadata.sorted_tables:
        if table.name in NOT_RECORDS:
            continue
        columns = [c for c in table.columns if isinstance(c.type, sa.String)
                   or isinstance(getattr(c.type, "impl", None), sa.String)]       # SQLModel's AutoString too
        if not columns:
            continue
        for row in session.execute(sa.select(*columns)):
            texts |= {" ".join(unicodedata.normalize("NFC", str(v)).split()) for v in row if v}
    for params in session.exec(select(RuleSet.params)):    # the regulations cited, as the rule set writes them
        texts |= {" ".join(unicodedata.normalize("NFC", v).split()) for v in (params.get("rule_basis") or {}).values()}
    words = {w for t in texts for w in WORD.findall(t)}
    return words | {w.upper() for w in words}, [t for t in texts if VIETNAMESE.search(t)]


def vietnamese_left(text: str, data_words: set[str], data_texts: list[str], msgids) -> tuple[set[str], set[str]]:
    """(words with a Vietnamese letter that no record holds, the catalogue's Vietnamese
    sentences of three words or more found in the text but not inside a record's text)."""
    for official in OFFICIAL:
        text = text.replace(official, " ")
    words = {w for w in WORD.findall(text) if VIETNAMESE.search(w) and w not in data_words}
    sentences = {msgid for msgid in msgids if msgid in text and not any(msgid in record for record in data_texts)}
    return words, sentences


def catalogue() -> list[str]:
    """The catalogue's Vietnamese sentences of three words or more without placeholders (a
    fixed label or sentence, found in a text as it is)."""
    return [m for m, _pattern in vietnamese_msgids() if len(m.split()) >= 3 and "%" not in m]


def _pdf_and_docx(session, world, app, kind: str, params: dict) -> dict[str, str]:
    built = reports.build(session, world, app, kind, params, ["docx", "pdf"])
    assert not built.errors, built.errors
    return {fmt: TEXT_OF[fmt](data) for fmt, data in built.files.items()}


def _with_form_2c(session) -> str:
    cadre = session.exec(select(Cadre).order_by(Cadre.id)).first()
    for key, value in FORM_2C.items():
        setattr(cadre, key, value)
    session.add(cadre)
    session.commit()
    return cadre.code


def test_the_papers_asked_in_english_have_no_vietnamese_left_but_the_records(session, small, signed_app):
    from quyhoach.services.planning import world as world_service

    code = _with_form_2c(session)
    world = world_service.build(session)
    data_words, data_texts = records(session)
    msgids = catalogue()
    papers = [("term-planning", {}, ["ANNEX 1", "Full name", "Date of birth"]),
              ("dossier", {"cadre": code}, ["PERSONAL RECORD OF A CADRE OR CIVIL SERVANT", "Full name at birth",
                                            "Own salary history", "SELF-ASSESSMENT", "Declarant",
                                            "Mẫu 2C-TCTW-98 (Form 2C"]),
              ("evaluations", {}, ["COMMUNIST PARTY OF VIETNAM"])]
    found_in_vietnamese = {}
    for kind, params, expected in papers:
        english = _pdf_and_docx(session, world, signed_app, kind, {**params, "lang": "en"})
        for fmt, text in english.items():
            words, sentences = vietnamese_left(text, data_words, data_texts, msgids)
            assert not words and not sentences, (kind, fmt, sorted(words)[:30], sorted(sentences)[:10])
            missing = [e for e in expected if e not in text]
            assert not missing, (kind, fmt, missing)
        vietnamese = _pdf_and_docx(session, world, signed_app, kind, params)
        for fmt, text in vietnamese.items():
            words, sentences = vietnamese_left(text, data_words, data_texts, msgids)
            found_in_vietnamese[(kind, fmt)] = (len(words), len(sentences))
    # the check has teeth: the Vietnamese papers are full of what it looks for
    assert all(w >= 10 and s >= 3 for w, s in found_in_vietnamese.values()), found_in_vietnamese


def test_form_2c_downloaded_and_previewed_in_english(session, small, signed_app):
    """The dossier's downloads and the preview page, asked from the English page."""
    code = _with_form_2c(session)
    data_words, data_texts = records(session)
    msgids = catalogue()
    client = signed_app.test_client()
    client.get("/?lang=en")
    for fmt in ("docx", "pdf"):
        answer = client.get(f"/bao-cao/ho-so/{code}.{fmt}")
        assert answer.status_code == 200, answer.status_code
        text = TEXT_OF[fmt](answer.data)
        words, sentences = vietnamese_left(text, data_words, data_texts, msgids)
        assert not words and not sentences, (fmt, sorted(words), sorted(sentences))
        assert "Full name at birth" in text and "Họ và tên khai sinh" not in text
    page = client.get(f"/bao-cao/ho-so/{code}").get_data(as_text=True)
    text = " ".join(texts_of(page[page.index('<article class="report form-2c">'):page.index("</article>")]))
    words, sentences = vietnamese_left(text, data_words, data_texts, msgids)
    assert not words and not sentences, (sorted(words), sorted(sentences))
    assert "SELF-ASSESSMENT" in text and "Colour photo" in text
    client.get("/?lang=vi")
    page = client.get(f"/bao-cao/ho-so/{code}").get_data(as_text=True)
    assert "SƠ YẾU LÝ LỊCH CÁN BỘ, CÔNG CHỨC" in page and "TỰ NHẬN XÉT" in page


def test_a_report_jobs_progress_is_kept_as_words_and_said_in_the_readers_language(app, session, small, tmp_path):
    """The job's message stays Vietnamese (its record); its detail keeps the step's words,
    which the job's page says in English to an English reader."""
    from quyhoach.db.models import Job
    from quyhoach.reports import jobs as report_jobs

    said = []

    class Context:
        engine = session.get_bind()
        payload = {"kind": "evaluations", "params": {"lang": "en"}, "formats": ["xlsx"], "out_dir": str(tmp_path),
                   "database_url": app.config["DATABASE_URL"]}

        def progress(self, fraction, message="", detail=None, *, force=False):
            said.append((message, detail))

    report_jobs.register_app(app)
    report_jobs.make_report(Context())
    assert said[0] == ("Bắt đầu", {"words": {"t": "Bắt đầu"}})
    assert ("Tạo tệp Excel", {"words": {"t": "Tạo tệp %(format)s", "a": {"format": "Excel"}}}) in said
    job = Job(id="viec-1", kind="report", status="running", title="Phân tích", message=said[-2][0],
              detail=said[-2][1], payload=Context.payload)
    session.add(job)
    session.commit()
    client = app.test_client()
    english = client.get("/bao-cao/viec/viec-1?lang=en").get_data(as_text=True)
    assert "Making the Excel file" in english and "Tạo tệp" not in english
    vietnamese = client.get("/bao-cao/viec/viec-1?lang=vi").get_data(as_text=True)
    assert "Tạo tệp Excel" in vietnamese


def test_report_pool_says_what_is_wrong_in_the_language_asked(runner):
    unknown = runner.invoke(args=["report", "--lang", "en", "pool", "to-trinh", "999"])
    assert unknown.exit_code == 1 and "there is no succession pool no. 999" in unknown.output
    nothing = runner.invoke(args=["report", "--lang", "en", "pool", "to-trinh"])
    assert nothing.exit_code == 2 and "no succession pool chosen" in nothing.output
    both = runner.invoke(args=["report", "--lang", "en", "pool", "to-trinh", "7", "--title", "CT-UBND"])
    assert both.exit_code == 2 and "pool no. 7 given" in both.output
    vietnamese = runner.invoke(args=["report", "pool", "to-trinh", "999"])
    assert vietnamese.exit_code == 1 and "không có danh sách quy hoạch số 999" in vietnamese.output
