"""Read-only queries shared by pages, the CLI and reports.

Each page asks one function here and gets plain view objects back. Counting is done
by the database (GROUP BY, COUNT), lists are paged with LIMIT, and a dossier is read
in a fixed handful of queries whatever the length of the career.

"Current" posting means a Posting without end_date (the model's "None while held").

Every function that lists cadres, units or titles takes the user's `Scope` (a required
argument: services.platform.scope) and returns only what lies within it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from quyhoach.db import like
from quyhoach.db.models import (
    Cadre,
    Ethnicity,
    Level,
    Posting,
    Title,
    Unit,
)
from quyhoach.domain import vocab
from quyhoach.domain.text import fold, nfc, text_sort_key
from quyhoach.services.platform.scope import Scope

T = TypeVar("T")
KINH = "01"  # the majority ethnic group; every other code is a minority


def province_stats(session: Session, scope: Scope) -> dict[str, int]:
    """How many cadres, units and titles there are within the scope."""
    def count(model, where) -> int:
        return session.exec(select(sa.func.count()).select_from(model).where(where)).one()

    if scope.province_wide:
        cadres = count(Cadre, sa.true())
    else:   # counted from the posts in scope (one pass), not a subquery per cadre
        cadres = session.exec(select(sa.func.count(sa.distinct(Posting.cadre_id))).where(
            Posting.end_date.is_(None), Posting.withdrawn_at.is_(None), scope.units_clause(Posting.unit_id))).one()
    return {"cadres": cadres, "units": count(Unit, scope.units_clause(Unit.id)),
            "titles": count(Title, scope.units_clause(Title.unit_id))}


# --------------------------------------------------------------------------- paging


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    number: int
    size: int

    @classmethod
    def of(cls, items: list[T], number: int, size: int) -> Page[T]:
        """One page of a list already in memory, the number kept within range."""
        pages = max(1, math.ceil(len(items) / size))
        number = min(max(1, number), pages)
        return cls(items[(number - 1) * size: number * size], len(items), number, size)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def first_index(self) -> int:
        """The running number (STT) of the first item on this page."""
        return (self.number - 1) * self.size + 1

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def _page(session: Session, statement, number: int, size: int, *, ranked: bool = False) -> tuple[int, int, list]:
    """Total, the page number kept within range, and the rows of that page. `ranked` (an
    order no index gives, a search's relevance): the page asked for and the total in one
    query (`count(*) OVER ()`: the sort reads every match anyway), a page past the end
    counted apart, then the last page read."""
    number = max(1, number)
    if ranked:
        counted = statement.add_columns(sa.func.count().over().label("total"))
        rows = session.exec(counted.limit(size).offset((number - 1) * size)).all()
        if rows:
            return rows[0][-1], number, [tuple(row[:-1]) for row in rows]
    total = session.exec(select(sa.func.count()).select_from(statement.order_by(None).subquery())).one()
    pages = max(1, math.ceil(total / size))
    number = min(number, pages)
    rows = session.exec(statement.limit(size).offset((number - 1) * size)).all() if total else []
    return total, number, list(rows)


# --------------------------------------------------------------------------- units


TREE_PAGE_SIZE = 100  # a branch shows this many children at a time, then "Xem thêm" for the next ones


def _tree_order(sort_order: int, name: str, unit_id: int) -> tuple[int, str, int]:
    """The order of units among their siblings everywhere the tree is shown: the unit's sort
    order, then its name in Vietnamese order (the id only to keep equal names in one order,
    so that a branch's pages neither repeat nor skip a unit)."""
    return (sort_order, text_sort_key(name), unit_id)


@dataclass
class UnitNode:
    """A unit in the tree with what it holds directly."""

    id: int
    code: str
    name: str
    parent_id: int | None
    level_name: str
    kind: str
    is_locality: bool
    sort_order: int
    cadres: int
    titles: int
    subunits: int
    children: list[UnitNode] | None = None  # None: not loaded yet; else one page of them
    page: int = 1  # which page of its children (TREE_PAGE_SIZE each) `children` holds
    words: str = ""  # the children filtered by these words of their names (`_name_filter`)
    matching: int | None = None  # how many children the words find (None: not filtered)

    @property
    def sort_key(self) -> tuple[int, str, int]:
        return _tree_order(self.sort_order, self.name, self.id)

    @property
    def listed(self) -> int:
        """How many of its children the branch lists: all, or those the words find."""
        return self.subunits if self.matching is None else self.matching

    @property
    def pages(self) -> int:
        """How many pages its children make."""
        return max(1, math.ceil(self.listed / TREE_PAGE_SIZE))

    @property
    def filterable(self) -> bool:
        """Its branch has a box to filter its children by name: more than a page of them, or
        filtered already."""
        return self.subunits > TREE_PAGE_SIZE or self.matching is not None

    def span(self, number: int) -> tuple[int, int]:
        """The places (from 1) of the first and the last of its children on page `number`."""
        return (number - 1) * TREE_PAGE_SIZE + 1, min(self.listed, number * TREE_PAGE_SIZE)


def _current_postings():
    return sa.and_(Posting.end_date.is_(None), Posting.withdrawn_at.is_(None))


def _node_statement(condition):
    """The units that meet `condition` with their counts, each count a subquery on that unit's
    rows (through the indexes of posting.unit_id, title.unit_id, unit.parent_id): the counts
    cost what the units listed hold, not the whole province's postings grouped."""
    cadres = (select(sa.func.count(sa.distinct(Posting.cadre_id)))
              .where(Posting.unit_id == Unit.id, _current_postings()).scalar_subquery())
    titles = select(sa.func.count()).select_from(Title).where(Title.unit_id == Unit.id).scalar_subquery()
    child = aliased(Unit)
    subunits = select(sa.func.count()).select_from(child).where(child.parent_id == Unit.id).scalar_subquery()
    return (
        select(Unit.id, Unit.code, Unit.name, Unit.parent_id, Level.name, Unit.kind, Unit.is_locality,
               Unit.sort_order, cadres, titles, subunits)
        .join(Level, Level.id == Unit.level_id)
        .where(condition)
    )


def _nodes(session: Session, condition) -> list[UnitNode]:
    """The units that meet `condition` with their counts, in the tree's order."""
    nodes = [UnitNode(*row) for row in session.exec(_node_statement(condition)).all()]
    return sorted(nodes, key=lambda n: n.sort_key)


def _name_filter(words: str):
    """SQL: every word typed (without diacritics or with) begins a word of the unit's name or
    code, as the cadre search finds a unit's name (`_word_prefix`)."""
    return sa.and_(sa.true(), *(_word_prefix(Unit.search_text, token) for token in fold(words).split()[:8]))


def _ordered_children(session: Session, parent_ids: set[int], words: str = "") -> dict[int, list[int]]:
    """Each parent's children's ids in the tree's order (those the `words` find): what a
    branch's pages are cut from (names and sort orders only: the counts are read for the page
    shown)."""
    rows = session.exec(select(Unit.id, Unit.parent_id, Unit.sort_order, Unit.name)
                        .where(Unit.parent_id.in_(parent_ids), _name_filter(words))).all()
    ordered: dict[int, list[int]] = {}
    for row in sorted(rows, key=lambda r: _tree_order(r[2], r[3], r[0])):
        ordered.setdefault(row[1], []).append(row[0])
    return ordered


def _page_of(ids: list[int], number: int) -> list[int]:
    return ids[(number - 1) * TREE_PAGE_SIZE:number * TREE_PAGE_SIZE]


def unit_by_code(session: Session, code: str) -> Unit | None:
    return session.exec(select(Unit).where(Unit.code == code)).first()


def ancestors(session: Session, unit_id: int) -> list[Unit]:
    """The chain from the root down to the unit's parent (one recursive query)."""
    chain = (
        select(Unit.id, Unit.parent_id, sa.literal(0).label("depth"))
        .where(Unit.id == unit_id).cte("chain", recursive=True)
    )
    chain = chain.union_all(
        select(Unit.id, Unit.parent_id, (chain.c.depth + 1).label("depth"))
        .join(chain, Unit.id == chain.c.parent_id).where(chain.c.depth < 50)
    )
    rows = session.exec(
        select(Unit).join(chain, chain.c.id == Unit.id).where(chain.c.depth > 0).order_by(chain.c.depth.desc())
    ).all()
    return list(rows)


def _subtree_ids(unit_id: int):
    """A recursive CTE with the ids of the unit and everything below it."""
    tree = select(Unit.id.label("id"), sa.literal(0).label("depth")).where(Unit.id == unit_id).cte("subtree", recursive=True)
    return tree.union_all(
        select(Unit.id, (tree.c.depth + 1).label("depth")).join(tree, Unit.parent_id == tree.c.id).where(tree.c.depth < 50)
    )


@dataclass
class Tree:
    roots: list[UnitNode]
    opened: Unit | None = None  # the unit asked for with ?mo=, its path expanded


OPEN_ROOTS_UP_TO = 5  # a tree with a few roots opens them; a long list of roots stays closed


def unit_tree(session: Session, scope: Scope, open_code: str | None = None, page: int = 1, words: str = "") -> Tree:
    """The roots with their children loaded, and the path down to `open_code` expanded.
    A scoped user's tree starts at their own unit (a unit outside it is never opened).

    A branch shows one page of its children (TREE_PAGE_SIZE, in the tree's order): on the
    path down to `open_code`, the page that holds the next unit of the path; the opened unit's
    own children, page `page` (kept within range) of those whose name the `words` find; any
    other open branch, its first page. Three queries plus the path: the order of the open
    branches' children (names only), then the units shown with their counts.
    """
    top = Unit.parent_id.is_(None) if scope.root_unit_id is None else Unit.id == scope.root_unit_id
    roots = _nodes(session, top)
    open_ids = {n.id for n in roots} if len(roots) <= OPEN_ROOTS_UP_TO else set()
    opened = unit_by_code(session, open_code) if open_code else None
    if opened is not None and not scope.covers(opened.id):
        opened = None
    on_path: dict[int, int] = {}  # a unit on the path -> its child on the path
    if opened is not None:
        path = [u.id for u in ancestors(session, opened.id) if scope.covers(u.id)] + [opened.id]
        on_path = dict(zip(path, path[1:], strict=False))
        open_ids |= set(path)
    if open_ids:
        filtered = opened is not None and bool(fold(words))
        ordered = _ordered_children(session, open_ids - {opened.id} if filtered and opened else open_ids)
        if filtered and opened is not None:
            ordered[opened.id] = _ordered_children(session, {opened.id}, words).get(opened.id, [])
        numbers: dict[int, int] = {}
        for parent, ids in ordered.items():
            if parent in on_path:
                numbers[parent] = ids.index(on_path[parent]) // TREE_PAGE_SIZE + 1
            elif opened is not None and parent == opened.id:
                numbers[parent] = max(1, min(page, math.ceil(len(ids) / TREE_PAGE_SIZE)))
            else:
                numbers[parent] = 1
        shown = [i for parent, ids in ordered.items() for i in _page_of(ids, numbers[parent])]
        by_parent: dict[int, list[UnitNode]] = {}
        for node in _nodes(session, Unit.id.in_(shown)):
            by_parent.setdefault(node.parent_id, []).append(node)

        def attach(nodes: list[UnitNode]) -> None:
            for node in nodes:
                if node.id in open_ids:
                    node.children = by_parent.get(node.id, [])
                    node.page = numbers.get(node.id, 1)
                    if filtered and opened is not None and node.id == opened.id:
                        node.words, node.matching = words, len(ordered[node.id])
                    attach(node.children)

        attach(roots)
    return Tree(roots=roots, opened=opened)


def unit_children(session: Session, scope: Scope, code: str, page: int = 1, words: str = "") -> UnitNode | None:
    """A unit with one page of its sub-units (those whose name the `words` find) and their
    counts: what the tree loads when a branch is expanded, filtered, or its next page asked
    for. None for a unit that does not exist or lies outside the scope, or a page it does not
    have."""
    unit = unit_by_code(session, code)
    if unit is None or not scope.covers(unit.id):
        return None
    found = _nodes(session, Unit.id == unit.id)
    if not found:
        return None
    node = found[0]
    ids = _ordered_children(session, {unit.id}, words).get(unit.id, [])
    if fold(words):
        node.words, node.matching = words, len(ids)
    if not 1 <= page <= node.pages:
        return None
    node.children, node.page = _nodes(session, Unit.id.in_(_page_of(ids, page))), page
    return node


def unit_options(session: Session, scope: Scope) -> list[tuple[str, str, int]]:
    """Every unit within the scope as (code, name, depth) in tree order, for a select box
    (a scoped user's own unit at depth 0)."""
    rows = session.exec(select(Unit.id, Unit.parent_id, Unit.code, Unit.name, Unit.sort_order)
                        .where(scope.units_clause(Unit.id))).all()
    by_parent: dict[int | None, list] = {}
    for row in rows:
        by_parent.setdefault(row[1] if row[0] != scope.root_unit_id else None, []).append(row)
    out: list[tuple[str, str, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for row in sorted(by_parent.get(parent, []), key=lambda r: _tree_order(r[4], r[3], r[0])):
            out.append((row[2], row[3], depth))
            if depth < 50:
                walk(row[0], depth + 1)

    walk(None, 0)
    return out


@dataclass
class Post:
    """A current posting of a cadre, as the lists show it."""

    cadre_id: int
    unit_id: int
    unit_code: str
    unit_name: str
    title_name: str | None
    title_rank: int
    position: str
    start_date: dt.date
    is_concurrent: bool


def current_posts(session: Session, cadre_ids: list[int]) -> dict[int, list[Post]]:
    """Each cadre's current postings, the main one first (not concurrent, higher rank, newer)."""
    if not cadre_ids:
        return {}
    rows = session.exec(
        select(Posting.cadre_id, Unit.id, Unit.code, Unit.name, Title.name, sa.func.coalesce(Title.rank, -1),
               Posting.position, Posting.start_date, Posting.is_concurrent)
        .join(Unit, Unit.id == Posting.unit_id)
        .outerjoin(Title, Title.id == Posting.title_id)
        .where(Posting.cadre_id.in_(cadre_ids), _current_postings())
    ).all()
    posts: dict[int, list[Post]] = {}
    for row in rows:
        posts.setdefault(row[0], []).append(Post(*row))
    for items in posts.values():
        items.sort(key=lambda p: (p.is_concurrent, -p.title_rank, -p.start_date.toordinal()))
    return posts


@dataclass
class CadreRow:
    cadre: Cadre
    ethnicity: Ethnicity
    posts: list[Post] = field(default_factory=list)

    @property
    def main_post(self) -> Post | None:
        return self.posts[0] if self.posts else None

    @property
    def is_minority(self) -> bool:
        return self.cadre.ethnicity_code != KINH


def _cadre_rows(session: Session, statement, number: int, size: int, rank=None) -> Page[CadreRow]:
    """One page of cadres in name order, or by `rank` first (a search's relevance)."""
    order = (Cadre.sort_key, Cadre.id) if rank is None else (*rank, Cadre.sort_key, Cadre.id)
    statement = statement.join(Ethnicity, Ethnicity.code == Cadre.ethnicity_code).order_by(*order)
    total, number, rows = _page(session, statement, number, size, ranked=rank is not None)
    posts = current_posts(session, [cadre.id for cadre, _ in rows])
    items = [CadreRow(cadre, ethnicity, posts.get(cadre.id, [])) for cadre, ethnicity in rows]
    return Page(items=items, total=total, number=number, size=size)


@dataclass
class TitleRow:
    title: Title
    holders: list[tuple[Cadre, Posting]]

    @property
    def vacant(self) -> int:
        return max(0, self.title.seats - len(self.holders))

    @property
    def excess(self) -> int:
        return max(0, len(self.holders) - self.title.seats)


@dataclass
class UnitPage:
    unit: Unit
    level: Level
    ancestors: list[Unit]
    children: list[UnitNode]  # the first page of its sub-units, as the tree shows them
    subunits: int  # how many sub-units it has (the rest: in the tree, `Xem thêm`)
    titles: list[TitleRow]
    cadres: Page[CadreRow]

    @property
    def vacant_seats(self) -> int:
        return sum(row.vacant for row in self.titles)


def unit_cadres(session: Session, unit_id: int, page: int = 1, size: int = 50) -> Page[CadreRow]:
    """The cadres holding a current posting in the unit itself, in name order."""
    # IN (not a correlated EXISTS): the database starts from the unit's postings (indexed)
    # instead of testing every cadre.
    in_unit = Cadre.id.in_(select(Posting.cadre_id).where(Posting.unit_id == unit_id, _current_postings()))
    return _cadre_rows(session, select(Cadre, Ethnicity).where(in_unit), page, size)


def unit_page(session: Session, scope: Scope, code: str, page: int = 1, size: int = 50) -> UnitPage | None:
    """A unit with its path (within the scope), sub-units (the first page of them, as the
    tree shows them), titles with their holders, and its cadres; None when it does not exist
    or lies outside the scope."""
    found = session.exec(select(Unit, Level).join(Level, Level.id == Unit.level_id).where(Unit.code == code)).first()
    if found is None or not scope.covers(found[0].id):
        return None
    unit, level = found
    branch = unit_children(session, scope, unit.code)
    assert branch is not None  # the unit exists and lies within the scope
    titles = session.exec(select(Title).where(Title.unit_id == unit.id)).all()
    titles = sorted(titles, key=lambda t: (-t.rank, text_sort_key(t.name)))
    holders: dict[int, list[tuple[Cadre, Posting]]] = {}
    if titles:
        rows = session.exec(
            select(Posting, Cadre).join(Cadre, Cadre.id == Posting.cadre_id)
            .where(Posting.title_id.in_([t.id for t in titles]), _current_postings())
            .order_by(Cadre.sort_key, Cadre.id)
        ).all()
        for posting, cadre in rows:
            holders.setdefault(posting.title_id, []).append((cadre, posting))
    return UnitPage(
        unit=unit,
        level=level,
        ancestors=[u for u in ancestors(session, unit.id) if scope.covers(u.id)],
        children=branch.children or [],
        subunits=branch.subunits,
        titles=[TitleRow(t, holders.get(t.id, [])) for t in titles],
        cadres=unit_cadres(session, unit.id, page, size),
    )


@dataclass
class UnitCount:
    code: str
    name: str
    level_name: str
    cadres: int


def units_by_cadres(session: Session, scope: Scope, limit: int = 10) -> list[UnitCount]:
    """The units within the scope with the most cadres currently posted there (one GROUP BY)."""
    n = sa.func.count(sa.distinct(Posting.cadre_id)).label("n")
    rows = session.exec(
        select(Unit.code, Unit.name, Level.name, n)
        .join(Posting, Posting.unit_id == Unit.id).join(Level, Level.id == Unit.level_id)
        .where(_current_postings(), scope.units_clause(Unit.id))
        .group_by(Unit.id, Unit.code, Unit.name, Level.name)
        .order_by(n.desc(), Unit.code).limit(limit)
    ).all()
    return [UnitCount(*row) for row in rows]


# --------------------------------------------------------------------------- search


@dataclass
class CadreSearch:
    """What the search form asks for. Empty fields do not filter."""

    text: str = ""
    unit_code: str = ""
    sex: str = ""  # "M", "F" or ""
    minority: bool | None = None
    page: int = 1

    @property
    def tokens(self) -> list[str]:
        return fold(self.text).split()


@dataclass
class SearchResult:
    query: CadreSearch
    unit: Unit | None
    page: Page[CadreRow]


def _word_prefix(column, token: str):
    """The token starts a word of the folded text ("thi" in "lo thi hoa", not in "vthi")."""
    return sa.or_(like.starts_with(column, token), like.contains(column, " " + token))


def _token_matches(token: str):
    """One typed word, found in the name or code, or in the current unit's or title's name."""
    in_cadre = _word_prefix(Cadre.search_text, token)
    if any(ch.isdigit() for ch in token):  # a piece of a code: anywhere in it
        in_cadre = sa.or_(in_cadre, like.contains(Cadre.search_text, token))
    # IN over the few units and titles whose name matches (not an EXISTS tested for every
    # cadre and every posting): at 30,000 cadres the database reads the units and titles
    # once and the current postings once, in a hash (issue 15: 2.2 s a keystroke before).
    in_post = Cadre.id.in_(
        select(Posting.cadre_id).where(_current_postings()).where(sa.or_(
            Posting.unit_id.in_(select(Unit.id).where(_word_prefix(Unit.search_text, token))),
            Posting.title_id.in_(select(Title.id).where(_word_prefix(Title.search_text, token))),
        ))
    )
    return sa.or_(in_cadre, in_post)


def _relevance(text: str) -> tuple:
    """How well a cadre answers the typed text, best first: the code itself, the whole name,
    the name's first words, whole words inside it (the given name typed alone), the name's
    beginning, a word beginning so, then the rest (a word met in the post held, the words
    apart). Written with diacritics, the names spelt so come first within each tier ("Lò"
    before "Lô")."""
    folded = fold(text)
    pattern = like.escape(folded)
    code = sa.func.lower(Cadre.code)
    tier = sa.case(
        (code == folded, 0),
        (Cadre.search_text == sa.literal(folded + " ") + code, 1),
        (Cadre.search_text.like(f"{pattern} %", escape=like.ESCAPE), 2),
        (Cadre.search_text.like(f"% {pattern} %", escape=like.ESCAPE), 3),
        (Cadre.search_text.like(f"{pattern}%", escape=like.ESCAPE), 4),
        (Cadre.search_text.like(f"% {pattern}%", escape=like.ESCAPE), 5),
        else_=6,
    )
    typed = nfc(text) or ""
    if typed == folded or not typed:
        return (tier,)
    spelt = like.escape(typed)
    as_typed = sa.case((sa.or_(Cadre.full_name.ilike(f"{spelt}%", escape=like.ESCAPE),
                               Cadre.full_name.ilike(f"% {spelt}%", escape=like.ESCAPE)), 0), else_=1)
    return (tier, as_typed)


def search_cadres(session: Session, query: CadreSearch, size: int = 50, *, scope: Scope) -> SearchResult:
    """Cadres within the scope matching every typed word (without diacritics), filtered, one
    page: by relevance when text was typed (`_relevance`), else in name order. A unit filter
    outside the scope filters nothing in."""
    statement = select(Cadre, Ethnicity).where(scope.cadres_clause())
    for token in query.tokens[:8]:
        statement = statement.where(_token_matches(token))
    unit = unit_by_code(session, query.unit_code) if query.unit_code else None
    if unit is not None and not scope.covers(unit.id):
        unit = None
    if unit is not None:
        subtree = _subtree_ids(unit.id)
        statement = statement.where(
            sa.exists().where(Posting.cadre_id == Cadre.id, _current_postings(),
                              Posting.unit_id.in_(select(subtree.c.id)))
        )
    if query.sex in vocab.SEX.codes:
        statement = statement.where(Cadre.sex == query.sex)
    if query.minority is True:
        statement = statement.where(Cadre.ethnicity_code != KINH)
    elif query.minority is False:
        statement = statement.where(Cadre.ethnicity_code == KINH)
    rank = _relevance(" ".join(query.text.split()[:8])) if query.tokens else None
    page = _cadre_rows(session, statement, query.page, size, rank)
    return SearchResult(query=query, unit=unit, page=page)


def cadre_unit_ids(session: Session, code: str) -> set[int]:
    """The units where a cadre holds a post now (for jurisdiction checks)."""
    return set(session.exec(
        select(Posting.unit_id).join(Cadre, Cadre.id == Posting.cadre_id).where(Cadre.code == code, _current_postings())
    ).all())
