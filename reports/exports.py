"""Spreadsheet exports of the centre's lists: streamed CSV (UTF-8 with a BOM, so Excel reads the
Chinese) and xlsx (openpyxl in write-only mode), with every cell that a spreadsheet would take
for a formula neutralised."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
import csv
from dataclasses import dataclass
import io
import tempfile
from typing import Any

from openpyxl import Workbook

# A cell starting with one of these is a formula to Excel, LibreOffice and Sheets (CSV
# injection); tab and carriage return start one too after some importers strip them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


@dataclass(frozen=True)
class Column:
    """One column of an export: its (translated) header and how to read it from a row."""

    header: Any
    value: Callable[[Any], Any]


def neutralise(value: Any) -> Any:
    """``value`` safe for a spreadsheet cell: text that would start a formula gets a leading
    apostrophe (shown as text, never evaluated); numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def rows_of(columns: list[Column], records: Iterable[Any]) -> Iterator[list[Any]]:
    """The neutralised cells of each record (``records`` may yield several rows per document:
    pass ``(document, part)`` pairs and read them in the columns)."""
    for record in records:
        yield [neutralise(column.value(record)) for column in columns]


def csv_stream(columns: list[Column], records: Iterable[Any], batch: int = 500) -> Iterator[str]:
    """The CSV text in chunks of ``batch`` rows, the BOM and header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(column.header) for column in columns])
    yield BOM + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(rows_of(columns, records), start=1):
        writer.writerow(row)
        if count % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_file(columns: list[Column], records: Iterable[Any], title: str = "export"):
    """A temporary file holding the workbook: openpyxl's write-only mode writes each row out
    as it comes, so the rows never sit in memory together. The caller closes the file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([str(column.header) for column in columns])
    for row in rows_of(columns, records):
        sheet.append(row)
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return handle
