"""Quotes (seed 001, slide 27): the HT/TTC rounding, the status moves, the PDF read back,
the e-mail with the PDF in the SMTP sink, the accepted quote's opportunity, the forms."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.documents import pdf_text
from webapp import clock
from webapp.activities.quotes.models import Quote
from webapp.activities.quotes.rules import Amounts, line_amounts, move_error, quote_totals
from webapp.activities.quotes.services import add_line, create_quote, decide_quote, send_quote
from webapp.errors import Refused
from webapp.extensions import db
from webapp.notifications.worker import drain
from webapp.opportunities.models import Opportunity

D = Decimal


@pytest.mark.parametrize("quantity, unit, rate, expected", [
    (1, "450.00", "20.00", ("450.00", "90.00", "540.00")),
    (3, "19.99", "20.00", ("59.97", "11.99", "71.96")),  # 11,994 → 11,99
    (1, "0.03", "20.00", ("0.03", "0.01", "0.04")),  # 0,006 → 0,01 (half up)
    (1, "0.025", "20.00", ("0.03", "0.01", "0.04")),  # an HT of 0,025 → 0,03
    (2, "10.00", "5.50", ("20.00", "1.10", "21.10")),
    (7, "1.15", "20.00", ("8.05", "1.61", "9.66")),  # 1,61 exactly
    (1, "0.02", "20.00", ("0.02", "0.00", "0.02")),  # 0,004 → 0,00
])
def test_line_rounding(quantity, unit, rate, expected):
    """Each line rounded to the cent, half up: HT, then VAT on the rounded HT."""
    assert line_amounts(quantity, D(unit), D(rate)) == Amounts(*map(D, expected))


def test_totals_are_the_sums_of_the_rounded_lines():
    lines = [line_amounts(1, D("0.03"), D("20")), line_amounts(1, D("0.03"), D("20"))]
    # Summed before rounding, the VAT would be 0,012 → 0,01; the printed lines say 0,02.
    assert quote_totals(lines) == Amounts(D("0.06"), D("0.02"), D("0.08"))


TODAY = date(2026, 12, 6)


@pytest.mark.parametrize("current, new, lines, email, valid, expected", [
    ("draft", "sent", 1, True, TODAY, None),
    ("draft", "sent", 0, True, TODAY, "au moins une ligne"),
    ("draft", "sent", 1, False, TODAY, "pas d'e-mail"),
    ("draft", "sent", 1, True, TODAY - timedelta(days=1), "expiré le 05/12/2026"),
    ("draft", "accepted", 1, True, TODAY, "pas possible"),
    ("sent", "accepted", 1, True, TODAY, None),
    ("sent", "accepted", 1, True, TODAY - timedelta(days=1), "expiré"),
    ("sent", "refused", 1, True, TODAY - timedelta(days=1), None),  # refusing: any time
    ("accepted", "refused", 1, True, TODAY, "définitive"),
    ("refused", "accepted", 1, True, TODAY, "définitive"),
    ("sent", "draft", 1, True, TODAY, "pas possible"),
])
def test_status_moves(current, new, lines, email, valid, expected):
    error = move_error(current, new, lines=lines, has_email=email, valid_until=valid,
                       today=TODAY)
    assert (error is None) if expected is None else (expected in error)


@pytest.fixture
def drafted(org, make_client, make_product):
    client = make_client(advisor=org["advisor"], email="anne@example.fr")
    pave = make_product()
    site = make_product(key="site", label="Site vitrine", price_ht="19.99", range="Internet")
    today = clock.today()
    quote = create_quote(client, "Pavé Opticiens S2", today + timedelta(days=30),
                         org["advisor"].id, today)
    add_line(quote, pave.id, 1)
    add_line(quote, site.id, 3)
    db.session.commit()
    return quote


def test_sent_with_its_pdf_then_accepted_as_an_opportunity(app, org, drafted, smtp_sink):
    quote, today = drafted, clock.today()
    assert (quote.total_ht, quote.total_ttc) == (D("509.97"), D("611.96"))
    send_quote(quote, today)
    db.session.commit()
    assert drain().sent == 1
    [mail] = smtp_sink.messages
    assert mail["To"] == "anne@example.fr" and quote.number in mail["Subject"]
    [attached] = list(mail.iter_attachments())
    assert attached.get_filename() == f"devis-{quote.number}.pdf"
    text = "\n".join(pdf_text(attached.get_content()))
    for expected in ("Pavé Opticiens S2", "Site vitrine", "509,97", "611,96", "101,99"):
        assert expected in text, expected
    with pytest.raises(Refused, match="au moins une ligne|pas possible"):
        send_quote(quote, today)
    decide_quote(quote, True, org["advisor"], today)
    db.session.commit()
    opportunity = db.session.get(Opportunity, quote.opportunity_id)
    assert opportunity.amount == D("509.97") and opportunity.client_id == quote.client_id
    assert opportunity.owner_id == org["advisor"].id and opportunity.name == "Anne Roux"
    assert opportunity.purpose == f"Devis {quote.number} accepté : Pavé Opticiens S2"
    with pytest.raises(Refused) as final:
        decide_quote(quote, False, org["advisor"], today)
    assert final.value.status == 409


def test_lines_only_on_a_draft(app, org, drafted, make_product):
    send_quote(drafted, clock.today(), mail=False)
    with pytest.raises(Refused, match="ne changent plus"):
        add_line(drafted, make_product(key="x").id, 1)


def test_quote_pages(app, org, make_client, make_product, login):
    client = make_client(advisor=org["advisor"], email="anne@example.fr")
    product = make_product()
    http = login(org["advisor"])
    page = http.get(f"/activities/clients/{client.id}/quotes/new")
    assert page.status_code == 200
    created = http.post(f"/activities/clients/{client.id}/quotes/new", data={
        "title": "Pavé Opticiens", "valid_until": (clock.today() + timedelta(days=10)).isoformat()})
    assert created.status_code == 302
    quote = db.session.scalar(select(Quote))
    url = f"/activities/quotes/{quote.id}"
    assert http.post(f"{url}/lines", data={"product_id": product.id, "quantity": "2"}
                     ).status_code == 302
    assert http.post(f"{url}/lines", data={"product_id": product.id, "quantity": "0"}
                     ).status_code == 422
    assert http.post(f"{url}/lines", data={"product_id": 0, "quantity": "1"}).status_code == 422
    shown = http.get(url)
    assert 'id="total-ht">900\xa0€' in shown.text
    assert 'id="total-ttc">1\u202f080\xa0€' in shown.text
    pdf = http.get(f"{url}/pdf")
    assert pdf.mimetype == "application/pdf" and "Pavé Opticiens" in pdf_text(pdf.data)[0]
    db.session.refresh(quote)
    assert http.post(f"{url}/send", data={"version": "1"}).status_code == 409  # stale
    assert http.post(f"{url}/send", data={"version": quote.version}).status_code == 302
    db.session.refresh(quote)
    assert http.post(f"{url}/decision", data={"decision": "accepted",
                                              "version": quote.version}).status_code == 302
    db.session.refresh(quote)
    assert quote.status == "accepted" and quote.opportunity_id
    lea = login(org["other_advisor"])
    for path in (url, f"{url}/pdf", f"/activities/clients/{client.id}/quotes/new"):
        assert lea.get(path).status_code == 404, path
    assert lea.post(f"{url}/decision", data={"decision": "refused"}).status_code == 404


@pytest.mark.parametrize("data, message", [
    ({"title": "", "valid_until": ""}, "L&#39;objet du devis est obligatoire."),
    ({"title": "x" * 161, "valid_until": "2030-01-01"}, "160 caractères"),
    ({"title": "Devis", "valid_until": "demain"}, "date"),
    ({"title": "Devis", "valid_until": "9999-01-01"}, "Indiquez une date entre"),
    ({"title": "Devis", "valid_until": "2020-01-01"}, "validité est passée"),
])
def test_new_quote_bad_input(app, org, make_client, login, data, message):
    client = make_client(advisor=org["advisor"])
    response = login(org["advisor"]).post(f"/activities/clients/{client.id}/quotes/new",
                                          data=data)
    assert response.status_code == 422 and message in response.text
    assert db.session.scalar(select(func.count(Quote.id))) == 0
