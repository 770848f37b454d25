"""CSV and Excel exports of the list view, streamed (rows read a chunk at a time; the
workbook written in XlsxWriter's constant-memory mode to a temporary file)."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import xlsxwriter
from flask import Response

from webapp.downloads import csv_download, csv_lines, file_download, french_cell
from webapp.opportunities.queries_list import COLUMNS


def csv_response(rows: Iterable[tuple], name: str) -> Response:
    """Semicolon-separated, decimal commas, a BOM: what a French spreadsheet opens."""
    lines = csv_lines(list(COLUMNS), ([french_cell(v) for v in row] for row in rows))
    return csv_download(f"{name}.csv", lines)


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
    """The rows as an Excel workbook (text written as text: no formula is ever run)."""
    return file_download(f"{name}.xlsx", lambda path: _write_xlsx(path, rows))
