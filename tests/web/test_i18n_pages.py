"""Each main page in each language: the Vietnamese pages show no English word of the
interface and no raw parameter key or code; the English pages' interface (headings of
tables, buttons, labels, the navigation) shows no Vietnamese. Records themselves (names,
units, titles, documents cited) stay as written."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from quyhoach.db.models import Cadre, PoolEntry
from quyhoach.services.records import demo

# Words of the interface that give English away on a Vietnamese page (whole words, case as written).
ENGLISH = re.compile(r"\b(Save|Search|Filter|Page|Next|Previous|Delete|Edit|Cancel|Submit|Yes|No|None|True|False|"
                     r"rule set|pool|cadre|the|and|of|recorded|warning|reprimand|excellent|good|fail)\b")
# A raw key of a parameter or a code of a vocabulary (snake_case) in the text a person reads.
RAW_KEY = re.compile(r"\b[a-z]+_[a-z_]+\b")
# Letters only Vietnamese has (with their tones): an English interface string has none.
VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")


# a term's heading is its stored name ("Nhiệm kỳ Đảng 2025–2030"), a record
TERM = re.compile(r"^Nhiệm kỳ [^(]*\d{4}–\d{4}")


@pytest.fixture
def pages(session):
    assert demo.load(session, demo.SMALL).ok
    session.commit()
    entry = session.exec(select(PoolEntry).where(PoolEntry.status == "active").order_by(PoolEntry.id)).first()
    code = session.get(Cadre, entry.cadre_id).code
    return ["/", "/to-chuc/", "/can-bo/?q=nguyen", f"/can-bo/{code}", f"/quy-hoach/can-bo/{code}", "/quy-hoach/",
            f"/quy-hoach/{entry.pool_id}", "/quy-hoach/ra-soat", "/quy-hoach/du-bao", "/quy-hoach/bo-quy-dinh",
            "/danh-gia/", "/luan-chuyen/", "/bao-cao/"]


def _visible(html: str) -> str:
    """The text a person reads: no scripts, styles, tags, attributes or the code spans."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<span class="[^"]*\bcode\b[^"]*">.*?</span>', " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _interface(html: str) -> list[str]:
    """The interface's own words: table headings, buttons, summaries, the navigation."""
    # a row's heading (th scope="row") names a record (a unit, a pool), written as stored
    parts = re.findall(r"<(th|button|summary)\b(?![^>]*scope=\"row\")[^>]*>(.*?)</\1>", html, flags=re.S)
    nav = re.findall(r'<nav class="(?:topnav|subnav)[^"]*"[^>]*>(.*?)</nav>', html, flags=re.S)
    # a link inside a heading or summary names a record (the unit of the tree's row)
    parts = [(tag, re.sub(r"<a\b[^>]*>.*?</a>", " ", text, flags=re.S)) for tag, text in parts]
    return [_visible(text).strip() for _, text in parts] + [_visible(text).strip() for text in nav]


def test_the_vietnamese_pages_have_no_english_words_or_raw_keys(client, pages):
    wrong = []
    for url in pages:
        response = client.get(url, headers={"Accept-Language": "vi"})
        assert response.status_code == 200, url
        text = _visible(response.get_data(as_text=True)).replace("English", "")   # the language switch
        wrong += [(url, "english", m) for m in sorted(set(ENGLISH.findall(text)))]
        wrong += [(url, "raw key", m) for m in sorted(set(RAW_KEY.findall(text)))]
    assert not wrong, "\n".join(map(str, wrong))


def test_the_english_pages_interface_is_english(client, pages):
    wrong = []
    for url in pages:
        response = client.get(url + ("&" if "?" in url else "?") + "lang=en")
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        for text in _interface(html):
            if VIETNAMESE.search(text) and "Tiếng Việt" not in text and not TERM.match(text):
                wrong.append((url, text[:80]))
        wrong += [(url, "raw key", m) for m in sorted(set(RAW_KEY.findall(_visible(html))))]
    assert not wrong, "\n".join(map(str, sorted(set(wrong))))


def test_rule_names_are_english_when_chosen(client, pages):
    html = client.get("/quy-hoach/?lang=en").get_data(as_text=True)
    assert "Share of women" in html and "Tỷ lệ cán bộ nữ" not in html
    assert "Cơ cấu độ tuổi cấp ủy" not in html
