"""Files the app builds for download (CSV, Excel, PDF): one way to stream them.

A CSV is streamed as it is written (a semicolon-separated file with a BOM, as French Excel
opens it). A workbook is written to a temporary file first (XlsxWriter's constant-memory
mode), then sent in 64 KiB pieces and deleted once sent, or at once if writing failed.
"""

import csv
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal

from flask import Response, stream_with_context

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_FLUSH = 500  # rows per streamed piece


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}


# A cell a spreadsheet would run as a formula (OWASP « CSV injection »): text starting
# with one of these. A plain number (« -12,50 », « +33 6 12 34 56 78 ») is left alone.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d[\d\s]*(?:[.,]\d+)?")


def safe_cell(value):
    """``value``, or, if a spreadsheet would read it as a formula, the same text behind
    an apostrophe (shown as typed, never run)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) \
            and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def french_cell(value) -> str:
    """A value as a French spreadsheet reads it: « 31/12/2026 », « 1234,50 », empty for
    none."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return str(value)


def csv_lines(header: list[str], rows: Iterable[Iterable], bom: bool = True) -> Iterator[str]:
    """The CSV text in pieces of ``CSV_FLUSH`` rows (semicolons, a BOM first); a cell that
    would run as a formula is neutralised (``safe_cell``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    if bom:
        buffer.write("\ufeff")
    writer.writerow([safe_cell(v) for v in header])
    for n, row in enumerate(rows, 1):
        writer.writerow([safe_cell(v) for v in row])
        if n % CSV_FLUSH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_download(name: str, lines: Iterable[str]) -> Response:
    """A CSV streamed while the request's context (database session, user) lives."""
    return Response(stream_with_context(lines), mimetype="text/csv", headers=_attachment(name))


def file_download(name: str, write: Callable[[str], None], mimetype: str = XLSX) -> Response:
    """``write(path)`` fills a temporary file, sent in 64 KiB pieces, deleted once sent."""
    handle, path = tempfile.mkstemp(suffix=os.path.splitext(name)[1])
    os.close(handle)
    try:
        write(path)
    except BaseException:
        os.unlink(path)
        raise

    def pieces():
        try:
            with open(path, "rb") as file:
                while piece := file.read(65536):
                    yield piece
        finally:
            os.unlink(path)

    headers = _attachment(name) | {"Content-Length": str(os.path.getsize(path))}
    return Response(pieces(), mimetype=mimetype, headers=headers)


def bytes_download(name: str, content: bytes, mimetype: str) -> Response:
    """A document built in memory (a PDF)."""
    return Response(content, mimetype=mimetype, headers=_attachment(name))
