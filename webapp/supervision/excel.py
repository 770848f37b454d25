"""« Export Excel » of the Gestion tab: the figures of the scope and every client row,
written with XlsxWriter in constant-memory mode (rows flushed as they come, read from the
database a chunk at a time) to a temporary file that is streamed back and deleted."""

import os

import xlsxwriter
from flask import Response

from webapp import clock
from webapp.downloads import file_download
from webapp.supervision.gestion import Listing, export_rows, state_label
from webapp.supervision.metrics import Figures, Scope, compute

MONEY = '#,##0.00 "€"'
PERCENT = '0.00" %"'
HEADERS = [("Client", 28), ("Opération", 28), ("Conseiller", 22), ("Étape", 8),
           ("État", 12), ("Conclusion", 16), ("Conclu le", 12), ("Potentiel", 14),
           ("Montant collecté", 16)]


def scope_label(scope: Scope) -> str:
    operation = scope.operation.name if scope.operation else "Toutes les opérations"
    advisor = scope.advisor.name if scope.advisor else "tous les conseillers"
    return f"{operation} — {advisor} — au {scope.as_of.strftime('%d/%m/%Y')}"


def figure_lines(figures: Figures) -> list[tuple[str, object, str]]:
    """(label, value, kind) of the synthesis sheet, rates in percent."""
    def pct(value):
        return None if value is None else float(value * 100)

    return [("Objectif", figures.objective, "money"), ("Potentiel", figures.potential, "money"),
            ("Collecté", figures.collected, "money"),
            ("Reste à réaliser", figures.remaining_to_objective, "money"),
            ("Potentiel restant", figures.remaining_potential, "money"),
            ("Taux d'avancement", pct(figures.progress_rate), "percent"),
            ("Clients", figures.total, "count"), ("Ont accepté", figures.accepted, "count"),
            ("Ont refusé", figures.refused, "count"), ("En cours", figures.in_progress, "count"),
            ("Taux de transformation", pct(figures.transformation_rate), "percent"),
            ("Taux d'équipement", pct(figures.equipment_rate), "percent")]


def _write_synthesis(book, sheet, scope: Scope, formats) -> None:
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 18)
    sheet.write(0, 0, "Supervision des opérations commerciales", formats["title"])
    sheet.write(1, 0, scope_label(scope))
    for row, (label, value, kind) in enumerate(figure_lines(compute(scope, steps=False)), 3):
        sheet.write(row, 0, label)
        if value is None:
            sheet.write(row, 1, "—")
        else:
            sheet.write_number(row, 1, float(value), formats.get(kind))


def _write_rows(sheet, found: Listing, formats) -> None:
    for col, (title, width) in enumerate(HEADERS):
        sheet.set_column(col, col, width)
        sheet.write(0, col, title, formats["header"])
    sheet.freeze_panes(1, 0)
    row = 0
    for batch in export_rows(found):
        for (step, first, last, operation, advisor, concluded, success, conclusion,
             day, potential, amount) in batch:
            row += 1
            sheet.write_string(row, 0, f"{first} {last}")
            sheet.write_string(row, 1, operation)
            sheet.write_string(row, 2, advisor or "")
            sheet.write_number(row, 3, step)
            sheet.write_string(row, 4, state_label(concluded, success))
            sheet.write_string(row, 5, conclusion or "")
            if day:
                sheet.write_datetime(row, 6, day, formats["date"])
            for col, value in ((7, potential), (8, amount)):
                if value is not None:
                    sheet.write_number(row, col, float(value), formats["money"])
    sheet.autofilter(0, 0, max(row, 1), len(HEADERS) - 1)


def write_workbook(path: str, scope: Scope, found: Listing) -> None:
    book = xlsxwriter.Workbook(path, {"constant_memory": True, "tmpdir": os.path.dirname(path),
                                      "default_date_format": "dd/mm/yyyy"})
    formats = {"money": book.add_format({"num_format": MONEY}),
               "percent": book.add_format({"num_format": PERCENT}),
               "count": book.add_format({"num_format": "0"}),
               "date": book.add_format({"num_format": "dd/mm/yyyy"}),
               "header": book.add_format({"bold": True, "bg_color": "#E7EEF7"}),
               "title": book.add_format({"bold": True, "font_size": 13})}
    _write_rows(book.add_worksheet("Clients"), found, formats)
    _write_synthesis(book, book.add_worksheet("Synthèse"), scope, formats)
    book.close()


def workbook_response(scope: Scope, found: Listing) -> Response:
    """The workbook as a download (``downloads.file_download``: a temporary file, sent in
    pieces, deleted once sent)."""
    name = f"supervision-{clock.today().isoformat()}.xlsx"
    return file_download(name, lambda path: write_workbook(path, scope, found))
