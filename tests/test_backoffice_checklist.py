"""The new-contract checklist (slide 7) through its routes: sections saved as you go,
progress « n / m », conditional Extranet items, HD logo, completion, printable summary."""

import html
import io
from datetime import date

import pytest

from tests.fixtures.files import _jpeg, _png
from webapp.backoffice.models import Checklist
from webapp.extensions import db

HX = {"HX-Request": "true"}
CONTACTS = {"contact_name": "Marie Dupont", "address": "1 rue de la Paix, 75002 Paris",
            "phone": "01 42 68 53 00", "email": "contact@timetours.fr"}
CONTRACT = {"fram_code": "FR-1234", "effective_date": "2026-04-01", "fiscal_year_end": "31/3",
            "revenue": "1 200 000", "revenue_year": "2025"}
BILLING = {"billing_basis": "departure", "accounting_name": "Paul Martin",
           "accounting_phone": "0142685301"}
SUBSCRIPTION = {"subscription_format": "edi"}
EXTRANET = {"subscription_format": "extranet", "reception_email": "souscriptions@timetours.fr",
            "login_preference": "prenom.nom", "chiefs": "Marie Dupont : SUPERCHEF\nPaul - CHEF"}
BOOKLETS = {"booklet_type": "SECUR PLUS", "booklet_format": "paper", "booklet_quantity": "500",
            "booklet_needs": "Livrets pour les 3 agences."}


def text(response) -> str:
    return html.unescape(response.text)


@pytest.fixture
def sheet(org, make_client, make_bo_request):
    """An R2 « Mise en place partenariat » of Marc's, its checklist empty."""
    client = make_client("Time", "Tours", advisor=org["advisor"])
    req = make_bo_request(org["advisor"], client, "Mise en place partenariat (R2 validé)",
                          state="forwarded")
    return req


def save(http, req, section, data):
    return http.post(f"/bo/requests/{req.id}/checklist/sections/{section}", data=data,
                     headers=HX)


