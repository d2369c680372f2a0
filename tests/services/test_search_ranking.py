"""Search ranks by relevance: the code, then the whole name, the name's first words, the
given name typed alone, a name's beginning, then the rest (a match in the post held);
typed with or without diacritics, and with them the names spelt so come first."""

from __future__ import annotations

from quyhoach.services.platform.scope import PROVINCE_WIDE
from quyhoach.services.records import queries
from tests.builders import make_cadre, make_title, make_unit


def _names(session, text):
    return [row.cadre.full_name for row in
            queries.search_cadres(session, queries.CadreSearch(text=text), size=20, scope=PROVINCE_WIDE).page.items]


def _people(session):
    unit = make_unit(session, "Xã Hoa Lư", code="XA-HL")
    title = make_title(session, unit, "Chủ tịch UBND xã Hoa Lư", code="XA-HL-CT")
    # in name order (given name first) the holder of the post, Anh, would come first
    for name, code in [("Nguyễn Văn Anh", "CB-R1"), ("Lò Thị Hoa", "CB-R2"), ("Lô Thị Hoa", "CB-R3"),
                       ("Hoàng Văn Đức", "CB-R4"), ("Lò Thị Hoà Bình", "CB-R5"), ("Trần Hoa", "CB-R6"),
                       ("Lò Thị Hoài", "CB-R7")]:
        make_cadre(session, name, code=code, title=title if code == "CB-R1" else None, unit=None if code == "CB-R1" else unit)
    session.commit()


def test_the_whole_name_comes_first_then_its_beginning_then_the_rest(session):
    _people(session)
    found = _names(session, "lo thi hoa")
    assert found[:2] == ["Lò Thị Hoa", "Lô Thị Hoa"] or found[:2] == ["Lô Thị Hoa", "Lò Thị Hoa"]
    assert found[2] == "Lò Thị Hoà Bình"


def test_with_diacritics_the_name_spelt_so_comes_first(session):
    _people(session)
    assert _names(session, "Lô Thị Hoa")[0] == "Lô Thị Hoa"
    assert _names(session, "Lò Thị Hoa")[0] == "Lò Thị Hoa"


def test_a_given_name_typed_alone_ranks_the_names_with_that_word_before_a_word_beginning_so_and_the_post(session):
    _people(session)
    found = _names(session, "hoa")
    whole_word = {"Lò Thị Hoa", "Lô Thị Hoa", "Trần Hoa", "Lò Thị Hoà Bình"}   # "Hoà" is "hoa" without its tone
    assert set(found[:4]) == whole_word
    assert found[4:6] == ["Hoàng Văn Đức", "Lò Thị Hoài"]   # the name begins so, before a word in it begins so
    assert found[-1] == "Nguyễn Văn Anh"                                       # found by the post held (xã Hoa Lư) only


def test_the_code_first(session):
    _people(session)
    assert _names(session, "cb-r5")[0] == "Lò Thị Hoà Bình"
