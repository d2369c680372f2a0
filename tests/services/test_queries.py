"""The read-only queries: right answers, and a fixed number of statements however big."""

from __future__ import annotations

import contextlib
import datetime as dt

import sqlalchemy as sa

from quyhoach.services.platform.scope import PROVINCE_WIDE
from quyhoach.services.records import queries
from quyhoach.services.records import dossier as dossier_service
from quyhoach.services.records.cadres import derived_fields
from tests.builders import (
    make_cadre,
    make_evaluation,
    make_posting,
    make_relation,
    make_title,
    make_unit,
    make_vote,
)


@contextlib.contextmanager
def count_statements(engine):
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def test_derived_fields_fold_and_sort():
    fields = derived_fields("  Lò  Thị Hoa ", "CB-01")
    assert fields["search_text"] == "lo thi hoa cb-01"
    names = ["Nguyễn Văn Bình", "Trần Thị An", "Lê Đức Anh", "Phạm Văn Đào", "Hà Thị Dung"]
    ordered = sorted(names, key=lambda n: derived_fields(n, "x")["sort_key"])
    assert ordered == ["Trần Thị An", "Lê Đức Anh", "Nguyễn Văn Bình", "Hà Thị Dung", "Phạm Văn Đào"]


def test_tree_counts_without_loading_cadres(session, engine):
    province = make_unit(session, "Tỉnh ủy", code="P")
    communes = [make_unit(session, f"Xã {i}", code=f"X{i}", level="commune", parent=province) for i in range(5)]
    for i, commune in enumerate(communes):
        make_title(session, commune, "Bí thư")
        for _ in range(i * 3):
            make_cadre(session, "Nguyễn Văn An", unit=commune)
    old = make_cadre(session, "Lê Văn Cũ")
    make_posting(session, old, unit=communes[0], start=dt.date(2000, 1, 1), end=dt.date(2010, 1, 1))
    session.commit()

    with count_statements(engine) as statements:
        tree = queries.unit_tree(session, PROVINCE_WIDE)
    assert len(statements) <= 3
    assert all("FROM cadre" not in s for s in statements)
    assert "count(" in statements[0]   # counted by the database, each count on the unit's own rows
    assert "FROM posting" in statements[0] and "posting.unit_id = unit.id" in statements[0]
    root = tree.roots[0]
    assert (root.code, root.subunits, root.cadres) == ("P", 5, 0)
    assert [n.cadres for n in root.children] == [0, 3, 6, 9, 12]  # ended postings do not count
    assert all(n.titles == 1 for n in root.children)


def test_tree_opens_the_path_to_a_deep_unit(session):
    a = make_unit(session, "A", code="A")
    b = make_unit(session, "B", code="B", level="district", parent=a)
    c = make_unit(session, "C", code="C", level="commune", parent=b)
    make_unit(session, "D", code="D", level="commune", parent=c)
    session.commit()
    closed = queries.unit_tree(session, PROVINCE_WIDE)
    assert closed.roots[0].children[0].children is None
    opened = queries.unit_tree(session, PROVINCE_WIDE, "C")
    assert [n.code for n in opened.roots[0].children[0].children[0].children] == ["D"]


def test_search_is_one_page_in_a_fixed_number_of_statements(session, engine):
    unit = make_unit(session, "Xã Bản Bo", code="BB", level="commune")
    for i in range(120):
        make_cadre(session, "Lò Thị Hoa" if i % 2 else "Lò Văn Nam", unit=unit)
    session.commit()
    with count_statements(engine) as statements:
        result = queries.search_cadres(session, queries.CadreSearch(text="lo thi"), size=25, scope=PROVINCE_WIDE)
    assert result.page.total == 60 and len(result.page.items) == 25 and result.page.pages == 3
    assert len(statements) == 2  # the page with the count, current postings of that page
    assert "LIMIT" in statements[0] and "OVER ()" in statements[0]
    assert "cadre.sort_key, cadre.id" in statements[0]   # after the relevance, in name order