def upload_logo(http, req, data, name="logo.png"):
    return http.post(f"/bo/requests/{req.id}/checklist/logo/upload", headers=HX,
                     data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def checklist_of(req) -> Checklist:
    db.session.expire_all()
    return db.session.get(Checklist, req.checklist.id)


def test_page_lists_every_section_and_the_progress(sheet, org, login):
    page = login(org["bo_assistant"]).get(f"/bo/requests/{sheet.id}/checklist")
    assert page.status_code == 200 and "<html" in page.text
    body = text(page)
    for title in ("Coordonnées", "Contrat", "Facturation", "Souscription", "Logo", "Livrets"):
        assert f">{title}</h2>" in body
    assert '<strong id="progress-count">0 / 13</strong>' in body
    assert "Code Fram" in body and "Préférence login et mot de passe" in body
    assert 'id="extranet-fields" class="border rounded p-3 mb-3" hidden' in body
    detail = text(login(org["advisor"]).get(f"/bo/requests/{sheet.id}"))
    assert "0 / 13 informations renseignées" in detail


def test_a_section_is_saved_alone_with_the_progress_out_of_band(sheet, org, login):
    http = login(org["bo_assistant"])
    response = save(http, sheet, "contacts", CONTACTS)
    assert response.status_code == 200 and "<html" not in response.text
    body = text(response)
    assert 'id="section-contacts"' in body and "Section enregistrée." in body
    assert 'id="checklist-progress" aria-labelledby="progress-title" hx-swap-oob="true"' in body
    assert '<strong id="progress-count">4 / 13</strong>' in body
    assert 'id="section-contacts-count">4 / 4' in body
    sheet_row = checklist_of(sheet)
    assert sheet_row.contact_name == "Marie Dupont" and sheet_row.phone == "+33 1 42 68 53 00"
    # Without htmx: back to the page.
    assert http.post(f"/bo/requests/{sheet.id}/checklist/sections/billing",
                     data=BILLING).status_code == 302


def test_due_date_from_the_fiscal_year(sheet, org, login):
    # « Date d'échéance : A déterminer en fonction de l'exercice comptable du client »
    response = save(login(org["bo_assistant"]), sheet, "contract", CONTRACT)
    assert response.status_code == 200
    assert "Date d'échéance : <strong>31/03/2027</strong>" in text(response)
    row = checklist_of(sheet)
    assert row.due_date == date(2027, 3, 31) and row.fiscal_year_end == "31/03"
    assert row.revenue == 1200000 and row.revenue_year == 2025


@pytest.mark.parametrize(("section", "data", "message"), [
    ("contacts", {**CONTACTS, "phone": "abc"}, "Numéro de téléphone illisible."),
    ("contacts", {**CONTACTS, "email": "pas-un-email"}, "Adresse e-mail invalide."),
    ("contacts", {**CONTACTS, "contact_name": "x" * 121}, "120"),
    ("contract", {**CONTRACT, "effective_date": "demain"}, "date"),
    ("contract", {**CONTRACT, "fiscal_year_end": "31/02"}, "Cette date de clôture n'existe pas."),
    ("contract", {**CONTRACT, "revenue": "beaucoup"}, "Saisissez un montant en euros"),
    ("contract", {**CONTRACT, "revenue_year": "abc"}, "entier"),
    ("contract", {**CONTRACT, "revenue_year": "3000"}, "Indiquez une année entre 1990 et 2100."),
    ("billing", {**BILLING, "billing_basis": "gratuit"}, "choix"),
    ("subscription", {**EXTRANET, "reception_email": "x@"}, "Adresse e-mail invalide."),
    ("subscription", {**EXTRANET, "chiefs": "Marie Dupont"},
     "Précisez le nom et le statut CHEF ou SUPERCHEF : « Marie Dupont »."),
    ("booklets", {**BOOKLETS, "booklet_quantity": "-5"}, "Indiquez une quantité entre 1"),
    ("booklets", {**BOOKLETS, "booklet_type": "AUTRE CONTRAT"}, "choix"),
])
def test_section_refusals_keep_what_was_typed(sheet, org, login, section, data, message):
    response = save(login(org["bo_assistant"]), sheet, section, data)
    assert response.status_code == 422
    body = text(response)
    assert message.lower() in body.lower()
    assert "La section n'est pas enregistrée" in body
    selects = ("billing_basis", "subscription_format", "booklet_type", "booklet_format")
    first_text = next(v for k, v in data.items() if k not in selects)
    assert html.escape(first_text.split("\n")[0], quote=False) in response.text
    row = checklist_of(sheet)
    assert all(getattr(row, key) is None for key in data)


def test_empty_sections_are_saved_empty(sheet, org, login):
    # Saved as you go: an empty section is allowed, the progress says what is left.
    response = save(login(org["bo_assistant"]), sheet, "contacts", {})
    assert response.status_code == 200 and "0 / 13" in response.text


def test_extranet_adds_its_three_items(sheet, org, login):
    # « Si souscription sur l'Extranet » → reception e-mail, login, CHEF/SUPERCHEF.
    http = login(org["bo_assistant"])
    response = save(http, sheet, "subscription", {"subscription_format": "extranet"})
    assert '<strong id="progress-count">1 / 16</strong>' in response.text
    assert 'id="extranet-fields" class="border rounded p-3 mb-3" hidden' not in response.text
    response = save(http, sheet, "subscription", EXTRANET)
    assert '<strong id="progress-count">4 / 16</strong>' in response.text
    response = save(http, sheet, "subscription", SUBSCRIPTION)
    assert '<strong id="progress-count">1 / 13</strong>' in response.text


def test_logo_must_be_hd(sheet, org, login):
    # « Logo client : A demander en HD »
    http = login(org["bo_assistant"])
    response = upload_logo(http, sheet, _png(400, 200))
    assert response.status_code == 422
    assert "Logo trop petit (400 × 200 pixels)" in text(response)
    assert checklist_of(sheet).logo_name is None
    response = upload_logo(http, sheet, b"%PDF-1.4 not an image", "logo.pdf")
    assert response.status_code == 422 and "Image illisible" in text(response)
    response = http.post(f"/bo/requests/{sheet.id}/checklist/logo/upload", data={},
                         headers=HX)
    assert response.status_code == 422 and "Choisissez le fichier du logo." in text(response)
    response = upload_logo(http, sheet, _jpeg(1600, 900), "logo.jpg")
    assert response.status_code == 200 and "Logo enregistré." in text(response)
    assert "1600 × 900 pixels" in text(response)
    row = checklist_of(sheet)
    assert (row.logo_width, row.logo_height, row.logo_mimetype) == (1600, 900, "image/jpeg")
    served = http.get(f"/bo/requests/{sheet.id}/checklist/logo")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    served.close()


def fill_all(http, req, subscription=SUBSCRIPTION):
    for section, data in (("contacts", CONTACTS), ("contract", CONTRACT),
                          ("billing", BILLING), ("subscription", subscription),
                          ("booklets", BOOKLETS)):
        assert save(http, req, section, data).status_code == 200
    assert upload_logo(http, req, _png(1200, 600)).status_code == 200


def test_cannot_complete_while_an_item_is_missing(sheet, org, login):
    http = login(org["bo_assistant"])
    save(http, sheet, "contacts", CONTACTS)
    response = http.post(f"/bo/requests/{sheet.id}/checklist/complete", headers=HX)
    assert response.status_code == 422 and "<html" not in response.text
    assert ("Impossible de marquer la fiche complète : il manque Code Fram" in text(response))
    assert checklist_of(sheet).completed_at is None
    fill_all(http, sheet, EXTRANET | {"chiefs": ""})
    response = http.post(f"/bo/requests/{sheet.id}/checklist/complete", headers=HX)
    assert response.status_code == 422
    assert "il manque Personnes en statut CHEF et/ou SUPERCHEF." in text(response)


def test_complete_then_a_cleared_item_reopens_it(sheet, org, login):
    http = login(org["bo_assistant"])
    fill_all(http, sheet, EXTRANET)
    response = http.post(f"/bo/requests/{sheet.id}/checklist/complete", headers=HX)
    assert response.status_code == 200 and "Fiche complète" in response.text
    assert "16 / 16" in response.text
    assert checklist_of(sheet).completed_at is not None
    # The R2 can now be « mis en place » (slide 6).
    moved = http.post(f"/bo/requests/{sheet.id}/move", headers=HX,
                      data={"state": "forwarded", "target": "in_place"})
    assert moved.status_code == 200
    response = save(http, sheet, "contacts", {**CONTACTS, "phone": ""})
    assert "15 / 16" in response.text and checklist_of(sheet).completed_at is None


def test_printable_summary(sheet, org, login):
    http = login(org["bo_assistant"])
    fill_all(http, sheet, EXTRANET)
    page = http.get(f"/bo/requests/{sheet.id}/checklist/print")
    assert page.status_code == 200
    body = text(page)
    assert "<nav" not in body and "d-print-none" in body and "data-print" in body
    for shown in ("Marie Dupont", "FR-1234", "31/03/2027 (clôture 31/03)", "Base départ",
                  "Paul Martin — +33 1 42 68 53 01", "Extranet", "souscriptions@timetours.fr",
                  "SECUR PLUS — Papier — 500", "1200 × 600 pixels"):
        assert shown in body, shown
    assert "1\u202f200\u202f000\xa0€ (2025)" in body or "1 200 000" in body.replace(
        "\u202f", " ").replace("\xa0", " ")


def test_scope_and_unknown_sections(sheet, org, login, make_client, make_bo_request):
    assert login(org["other_advisor"]).get(
        f"/bo/requests/{sheet.id}/checklist").status_code == 404
    assert save(login(org["other_advisor"]), sheet, "contacts", CONTACTS).status_code == 404
    http = login(org["bo_assistant"])
    assert save(http, sheet, "nonsense", {}).status_code == 404
    assert http.get(f"/bo/requests/{sheet.id}/checklist/logo").status_code == 404
    plain = make_bo_request(org["advisor"], sheet.client, "Log agences")
    assert http.get(f"/bo/requests/{plain.id}/checklist").status_code == 404


def test_reception_email_identical_to_the_general_one(sheet, org, login):
    # Seed 000, slide 7: « Adresse mail de réception des souscriptions si différente de la
    # générale »: the general address, said to be the same, fills the item.
    http = login(org["bo_assistant"])
    same = EXTRANET | {"reception_email": "", "reception_same": "y"}
    response = save(http, sheet, "subscription", same)
    assert "Identique à l'adresse générale" in text(response)
    assert '<strong id="progress-count">3 / 16</strong>' in response.text  # no general yet
    fill_all(http, sheet, same)
    assert checklist_of(sheet).reception_same is True
    response = http.post(f"/bo/requests/{sheet.id}/checklist/complete", headers=HX)
    assert response.status_code == 200 and "16 / 16" in response.text
    body = text(http.get(f"/bo/requests/{sheet.id}/checklist/print"))
    assert "identique à l'adresse générale (contact@timetours.fr)" in body


@pytest.mark.parametrize("effective", ["9999-12-31", "0001-01-01"])
def test_effective_date_is_bounded(sheet, org, login, effective):
    # #19: an effective date of 9999-12-31 was saved, then its due date (a year later)
    # broke the section with a 500.
    response = save(login(org["bo_assistant"]), sheet, "contract",
                    CONTRACT | {"effective_date": effective})
    assert response.status_code == 422
    assert "Indiquez une date d'effet entre 1990 et 2100." in text(response)
    assert checklist_of(sheet).effective_date is None
