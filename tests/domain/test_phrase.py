"""A Phrase: the Vietnamese text the CLI and the reports read, and the same sentence in the
reader's language, its numbers written for that language (dates dd/mm/yyyy in both); stored
as JSON and read back; the solver's twin (`solver.messages.Said`) said the same way."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import re
from pathlib import Path

from babel.support import Translations

from quyhoach.domain import eligibility, structure
from quyhoach.domain.phrase import Num, Phrase, Share, say
from solver.messages import Said, listed
from tests.domain.fact_builders import cadre, discipline, title, vote
from tests.domain.test_eligibility import INDEX, NEXT_TERM, ON, RULES

CATALOGUES = Path(__file__).resolve().parents[2] / "src" / "quyhoach" / "translations"
EN = Translations.load(str(CATALOGUES), ["en"])
VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")


def english(value) -> str:
    return say(value, EN.gettext, "en")


def test_the_vietnamese_text_is_the_string_and_english_is_said_from_the_template():
    said = Phrase("%(low)s/%(present)s phiếu tín nhiệm thấp (%(share)s), quá %(limit)s số có mặt",
                  low=21, present=36, share=Share(21 / 36), limit=Share(0.5))
    assert said == "21/36 phiếu tín nhiệm thấp (58,3%), quá 50% số có mặt"
    assert english(said) == "21/36 low-confidence votes (58.3%), more than 50% of those present"


def test_a_phrase_inside_a_phrase_a_label_in_lower_case_and_a_list():
    level = Phrase.lowered("Khiển trách")
    words = Phrase("kỷ luật %(level)s ngày %(date)s", level=level, date="01/07/2024")
    assert words == "kỷ luật khiển trách ngày 01/07/2024"
    assert english(words) == "disciplined (reprimand) on 01/07/2024"
    both = Phrase.joined([Phrase("nữ"), Phrase("dân tộc thiểu số")], " ")
    assert both == "nữ dân tộc thiểu số" and english(both) == "woman ethnic minority"
    assert Phrase("%(n)s", n=Num(99.5)) == "99,5" and english(Phrase("%(n)s", n=Num(99.5))) == "99.5"


def test_stored_as_json_and_read_back_a_phrase_says_the_same():
    said = Phrase("%(head)s; chỉ tiêu từ %(share)s: %(gap)s",
                  head=Phrase("%(kind)s: %(n)s/%(total)s", kind=Phrase.of("cán bộ nữ"), n=1, total=5),
                  share=Share(0.25), gap=Phrase("thiếu %(n)s %(kind)s", n=1, kind=Phrase.of("cán bộ nữ")))
    back = Phrase.from_json(json.loads(json.dumps(said.to_json())))
    assert back == said and english(back) == english(said) == "women cadres: 1/5; target 25% or more: 1 women cadres short"
    assert english(said.to_json()) == english(said)
    assert pickle.loads(pickle.dumps(said)) == said and english(pickle.loads(pickle.dumps(said))) == english(said)


def test_plain_text_an_old_stored_message_is_shown_as_written():
    assert english("đủ 2 năm") == "đủ 2 năm" and english(None) == ""


def test_a_plans_text_is_said_from_its_book():
    """The solver's messages: a plan's JSON keeps them by their Vietnamese text."""
    needs = listed([Said("không là người địa phương"), Said("đủ tiêu chuẩn trình độ của vị trí")],
                   "%(items)s và %(last)s")
    said = Said("Vị trí %(post)s phải có người đảm nhiệm, cần cán bộ %(needs)s: không ai trong %(n)s ứng viên đáp ứng.",
                post="Chủ tịch UBND xã A", needs=needs, n=3)
    assert said.startswith("Vị trí Chủ tịch UBND xã A phải có người đảm nhiệm, cần cán bộ không là người địa phương và")
    book = {str(said): said.to_json()}
    assert say(str(said), EN.gettext, "en", book) == (
        "Post Chủ tịch UBND xã A must be filled by someone who is not a local and meeting the post's "
        "qualification standards: none of the 3 candidates is.")
    assert say(str(said), EN.gettext, "en", {}) == str(said)   # an old plan: its text


def test_every_finding_of_a_check_reads_in_english_and_unchanged_in_vietnamese():
    """Every rule's message and evidence, over varied cadres: English without Vietnamese
    letters once the records (names, titles, bodies) are taken out; the Vietnamese rendering
    is the message itself."""
    people = [cadre(birth=dt.date(1962 + i % 25, 1 + i % 12, 10), sex="MF"[i % 2],
                    votes=(vote("01/05/2025", present=40, low=i % 25),),
                    disciplines=(discipline("reprimand", "01/07/2024"),) if i % 5 == 0 else (),
                    pool_title_ids=frozenset({2, 3}))
              for i in range(40)]
    titles = [title(100 + i, f"Chức danh {i}", 200 + i % 50, unit_id=100 + i) for i in range(3)]
    held = [t for p in people for t in (*p.titles, *(h for r in p.relatives for h in r.titles))] + titles \
        + [t for t in INDEX.values() if not isinstance(t, str)]
    records = sorted({t.name for t in held} | {t.unit_name for t in held if t.unit_name} | {p.name for p in people}
                     | {r.name for p in people for r in p.relatives} | {v.body for p in people for v in p.votes}
                     | {d.decision_no for p in people for d in p.disciplines if d.decision_no},
                     key=len, reverse=True)
    seen_rules = set()
    for t in titles:
        for p in people:
            for finding in eligibility.check(p, t, NEXT_TERM, RULES, ON, title_index=INDEX):
                seen_rules.add(finding.rule)
                for text in (finding.message, *finding.evidence):
                    assert say(text, lambda m: m, "vi") == text
                    bare = english(text)
                    for name in records:
                        bare = bare.replace(name, "")
                    assert not VIETNAMESE.search(re.sub(r"QĐ \d+|Nghị định \d+/\d+", "", bare)), (finding.rule, bare)
    assert {"P1", "P4", "P6", "P8", "P9", "P10", "P11", "P13", "P14"} <= seen_rules


def test_an_age_band_and_a_pools_structure_read_in_english():
    assert structure.band_label(0, 45) == "dưới 45" and english(structure.band_label(0, 45)) == "under 45"
    assert english(structure.band_label(50, structure.OPEN_END)) == "50 and over"
