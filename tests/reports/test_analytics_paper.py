"""The evaluation analytics as a paper (reports.analytics_paper): opened in its own library,
it has the heading, an opening citing the rating rules' legal bases (the rule sets' own
words, not their codes), the findings, a conclusion from the figures, the proposals, the
signature from the settings and "Nơi nhận" — and no internal code."""

from __future__ import annotations

import pytest
from sqlmodel import select

from quyhoach import reports
from quyhoach.db.models import RuleSet
from quyhoach.reports import analytics_paper
from quyhoach.services.evaluations import analytics
from tests.reports.test_documents import SIGNERS, TEXT_OF, _flat, internal_codes
from tests.reports.test_procedure import printed_inside


def test_the_analytics_paper_opens_finds_concludes_and_is_signed(session, small, app):
    app.config["DOCUMENT_SIGNERS"] = SIGNERS
    built = reports.build(session, small, app, "evaluations", {"issuer": "ban-to-chuc", "number": "31"}, ["docx", "pdf"])
    assert not built.errors
    ev = analytics.evaluation_analytics(session, small)
    bases = analytics_paper.bases(session, ev)
    stored = {r.legal_basis.rstrip(".;") for r in session.exec(select(RuleSet).where(RuleSet.domain == "rating"))}
    assert bases and set(bases) <= stored
    conclusion = analytics_paper.conclusion(ev)
    assert conclusion
    for fmt, data in built.files.items():
        text = TEXT_OF[fmt](data)
        for words in ("TỈNH ỦY NẬM KHAO", "BAN TỔ CHỨC", "BÁO CÁO", "Số 31-BC/BTCTU", f"Căn cứ {bases[0]};",
                      "KẾT QUẢ PHÂN TÍCH", "Kết luận", conclusion[0], "Đề xuất, kiến nghị", "Nơi nhận:",
                      "K/T TRƯỞNG BAN", "Nguyễn Thị Mai Anh"):
            assert _flat(words) in text, (fmt, words)
        assert internal_codes(session, text) == [], fmt


def test_the_conclusion_names_the_units_above_the_cap_by_name(session, small):
    ev = analytics.evaluation_analytics(session, small)
    words = " ".join(analytics_paper.conclusion(ev))
    assert ev.breaking_units                    # the small province has units above the cap
    assert ev.breaking_units[0].name in words and "vượt mức trần" in words
    assert all(u.code not in words for u in ev.breaking_units)


@pytest.mark.slow
def test_every_page_of_the_analytics_paper_prints_inside_the_page(session, small, app, tmp_path):
    built = reports.build(session, small, app, "evaluations", {}, ["docx", "pdf"])
    for fmt, data in built.files.items():
        assert printed_inside(tmp_path, f"danh-gia-{fmt}", fmt, data) >= 2
