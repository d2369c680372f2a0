"""A short paper in the party-document form, written the same way in DOCX and PDF: the
letterhead (`letterhead`), an opening, numbered parts (`model.DocPart`), the closing
paragraph kept with the signature and "Nơi nhận", then annexes (each with "Kèm theo …").

The procedure's papers (`procedure`) and the evaluation analytics paper (`analytics_paper`)
are `Paper`s; a paper with several sections (the vote-count minutes of every step) is a list
of them, each starting on its own page."""

from __future__ import annotations

from dataclasses import dataclass, field

from quyhoach.reports.model import DocPart, DocTable, Heading


@dataclass
class Annex:
    title: str
    subtitle: str = ""
    tables: list[DocTable] = field(default_factory=list)
    landscape: bool = False


@dataclass
class Paper:
    heading: Heading
    opening: list[str] = field(default_factory=list)
    parts: list[DocPart] = field(default_factory=list)
    closing: str = ""                      # the last paragraph, on the signature's page
    annexes: list[Annex] = field(default_factory=list)
    numbered: bool = True                  # parts numbered 1., 2., …
    signers: tuple[tuple[str, ...], ...] = ()   # minutes: several signing blocks instead of the letterhead's
    acting: str = ""                       # a decision: the body that decides, centred above the bases
    enacting: str = ""                     # … and "QUYẾT ĐỊNH:", centred after them


def to_docx(papers: list[Paper], findings=None) -> bytes:
    """Every paper one after the other, each from a new page. `findings(doc)`: the analytics
    paper's own section, written where its parts would be."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from quyhoach.reports import docx_builder as b
    from quyhoach.reports import letterhead

    doc = b._document()
    for index, paper in enumerate(papers):
        if index:
            doc.add_page_break()
        b._heading_block(doc, paper.heading)
        if paper.acting:
            b._para(doc, paper.acting, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
        b._paras(doc, paper.opening)
        if paper.enacting:
            b._para(doc, paper.enacting, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
        if findings is not None:
            findings(doc)
        for number, part in enumerate(paper.parts, start=1):
            b.doc_part(doc, str(number) if paper.numbered else "", part)
        if paper.closing:
            b._para(doc, paper.closing, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        if paper.signers:
            _docx_signers(doc, paper.signers)
        else:
            letterhead.docx_signature(doc, paper.heading)
        for annex in paper.annexes:
            section = b._landscape(doc) if annex.landscape else None
            b._annex_title(doc, paper.heading, annex.title, annex.subtitle, page_break=section is None)
            for t in annex.tables:
                b.doc_table(doc, t, size=b.TABLE_PT if not annex.landscape else 9)
            if section is not None and index < len(papers) - 1:
                b._portrait(doc)
    return b._save(doc)


def _docx_signers(doc, signers: tuple[tuple[str, ...], ...]) -> None:
    from docx.shared import Cm

    from quyhoach.reports import letterhead

    table = doc.add_table(rows=1, cols=len(signers))
    table.autofit = False
    letterhead._borderless(table)
    letterhead._cant_split(table)
    for cell, lines in zip(table.rows[0].cells, signers, strict=True):
        cell.width = Cm(16.5 / len(signers))
        first, *rest = lines
        letterhead._first(cell, first, bold=True, size=13)
        for line in rest:
            letterhead._docx_para(cell, line, italic=line.startswith("("), size=13)
        letterhead._docx_para(cell, "", size=13, after=50)


def to_pdf(app, papers: list[Paper], findings_template: str = "", **context) -> bytes:
    from quyhoach.reports import pdf_builder

    return pdf_builder.render(app, "reports/_paper_body.html", papers[0].heading.subject, papers=papers,
                              findings_template=findings_template, **context)


def words_of_share(count: int, total: int) -> str:
    from quyhoach.reports.lang import share

    return share(count / total) if total else "—"
