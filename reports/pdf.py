"""PDF rendering of a :class:`~reports.document.Printable` on A4 with fpdf2: the OFL Noto Sans SC
font, and for the rare characters it lacks (𠮷 and the rest of CJK Extension B) the OFL Noto Sans
CJK SC face as a fallback, each subset-embedded, so the PDF prints the same on a machine without
any Chinese font."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
import datetime as dt
from functools import lru_cache
import unicodedata

from flask import current_app, has_app_context
from flask_babel import gettext
from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout, XPos, YPos
import noto_cjk_sans_otc
import pylopdf_fonts_zh_cn

from reports.document import Fields, Heading, Paragraph, Printable, Qr, Signatures, Table

FONT = "noto"
MARGIN = 15  # millimetres
# The face of the Noto Sans CJK collection with the Simplified Chinese glyph forms (the order is
# JP, KR, SC, TC, HK, then the Mono faces; tests check the name).
CJK_SC_FACE = 2


@dataclass(frozen=True)
class FontFile:
    """A font the PDF may embed: its family name in the PDF, file and face in a collection."""

    family: str
    path: str
    face: int = 0


def fonts() -> list[FontFile]:
    """The body font, then the fallbacks in the order they are tried: the pip-installed Noto
    Sans CJK SC, then any font files the settings name (``ONEWINDOW_PDF_EXTRA_FONTS``)."""
    chain = [FontFile(FONT, str(pylopdf_fonts_zh_cn.sans_path())),
             FontFile("notocjk", str(noto_cjk_sans_otc.FONT_PATH), CJK_SC_FACE)]
    extra = current_app.config.get("ONEWINDOW_PDF_EXTRA_FONTS") if has_app_context() else None
    chain += [FontFile(f"extra{number}", str(path))
              for number, path in enumerate(extra or [], start=1)]
    return chain


class MissingGlyphs(ValueError):
    """Characters no font of the chain can draw: refused rather than silently dropped."""

    def __init__(self, characters: list[str]) -> None:
        self.characters = characters
        super().__init__("".join(characters))


@lru_cache(maxsize=8)
def covered(font: FontFile) -> frozenset[int]:
    """The code points ``font`` has a glyph for (an unreadable extra font covers none)."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(font.path, lazy=True, fontNumber=font.face) as ttf:
            return frozenset(ttf.getBestCmap())
    except (OSError, ValueError, AssertionError):
        return frozenset()


def _printed(texts: Iterable[str | None]) -> list[str]:
    """The distinct characters of ``texts`` that print as glyphs (not spaces or controls)."""
    seen: dict[str, None] = {}
    for text in texts:
        for char in text or "":
            if not unicodedata.category(char).startswith(("Z", "C")):
                seen[char] = None
    return list(seen)


def missing_glyphs(texts: Iterable[str | None], chain: list[FontFile] | None = None
                   ) -> list[str]:
    """The characters of ``texts`` no font of ``chain`` (by default :func:`fonts`) can draw,
    in order of first appearance: 䶮 is in Noto Sans SC, 𠮷 in the Noto Sans CJK fallback,
    𪚥 (U+2A6A5) in neither."""
    chain = fonts() if chain is None else chain
    return [char for char in _printed(texts)
            if not any(ord(char) in covered(font) for font in chain)]


def needed_fallbacks(texts: Iterable[str | None], chain: list[FontFile]) -> list[FontFile]:
    """The fallback fonts the document needs: only those drawing a character the body font
    lacks, so an ordinary document embeds (and loads) the body font alone."""
    body, fallbacks = chain[0], chain[1:]
    rare = [ord(char) for char in _printed(texts) if ord(char) not in covered(body)]
    needed = []
    for font in fallbacks:
        if not rare:
            break
        drawn = [point for point in rare if point in covered(font)]
        if drawn:
            needed.append(font)
            rare = [point for point in rare if point not in drawn]
    return needed


class _Pdf(FPDF):
    def __init__(self, printable: Printable, created: dt.datetime | None = None) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        if created is not None:  # the file's own date (its properties), naive UTC
            self.set_creation_date(created.replace(tzinfo=dt.UTC))
        self.printable = printable
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 5)
        chain = fonts()
        self.add_font(FONT, fname=chain[0].path)
        texts = list(printable.texts())
        fallbacks = needed_fallbacks(texts, chain)
        for font in fallbacks:
            self.add_font(font.family, fname=font.path, collection_font_number=font.face)
        if fallbacks:
            # Tried character by character where the body font has no glyph.
            self.set_fallback_fonts([font.family for font in fallbacks], exact_match=False)
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


def render_pdf(printable: Printable, created: dt.datetime | None = None) -> bytes:
    """The document as PDF bytes, its creation date ``created`` (naive UTC; default the real
    time); raises :class:`MissingGlyphs` naming any character no font can print (the print
    view, drawn by the browser's fonts, still serves)."""
    missing = missing_glyphs(printable.texts())
    if missing:
        raise MissingGlyphs(missing)
    pdf = _Pdf(printable, created)
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
