"""Incentives (slide 9): « Le seuil de déclenchement à 5 € est supprimé. Les arrondis sont
effectués par vendeur et non plus par police », from entered or imported sales; export."""

import csv
import html
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from webapp.backoffice.models import Sale
from webapp.extensions import db

PERIOD = {"start": "2026-03-01", "end": "2026-03-31"}
# Julie: 3 × 2,40 € → 7 € per seller (6 € per policy); Marc: 3 × 1,30 € → 4 € (3 € per
# policy, nothing under the former 5 € threshold); Léa (another agency): 0,80 € → 1 €.
CSV = ("date;agence;vendeur;police;montant\n"
       "05/03/2026;Time Tours;Julie;P-1;2,40\n05/03/2026;Time Tours;Julie;P-2;2,40\n"
       "06/03/2026;Time Tours;Julie;P-3;2,40\n"
       "07/03/2026;Time Tours;Marc;P-4;1,30\n07/03/2026;Time Tours;Marc;P-5;1,30\n"
       "08/03/2026;Time Tours;Marc;P-6;1,30\n"
       "09/03/2026;Les 3 Blancheurs;Léa;P-7;0,40\n10/03/2026;Les 3 Blancheurs;Léa;P-8;0,40\n"
       "15/04/2026;Time Tours;Julie;P-9;100,00\n")


def text(response) -> str:
    return html.unescape(response.text).replace("\u202f", " ").replace("\xa0", " ")


def upload(http, content: str, name="ventes.csv", encoding="utf-8"):
    return http.post("/bo/incentives/import", query_string=PERIOD,
                     data={"import-file": (io.BytesIO(content.encode(encoding)), name)},
                     content_type="multipart/form-data")


def test_import_then_per_seller_rounding(org, login):
    http = login(org["bo_assistant"])
    response = upload(http, CSV)
    assert response.status_code == 302 and "start=2026-03-01" in response.location
    assert db.session.scalar(select(db.func.count(Sale.id))) == 9
    page = text(http.get("/bo/incentives", query_string=PERIOD))
    assert "<td>Time Tours</td><td>Julie</td><td class=\"text-end\">3</td>" in page
    assert "7,20 €</td><td class=\"text-end text-nowrap fw-semibold\">7 €" in page
    assert "3,90 €</td><td class=\"text-end text-nowrap fw-semibold\">4 €" in page
    assert "0,80 €</td><td class=\"text-end text-nowrap fw-semibold\">1 €" in page
    assert 'id="incentive-total">12 €' in page and "100,00" not in page  # April is out


def test_export(org, login):
    http = login(org["bo_assistant"])
    upload(http, CSV)
    response = http.get("/bo/incentives/export.csv", query_string=PERIOD)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="incentives-2026-03-01-2026-03-31.csv"' in response.headers[
        "Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    assert rows == [["Agence", "Vendeur", "Polices", "Montant exact (€)",
                     "Incentive arrondi (€)"],
                    ["Les 3 Blancheurs", "Léa", "2", "0,80", "1"],
                    ["Time Tours", "Julie", "3", "7,20", "7"],
                    ["Time Tours", "Marc", "3", "3,90", "4"]]


def test_a_file_with_an_error_imports_nothing(org, login):
    http = login(org["bo_assistant"])
    bad = CSV + "11/03/2026;Time Tours;;P-10;1,00\n12/03/2026;Time Tours;Marc;P-11;deux\n"
    response = upload(http, bad)
    assert response.status_code == 422
    body = text(response)
    assert "Rien n'a été importé" in body
    assert "Ligne 11 : vendeur manquant." in body
    assert "Ligne 12 : montant illisible « deux »." in body
    assert db.session.scalars(select(Sale)).all() == []


@pytest.mark.parametrize(("content", "message"), [
    ("nom;montant\nJulie;2\n", "Colonnes attendues : date;agence;vendeur;police;montant"),
    ("", "Le fichier ne contient aucune vente."),
    ("date;agence;vendeur;police;montant\n", "Le fichier ne contient aucune vente."),
])
def test_import_refusals(org, login, content, message):
    response = upload(login(org["bo_assistant"]), content)
    assert response.status_code == 422 and message in text(response)


def test_excel_french_csv_with_commas_and_cp1252(org, login):
    content = "Date,Agence,Vendeur,Police,Montant\n05/03/2026,Carré Vges,Hélène,P-1,\"2,60\"\n"
    assert upload(login(org["bo_assistant"]), content, encoding="cp1252").status_code == 302
    sale = db.session.scalars(select(Sale)).one()
    assert (sale.agency, sale.seller, sale.amount) == ("Carré Vges", "Hélène", Decimal("2.60"))


def test_no_file(org, login):
    response = login(org["bo_assistant"]).post("/bo/incentives/import", data={})
    assert response.status_code == 422 and "Choisissez le fichier des ventes." in text(response)


def test_sale_entered_by_hand(org, login):
    http = login(org["bo_assistant"])
    response = http.post("/bo/incentives/sales", query_string=PERIOD, data={
        "sale-sold_on": "2026-03-05", "sale-agency": "Time Tours", "sale-seller": "Julie",
        "sale-policy": "P-1", "sale-amount": "2,49"})
    assert response.status_code == 302
    sale = db.session.scalars(select(Sale)).one()
    assert sale.amount == Decimal("2.49") and sale.sold_on == date(2026, 3, 5)
    assert ">2 €</td>" in text(http.get("/bo/incentives", query_string=PERIOD))


@pytest.mark.parametrize(("data", "message"), [
    ({"sale-sold_on": "", "sale-agency": "", "sale-seller": "", "sale-policy": "",
      "sale-amount": ""}, "Ce champ est obligatoire."),
    ({"sale-agency": "x" * 121}, "120"),
    ({"sale-amount": "abc"}, "Saisissez un montant en euros"),
    ({"sale-amount": "-1"}, "Le montant doit être positif ou nul."),
    ({"sale-sold_on": "hier"}, "date"),
    ({"sale-sold_on": "9999-12-31"}, "Indiquez une date entre 1900 et 2100."),
    ({"sale-sold_on": "0001-01-01"}, "Indiquez une date entre 1900 et 2100."),
])
def test_sale_refusals(org, login, data, message):
    form = {"sale-sold_on": "2026-03-05", "sale-agency": "Time Tours", "sale-seller": "Julie",
            "sale-policy": "P-1", "sale-amount": "2,40", **data}
    response = login(org["bo_assistant"]).post("/bo/incentives/sales", data=form)
    assert response.status_code == 422 and message.lower() in text(response).lower()
    assert db.session.scalars(select(Sale)).all() == []


def test_desk_only(org, login):
    for role in ("advisor", "manager", "bdc_agent"):
        http = login(org[role])
        assert http.get("/bo/incentives").status_code == 403
        assert http.get("/bo/incentives/export.csv").status_code == 403
        assert upload(http, CSV).status_code == 403
    assert login(org["admin"]).get("/bo/incentives").status_code == 200


def test_help_has_no_space_before_a_full_stop(org, login):
    # #13 wording: read element by element (as a screen reader or a crawler does), the
    # import help said « …;2,40 . Tout le fichier ».
    from html.parser import HTMLParser

    class Words(HTMLParser):
        def __init__(self):
            super().__init__()
            self.chunks = []

        def handle_data(self, data):
            self.chunks.append(data)

    words = Words()
    words.feed(login(org["bo_assistant"]).get("/bo/incentives").text)
    page = " ".join(" ".join(words.chunks).split())
    assert "Tout le fichier est importé" in page
    assert re.findall(r".{30}\s[.,](?:\s|$)", page) == []
