"""CSV and Excel exports of the list view, streamed (rows read a chunk at a time; the
workbook written in XlsxWriter's constant-memory mode to a temporary file)."""

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal

import xlsxwriter
from flask import Response, stream_with_context

from webapp.opportunities.queries_list import COLUMNS

CSV_FLUSH = 500


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return str(value)


def csv_lines(rows: Iterable[tuple]) -> Iterator[str]:
    """Semicolon-separated, decimal commas, a BOM: what a French spreadsheet opens."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    for n, row in enumerate(rows, 1):
        writer.writerow([_csv_value(v) for v in row])
        if n % CSV_FLUSH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(rows: Iterable[tuple], name: str) -> Response:
    return Response(stream_with_context(csv_lines(rows)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


def _write_xlsx(path: str, rows: Iterable[tuple]) -> None:
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet("Opportunités")
    header = book.add_format({"bold": True, "bg_color": "#f4f6f9"})
    money = book.add_format({"num_format": '#,##0.00 "€"'})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    for col, title in enumerate(COLUMNS):
        sheet.write_string(0, col, title, header)
        sheet.set_column(col, col, 14 if col != 1 else 26)
    sheet.freeze_panes(1, 0)
    row_number = 0
    for row_number, row in enumerate(rows, 1):
        for col, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, Decimal):
                sheet.write_number(row_number, col, float(value), money)
            elif isinstance(value, date):
                sheet.write_datetime(row_number, col, value, day)
            elif isinstance(value, int):
                sheet.write_number(row_number, col, value)
            else:
                sheet.write_string(row_number, col, str(value))
    sheet.autofilter(0, 0, max(row_number, 1), len(COLUMNS) - 1)
    book.close()


def xlsx_response(rows: Iterable[tuple], name: str) -> Response:
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        _write_xlsx(path, rows)
    except Exception:
        os.unlink(path)
        raise

    def chunks():
        try:
            with open(path, "rb") as file:
                while data := file.read(64 * 1024):
                    yield data
        finally:
            os.unlink(path)

    return Response(chunks(), mimetype="application/vnd.openxmlformats-officedocument."
                                        "spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