def test_a_search_page_past_the_last_shows_the_last(session, engine):
    unit = make_unit(session, "Xã Bản Bo", code="BB", level="commune")
    for _ in range(60):
        make_cadre(session, "Lò Thị Hoa", unit=unit)
    session.commit()
    result = queries.search_cadres(session, queries.CadreSearch(text="lo thi", page=9), size=25, scope=PROVINCE_WIDE)
    assert (result.page.total, result.page.number, len(result.page.items)) == (60, 3, 10)
    nothing = queries.search_cadres(session, queries.CadreSearch(text="khong ai"), size=25, scope=PROVINCE_WIDE)
    assert (nothing.page.total, nothing.page.number, nothing.page.items) == (0, 1, [])


def test_search_text_with_like_wildcards_is_literal(session):
    make_cadre(session, "Lò Thị Hoa")
    session.commit()
    assert queries.search_cadres(session, queries.CadreSearch(text="%"), scope=PROVINCE_WIDE).page.total == 0
    assert queries.search_cadres(session, queries.CadreSearch(text="_o"), scope=PROVINCE_WIDE).page.total == 0


def test_dossier_reads_in_a_handful_of_statements(session, engine):
    unit = make_unit(session, "Xã Bản Bo", code="BB", level="commune")
    title = make_title(session, unit, "Chủ tịch UBND xã")
    hoa = make_cadre(session, "Lò Thị Hoa", code="HOA", unit=unit, title=title)
    for year in range(2000, 2025):
        make_evaluation(session, hoa, year, rating="good")
        make_posting(session, hoa, unit=unit, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
        make_vote(session, hoa, vote_date=dt.date(year, 12, 1))
    for i in range(10):
        relative = make_cadre(session, f"Lò Văn Em {i}", unit=unit)
        make_relation(session, hoa, relative, "sibling")
    session.commit()

    with count_statements(engine) as statements:
        record = dossier_service.dossier(session, "HOA", today=dt.date(2025, 1, 1))
    assert len(statements) <= 8
    assert len(record.career) == 26 and len(record.years) == 25 and len(record.relations) == 10
    assert all(r.kind == "sibling" and r.post is not None for r in record.relations)


def test_dossier_year_gaps_votes_and_disciplines(session):
    hoa = make_cadre(session, "Lò Thị Hoa", code="HOA")
    make_evaluation(session, hoa, 2020, rating="good")
    make_evaluation(session, hoa, 2023, rating="excellent")
    make_vote(session, hoa, present=20, low=10)  # exactly half: not more than half
    make_vote(session, hoa, present=20, low=11)
    session.commit()
    record = dossier_service.dossier(session, "HOA")
    assert [(c.year, c.rating) for c in record.years] == [(2020, "good"), (2021, None), (2022, None), (2023, "excellent")]
    assert [v.low_majority for v in record.votes] == [False, True]


def test_unit_page_vacancies_and_holders(session):
    unit = make_unit(session, "Xã Bản Bo", code="BB", level="commune")
    deputies = make_title(session, unit, "Phó Chủ tịch UBND xã", rank=300, seats=3)
    one = make_cadre(session, "Lò Văn Một", unit=unit, title=deputies)
    gone = make_cadre(session, "Lò Văn Hai")
    make_posting(session, gone, title=deputies, start=dt.date(2015, 1, 1), end=dt.date(2020, 1, 1))
    session.commit()
    page = queries.unit_page(session, PROVINCE_WIDE, "BB")
    row = page.titles[0]
    assert [c.id for c, _ in row.holders] == [one.id]
    assert row.vacant == 2 and page.vacant_seats == 2
    assert page.cadres.total == 1
    assert queries.unit_page(session, PROVINCE_WIDE, "NONE") is None


def test_units_by_cadres(session):
    a = make_unit(session, "Xã A", code="A", level="commune")
    b = make_unit(session, "Xã B", code="B", level="commune")
    make_cadre(session, "Lò Văn Một", unit=a)
    for _ in range(2):
        make_cadre(session, "Lò Văn Hai", unit=b)
    session.commit()
    assert [(u.code, u.cadres) for u in queries.units_by_cadres(session, PROVINCE_WIDE)] == [("B", 2), ("A", 1)]
