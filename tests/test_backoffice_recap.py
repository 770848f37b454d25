"""The R1 recap (slide 12 « Récap Cotation R1 (depuis le 01/06/2015) … ** : Client
Signé »): per sales rep, the clients quoted since a date, the signed ones marked."""

import html
from datetime import UTC, datetime, timedelta

import pytest

from webapp.extensions import db


def text(response) -> str:
    return html.unescape(response.text)


@pytest.fixture
def quotes(org, make_client, make_bo_request):
    marc, lea = org["advisor"], org["other_advisor"]
    anne = make_client("Anne", "Roux", advisor=marc)
    paul = make_client("Paul", "Rousseau", advisor=marc)
    emile = make_client("Émile", "Roussel", advisor=lea)
    make_bo_request(marc, anne, "Cotation R1")
    make_bo_request(marc, anne, "Cotation R1", label="Cotation R1 groupe")  # one line
    make_bo_request(marc, paul, "Cotation R1", state="delivered")
    make_bo_request(marc, anne, "Mise en place partenariat (R2 validé)", state="accepted")
    make_bo_request(marc, paul, "Mise en place partenariat (R2 validé)", state="refused")
    make_bo_request(lea, emile, "Cotation R1")
    old = make_bo_request(lea, make_client("Hugo", "Lefèvre", advisor=lea), "Cotation R1")
    old.created_at = datetime.now(UTC) - timedelta(days=400)
    db.session.commit()


def test_recap_per_rep_with_signed_clients(org, quotes, login):
    since = (datetime.now(UTC) - timedelta(days=30)).date()
    page = login(org["bo_assistant"]).get("/bo/recap", query_string={
        "start": since.isoformat()})
    assert page.status_code == 200
    body = text(page)
    assert f"Récap cotations R1 depuis le {since:%d/%m/%Y}" in body
    # One card per rep, by name: Léa Bernard, then Marc Petit.
    lea = body[body.index(">Léa Bernard</h2>"):body.index(">Marc Petit</h2>")]
    marc = body[body.index(">Marc Petit</h2>"):]
    assert "2 clients cotés, 1 signé" in marc
    assert "Anne Roux <strong aria-hidden=\"true\">**</strong>" in marc
    assert "Paul Rousseau</li>" in marc  # refused: not signed
    assert "Émile Roussel</li>" in lea and "Hugo" not in lea  # quoted 400 days ago


def test_recap_is_scoped(org, quotes, login):
    since = {"start": (datetime.now(UTC) - timedelta(days=500)).date().isoformat()}
    assert ">Léa Bernard</h2>" not in login(org["advisor"]).get("/bo/recap",
                                                                  query_string=since).text
    assert ">Marc Petit</h2>" in login(org["manager"]).get("/bo/recap",
                                                           query_string=since).text
    lea = text(login(org["other_advisor"]).get("/bo/recap", query_string=since))
    assert "Hugo Lefèvre" in lea and "Marc Petit</h2>" not in lea
    assert "Aucune cotation R1" in login(org["bdc_agent"]).get("/bo/recap").text


def test_bad_date_falls_back(org, quotes, login):
    page = login(org["bo_assistant"]).get("/bo/recap", query_string={"start": "hier"})
    assert page.status_code == 200 and "is-invalid" in page.text


@pytest.mark.parametrize("start", ["0001-01-01", "9999-12-31"])
def test_a_start_out_of_range_is_refused_not_a_500(org, login, start):
    # #19: /bo/recap?start=0001-01-01 was a 500 (the day's start in Paris time).
    response = login(org["bo_assistant"]).get("/bo/recap", query_string={"start": start})
    assert response.status_code == 200
    assert "Indiquez une date entre 1900 et 2100." in html.unescape(response.text)
