"""The English catalog: complete for what the code and templates say, compiled, and used.

The UI is written in Vietnamese (README, "UI strings are written in Vietnamese"); English comes
from src/quyhoach/translations/en. These tests extract the strings the same way `make i18n`
does (babel.cfg, and the -k keywords of the Makefile's i18n target), so a string added to a
template without running `make i18n` and translating it fails here, by name.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages import frontend
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from quyhoach.domain import vocab
from tests.builders import make_cadre

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "src" / "quyhoach" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
FIX = "run `make i18n`, translate the new entries in src/quyhoach/translations/en/LC_MESSAGES/messages.po, run `make i18n` again"


def _makefile_keywords() -> list[str]:
    """The -k keywords of the Makefile's `i18n` target, so the test and `make i18n` cannot drift."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = re.search(r"^i18n:.*?(?=^\S|\Z)", text, re.M | re.S)
    assert target, "the Makefile has no i18n target"
    recipe = target.group(0)
    assert "pybabel extract -F babel.cfg" in recipe, "make i18n no longer extracts with babel.cfg; update this test"
    return re.findall(r"(?:-k|--keyword[= ])\s*(\S+)", recipe)


@pytest.fixture(scope="module")
def extracted() -> Catalog:
    """What `pybabel extract -F babel.cfg <keywords> .` finds, as a catalog (in memory)."""
    parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse(cfg)
    keywords = {**DEFAULT_KEYWORDS, **frontend.parse_keywords(_makefile_keywords())}
    catalog = Catalog(locale=None)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


@pytest.fixture(scope="module")
def po() -> Catalog:
    assert PO.exists(), f"no English catalog at {PO.relative_to(ROOT)}: {FIX}"
    with open(PO, "rb") as f:
        return read_po(f, locale="en")


def _forms(value) -> tuple[str, ...]:
    if value is None:
        return ("",)
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def _where(message) -> str:
    return ", ".join(sorted({f"{file}:{line}" for file, line in message.locations}))


def test_extraction_finds_templates_python_and_the_vocabulary(extracted):
    """Guards the extraction itself: if babel.cfg or the keywords break, the next test would
    pass on an empty catalog."""
    ids = {_forms(m.id)[0] for m in extracted if m.id}
    files = {file for m in extracted for file, _ in m.locations}
    assert any(f.startswith("templates/") for f in files), "no strings extracted from templates/"
    assert any(f.startswith("src/quyhoach/web/") for f in files), "no strings extracted from the web handlers"
    # Labels reach the page through the `label` filter (gettext at run time): each must be
    # marked with N_ in vocab.py and so be in the catalog.
    labels = {c.label for v in vocab.VOCABULARIES.values() for c in v.choices}
    assert labels - ids == set(), "vocabulary labels not extracted (is N_ among the Makefile's -k keywords?)"
    assert {"Cán bộ", "Tổ chức", "Tổng quan"} <= ids


def test_every_extracted_string_has_an_english_translation(extracted, po):
    missing = []
    for message in extracted:
        if not message.id:
            continue
        entry = po.get(message.id, context=message.context)
        if entry is None:
            problem = "not in the .po"
        elif entry.fuzzy:
            problem = "fuzzy"
        elif not all(s.strip() for s in _forms(entry.string)):
            problem = "empty"
        else:
            continue
        missing.append(f"  {_forms(message.id)[0]!r} ({problem}; {_where(message)})")
    assert not missing, (f"{len(missing)} UI string(s) without an English translation — {FIX}:\n"
                         + "\n".join(missing))


_NAMED = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def test_translations_keep_the_placeholders(po):
    """%(name)s placeholders survive translation, and every msgstr formats: Flask-Babel's
    new-style gettext applies `% variables` to every template string, so a lone % in a
    translation breaks the page."""
    wrong = []
    for message in po:
        if not message.id or not message.string:
            continue
        expected = set(_NAMED.findall(_forms(message.id)[0]))
        for text in _forms(message.string):
            if not text:
                continue
            if set(_NAMED.findall(text)) != expected:
                wrong.append(f"  {message.id!r}: {text!r} has {sorted(set(_NAMED.findall(text)))}, expected {sorted(expected)}")
                continue
            try:
                text % {name: "x" for name in expected}
            except (TypeError, ValueError, KeyError) as error:
                wrong.append(f"  {message.id!r}: {text!r} does not format ({error}); write a literal % as %%")
    assert not wrong, "translations with broken placeholders:\n" + "\n".join(wrong)


def _table(catalog: Catalog) -> dict:
    return {(_forms(m.id), m.context): _forms(m.string) for m in catalog if m.id}


