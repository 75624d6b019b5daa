"""PDF rendering of a :class:`~reports.document.Printable` on A4 with fpdf2 and the OFL Noto Sans
SC font, subset-embedded, so the PDF prints the same on a machine without any Chinese font."""

from __future__ import annotations

from functools import lru_cache
import unicodedata

from flask_babel import gettext
from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout, XPos, YPos
import pylopdf_fonts_zh_cn

from reports.document import Fields, Heading, Paragraph, Printable, Qr, Signatures, Table

FONT = "noto"
MARGIN = 15  # millimetres


class MissingGlyphs(ValueError):
    """Characters the embedded font cannot draw: refused rather than silently dropped."""

    def __init__(self, characters: list[str]) -> None:
        self.characters = characters
        super().__init__("".join(characters))


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(str(pylopdf_fonts_zh_cn.sans_path()), lazy=True) as font:
        return frozenset(font.getBestCmap())


def missing_glyphs(texts) -> list[str]:
    """The characters of ``texts`` the font has no glyph for (䶮 is in Noto Sans SC; 𠮷, of CJK
    Extension B, is not), in order of first appearance."""
    covered = _covered()
    missing: dict[str, None] = {}
    for text in texts:
        for char in text or "":
            if ord(char) not in covered and not unicodedata.category(char).startswith(("Z", "C")):
                missing[char] = None
    return list(missing)


class _Pdf(FPDF):
    def __init__(self, printable: Printable) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.printable = printable
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 5)
        self.add_font(FONT, fname=str(pylopdf_fonts_zh_cn.sans_path()))
        self.set_title(printable.title)
        self.set_creator("onewindow")

    def header(self) -> None:
        doc = self.printable
        self.set_font(FONT, size=9)
        self.cell(0, 5, doc.centre, align="L")
        self.cell(0, 5, f"{doc.reference}  {doc.date.isoformat()}", align="R",
                  new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.line(MARGIN, self.get_y() + 1, self.w - MARGIN, self.get_y() + 1)
        self.ln(4)
        if self.page_no() == 1:
            self.set_font(FONT, size=18)
            self.cell(0, 10, doc.title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(2)
        self.set_font(FONT, size=10)

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font(FONT, size=9)
        self.cell(0, 5, gettext("Page %(page)s of %(pages)s", page=self.page_no(),
                                pages=self.alias_nb_pages_text), align="C")

    alias_nb_pages_text = "{nb}"


def _table(pdf: _Pdf, header: list[str] | None, rows: list[list[str]],
           widths: list[float] | None) -> None:
    heading = FontFace(emphasis="", fill_color=(230, 230, 230))
    with pdf.table(
        col_widths=tuple(widths) if widths else None,
        first_row_as_headings=header is not None,
        headings_style=heading,
        repeat_headings=1,
        borders_layout=TableBordersLayout.ALL,
        line_height=6,
        padding=1,
        text_align="LEFT",
    ) as table:
        for values in ([header] if header else []) + rows:
            row = table.row()
            for value in values:
                row.cell(str(value or ""))
    pdf.ln(3)


def render_pdf(printable: Printable) -> bytes:
    """The document as PDF bytes; raises :class:`MissingGlyphs` naming any character the
    font cannot print (the print view, drawn by the browser's fonts, still serves)."""
    missing = missing_glyphs(printable.texts())
    if missing:
        raise MissingGlyphs(missing)
    pdf = _Pdf(printable)
    pdf.add_page()
    for block in printable.blocks:
        if isinstance(block, Heading):
            if pdf.will_page_break(30):  # a heading never ends a page without its table
                pdf.add_page()
            pdf.set_font(FONT, size=12)
            pdf.multi_cell(0, 8, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_font(FONT, size=10)
        elif isinstance(block, Paragraph):
            pdf.multi_cell(0, 6, block.text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2)
        elif isinstance(block, Fields):
            _table(pdf, None, [[label, value] for label, value in block.pairs], [1, 3])
        elif isinstance(block, Table):
            _table(pdf, block.header, block.rows or [[block.empty] + [""] * (
                len(block.header) - 1)], block.widths)
        elif isinstance(block, Qr):
            if pdf.will_page_break(40):
                pdf.add_page()
            top = pdf.get_y()
            pdf.image(block.png(), x=MARGIN, y=top, w=30, h=30)
            pdf.set_xy(MARGIN + 34, top + 4)
            pdf.multi_cell(0, 6, block.caption, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_y(top + 32)
        elif isinstance(block, Signatures):
            pdf.ln(6)
            for label in block.labels:
                pdf.cell(0, 10, f"{label}：______________________    "
                         f"{gettext('Date')}：______年____月____日",
                         new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
