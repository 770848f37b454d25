"""The query's result as a file: CSV (semicolons, decimal commas, a BOM) and Excel, both
streamed (rows read from the database in batches; the workbook in constant memory)."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from flask import Response

from webapp import clock
from webapp.clients.models import Language
from webapp.clients.selection.queries import ExportRow
from webapp.downloads import csv_download, csv_lines, file_download, french_cell

COLUMNS = ("Nom", "Prénom", "E-mail", "Téléphone", "Code postal", "Ville", "Langue",
           "Succursale", "Conseiller", "Fiche créée le", "Total des comptes (€)")
LANGUAGES = Language.labels()


def _values(row: ExportRow) -> list:
    """The row as shown on the screens: the creation day in Paris, the language's name."""
    created = clock.local_day(row.created_at) if isinstance(row.created_at, datetime) else None
    total = Decimal(row.accounts).quantize(Decimal("0.01")) if row.accounts is not None else None
    return [row.last_name, row.first_name, row.email, row.phone, row.postal_code, row.city,
            LANGUAGES.get(row.language, row.language), row.branch, row.advisor, created, total]


def csv_response(rows: Iterable[ExportRow], name: str) -> Response:
    lines = csv_lines(list(COLUMNS), ([french_cell(v) for v in _values(row)] for row in rows))
    return csv_download(f"{name}.csv", lines)


def _write_xlsx(path: str, rows: Iterable[ExportRow]) -> None:
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet("Clients")
    header = book.add_format({"bold": True, "bg_color": "#f4f6f9"})
    money = book.add_format({"num_format": '#,##0.00 "€"'})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    for col, title in enumerate(COLUMNS):
        sheet.write_string(0, col, title, header)
        sheet.set_column(col, col, 16)
    sheet.freeze_panes(1, 0)
    number = 0
    for number, row in enumerate(rows, 1):
        for col, value in enumerate(_values(row)):
            if value is None:
                continue
            if isinstance(value, Decimal):
                sheet.write_number(number, col, float(value), money)
            elif isinstance(value, date):
                sheet.write_datetime(number, col, value, day)
            else:
                sheet.write_string(number, col, str(value))
    sheet.autofilter(0, 0, max(number, 1), len(COLUMNS) - 1)
    book.close()


def xlsx_response(rows: Iterable[ExportRow], name: str) -> Response:
    return file_download(f"{name}.xlsx", lambda path: _write_xlsx(path, rows))
