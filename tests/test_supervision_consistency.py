"""One scope, four outputs: metrics.json, the Synthèse tab, the Excel export (read back with
openpyxl) and the PDF synthesis (read back with pdftotext) show the same figures."""

import io
import re
from datetime import date
from decimal import Decimal

import openpyxl

from tests.documents import pdf_text
from tests.fixtures.operations import conclude, record

AS_OF = "2026-02-20"


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " ")).strip()


def table_cell(html: str, table_id: str, label: str) -> str:
    """The text of the cell after the row header ``label`` in the table ``table_id``."""
    table = html[html.index(f'id="{table_id}"'):]
    table = table[:table.index("</table>")]
    row = re.search(rf"<th[^>]*>{re.escape(label)}</th>\s*<td[^>]*>(.*?)</td>", table, re.S)
    return plain(re.sub(r"<[^>]+>", "", row.group(1)))


def euros(text: str) -> Decimal:
    return Decimal(re.sub(r"[^\d,-]", "", text).replace(",", "."))


def test_json_synthese_excel_and_pdf_agree(org, login, campaign):  # noqa: F811
    operation, targets = campaign(10, potentials=[str(1000 * (i + 1)) for i in range(10)])
    record(targets[0], 1)
    conclude(targets[0], "Signature", "12500")
    for position in (1, 2, 3):
        record(targets[1], position)
    conclude(targets[1], "Vente", "7300.40")
    record(targets[2], 1)
    conclude(targets[2], "Refus")
    record(targets[3], 1)
    record(targets[3], 2, status="planned")
    http = login(org["manager"])
    scope = f"operation={operation.id}&as_of={AS_OF}"

    data = http.get(f"/supervision/metrics.json?{scope}").get_json()
    synthese = http.get(f"/supervision/synthese?{scope}").get_data(as_text=True)
    book = openpyxl.load_workbook(io.BytesIO(
        http.get(f"/supervision/gestion/export.xlsx?{scope}").get_data()))
    excel = {row[0]: row[1] for row in book["Synthèse"].iter_rows(values_only=True) if row[0]}
    pdf = plain(" ".join(pdf_text(http.get(f"/supervision/editions/synthese.pdf?{scope}").data)))

    amounts = {"Objectif": "objective", "Potentiel": "potential", "Collecté": "collected",
               "Reste à réaliser": "remaining_to_objective",
               "Potentiel restant": "remaining_potential"}
    for label, key in amounts.items():
        exact = Decimal(data[key])
        shown = table_cell(synthese, "synthese-objective", label)
        assert euros(shown) == exact.quantize(Decimal(1)), label  # to the euro on screen
        assert Decimal(str(excel[label])) == exact, label  # exact in the spreadsheet
        assert f"{label} {shown}".replace(" €", "") in pdf.replace(" €", "").replace("€", ""), label

    counts = {"Ont accepté": "accepted", "Ont refusé": "refused", "En cours": "in_progress"}
    for label, key in counts.items():
        value = data["clients"][key]
        assert excel[label] == value
    assert re.findall(r'figure=(accepted|refused|in_progress)"[^>]*>(\d+)<', synthese) == [
        ("accepted", "2"), ("refused", "1"), ("in_progress", "7")]

    rates = {"Taux d'avancement": "progress_rate",
             "Taux de transformation": "transformation_rate",
             "Taux d'équipement": "equipment_rate"}
    for label, key in rates.items():
        value = data[key]
        assert round(excel[label], 2) == value, label
        shown = f"{value:.2f}".replace(".", ",")
        assert f"{shown} %" in plain(synthese) and shown in pdf, label
    assert data["collected"] == "19800.40" and data["transformation_rate"] == 100.0
    assert date.fromisoformat(data["scope"]["as_of"]) == date(2026, 2, 20)
