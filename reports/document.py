"""The content of a printable document, shared by its PDF and its HTML print view so that both
always say the same thing."""

from __future__ import annotations

from dataclasses import dataclass, field
import datetime as dt
import io

import segno


@dataclass
class Heading:
    """A section title."""

    text: str


@dataclass
class Paragraph:
    """A block of running text."""

    text: str


@dataclass
class Fields:
    """Label–value pairs, shown as a two-column table."""

    pairs: list[tuple[str, str]]


@dataclass
class Table:
    """A table whose header repeats on every page it spans; ``widths`` are relative."""

    header: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None
    empty: str = ""


@dataclass
class Signatures:
    """Blank lines to sign and date by hand."""

    labels: list[str]


@dataclass
class Qr:
    """A QR code of ``data`` (the case number, the status-lookup address) with a caption."""

    data: str
    caption: str = ""

    def svg(self) -> str:
        """Inline SVG markup for the print view (no script, no external request)."""
        return segno.make(self.data, error="m").svg_inline(scale=3, border=2)

    def png(self) -> io.BytesIO:
        buffer = io.BytesIO()
        segno.make(self.data, error="m").save(buffer, kind="png", scale=6, border=2)
        buffer.seek(0)
        return buffer


Block = Heading | Paragraph | Fields | Table | Signatures | Qr


@dataclass
class Printable:
    """One document: the centre that issues it, its title, date and blocks."""

    centre: str
    title: str
    date: dt.date
    blocks: list[Block] = field(default_factory=list)
    reference: str = ""
    filename: str = "document"

    def texts(self):
        """Every piece of text the document prints (for the glyph check and the fallback fonts)."""
        yield from (self.centre, self.title, self.reference, self.date.isoformat())
        for block in self.blocks:
            if isinstance(block, Heading | Paragraph):
                yield block.text
            elif isinstance(block, Fields):
                for label, value in block.pairs:
                    yield label
                    yield value
            elif isinstance(block, Table):
                yield from block.header
                if not block.rows:
                    yield block.empty
                for row in block.rows:
                    yield from row
            elif isinstance(block, Signatures):
                yield from block.labels
            elif isinstance(block, Qr):
                yield block.caption