def test_the_compiled_catalog_is_up_to_date(po):
    """The wheel ships the .mo, not the .po: it must say what the .po says."""
    assert MO.exists(), f"{MO.relative_to(ROOT)} is missing: run `make i18n`"
    fresh = io.BytesIO()
    write_mo(fresh, po)  # what `pybabel compile` writes: translated, non-fuzzy entries
    fresh.seek(0)
    expected = read_mo(fresh)
    with open(MO, "rb") as f:
        committed = read_mo(f)
    stale = _table(expected).items() ^ _table(committed).items()
    assert not stale, (f"messages.mo does not match messages.po ({len(stale)} differing entries, e.g. "
                       f"{sorted(stale, key=repr)[:3]}): run `make i18n` and commit the .mo")
    assert committed.plural_forms == expected.plural_forms


# --- the catalog in use --------------------------------------------------------------------

def test_english_on_request_is_remembered_in_a_cookie(client):
    response = client.get("/?lang=en")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert '<html lang="en">' in page
    for label in ("Overview", "Organisation", "Cadres"):
        assert f">{label}</a>" in page, label
    assert "Cán bộ" not in page
    assert 'href="?lang=vi">Tiếng Việt</a>' in page
    cookie = client.get_cookie("lang")
    assert cookie is not None and cookie.value == "en"

    again = client.get("/to-chuc/").get_data(as_text=True)  # no ?lang=: the cookie decides
    assert '<html lang="en">' in again and "<h1>Organisation structure</h1>" in again


def test_vietnamese_by_default_and_after_switching_back(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in page
    assert ">Cán bộ</a>" in page and ">Tổ chức</a>" in page
    assert "Cadres" not in page
    assert client.get_cookie("lang") is None

    client.get("/?lang=en")
    back = client.get("/?lang=vi").get_data(as_text=True)
    assert '<html lang="vi">' in back and ">Cán bộ</a>" in back
    assert client.get_cookie("lang").value == "vi"


def test_english_reaches_vocabulary_labels_and_handler_messages(client, session):
    make_cadre(session, "Lò Thị Hoa", code="HOA", sex="F")
    session.commit()

    dossier = client.get("/can-bo/HOA?lang=en").get_data(as_text=True)
    assert "Personal record (Form 2C)" in dossier
    assert "<dd>Female</dd>" in dossier  # vocab label, through the `label` filter and gettext

    missing = client.get("/can-bo/NOPE?lang=en")
    assert missing.status_code == 404
    assert "No cadre with code “NOPE” was found." in missing.get_data(as_text=True)  # gettext in web/cadres.py


def test_import_list_titles_are_extracted(extracted):
    from quyhoach.services.records.tabular import SHEETS

    ids = {_forms(m.id)[0] for m in extracted if m.id}
    assert {sheet.title for sheet in SHEETS.values()} <= ids


# --------------------------------------------------------------------------- numbers through Babel

def test_numbers_and_percentages_are_written_as_each_language_writes_them():
    from quyhoach.domain.numbers import format_number, format_percent

    assert format_number(1234567) == "1.234.567" and format_number(1234567, locale="en") == "1,234,567"
    assert format_number(1234.5, 1) == "1.234,5" and format_number(1234.5, 1, "en") == "1,234.5"
    assert format_number(2, 1) == "2,0" and format_number(2, 1, trim=True) == "2"
    assert format_percent(0.25) == "25%" and format_percent(0.25, locale="en") == "25%"
    assert format_percent(0.583, 1, trim=True) == "58,3%" and format_percent(0.583, 1, "en", trim=True) == "58.3%"
    assert format_number(None) == "" and format_percent(None) == ""


def test_a_page_in_english_writes_numbers_the_english_way(app):
    from flask import render_template_string

    with app.test_request_context("/?lang=en"):
        assert render_template_string("{{ 1234.5|number(1) }}") == "1,234.5"
    with app.test_request_context("/"):
        assert render_template_string("{{ 1234.5|number(1) }}") == "1.234,5"


def test_a_code_is_named_through_one_filter_in_the_pages_language(app):
    from flask import render_template_string

    page = "{{ 'key_cadres'|label('ballot_step') }} · {{ 'province'|label('level') }} · {{ 'odd'|label('level', 'Khác') }}"
    with app.test_request_context("/"):
        assert render_template_string(page) == "Hội nghị cán bộ chủ chốt · Tỉnh · Khác"
    with app.test_request_context("/?lang=en"):
        english = render_template_string(page)
    assert "Hội nghị" not in english and "Tỉnh" not in english and english.endswith("· Khác")
