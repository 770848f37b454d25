"""Proposals through their pages: a client's proposals and a new one, the rep's page and
its forms (empty, too long, wrong type, someone else's id), « Présenter » with its
anomalies and the one-click split, the signature by SMS code (the tries survive the
refused requests' rollback), the PDF and the « remise en production »."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.documents import pdf_text
from tests.fixtures.proposals import code_in
from webapp.activities.churn.models import Churn
from webapp.extensions import db
from webapp.notifications.models import OutboxMessage
from webapp.proposals.models import Proposal, Status

MIXED = [("001", "MO-1", [("renewed", "1000")]), ("101", "MO-2", [("cancelled", "-1500")]),
         ("201", "MO-3", [("new", "500")])]
IBAN = "FR7630006000011234567890189"


@pytest.fixture
def rose(make_client, org):
    return make_client("Rose", "Fleuriste", advisor=org["advisor"], phone="0612345678",
                       email="rose@example.fr", address="3 rue des Lilas", postal_code="69003",
                       city="Lyon")


def test_a_new_proposal_from_the_client(org, login, rose):
    http = login(org["advisor"])
    assert "Aucune proposition" in http.get(f"/proposals/clients/{rose.id}").text
    answer = http.post(f"/proposals/clients/{rose.id}", data={
        "name": "Printemps visibilité", "plan_count": "3", "plan_start": "2027-01-15"})
    assert answer.status_code == 302
    proposal = db.session.scalar(select(Proposal))
    assert proposal.name == "Printemps visibilité" and proposal.plan_count == 3
    assert "Printemps visibilité" in http.get(f"/proposals/clients/{rose.id}").text


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "", "plan_count": "1"}, "nom évocateur"),
    ({"name": "x" * 121, "plan_count": "1"}, "120 caractères au plus"),
    ({"name": "Plan", "plan_count": "douze"}, "pas un entier valide"),
    ({"name": "Plan", "plan_count": "13"}, "Entre 1 et 12"),
    ({"name": "Plan", "plan_count": "1", "plan_start": "9999-12-31"}, "date"),
])
def test_bad_proposal_forms_keep_what_was_typed(org, login, rose, data, message):
    answer = login(org["advisor"]).post(f"/proposals/clients/{rose.id}", data=data)
    assert answer.status_code == 422 and message in answer.text
    assert db.session.scalar(select(Proposal)) is None
    if data["name"]:
        assert f'value="{data["name"]}"' in answer.text


def test_someone_elses_ids_are_404(org, login, rose, make_client, make_proposal):
    proposal = make_proposal(rose, org["advisor"], MIXED[:1])
    other = make_proposal(make_client("Léon", "Autre", advisor=org["other_advisor"]),
                          org["other_advisor"], [("001", "", [("new", "10")])])
    lea, marc = login(org["other_advisor"]), login(org["advisor"])
    assert lea.get(f"/proposals/{proposal.id}").status_code == 404
    assert lea.get(f"/proposals/clients/{rose.id}").status_code == 404
    url = f"/proposals/{proposal.id}/suborders"
    assert lea.post(url, data={"number": "301"}).status_code == 404
    # Marc's proposal with Léa's sub-order or line: 404, nothing changed.
    foreign = other.suborders[0]
    assert marc.post(f"/proposals/{proposal.id}/suborders/{foreign.id}/remove").status_code == 404
    url = f"/proposals/{proposal.id}/lines/{foreign.lines[0].id}/remove"
    assert marc.post(url).status_code == 404
    assert marc.post(f"/proposals/{proposal.id}/suborders/{foreign.id}/lines",
                     data={"product_id": "1"}).status_code == 404


@pytest.mark.parametrize(("data", "message"), [
    ({"number": ""}, "Saisissez le numéro"),
    ({"number": "1"}, "Trois chiffres"),
    ({"number": "001"}, "déjà dans la proposition"),   # the service's refusal, under its field
    ({"number": "301", "mo": "M" * 21}, "20 caractères au plus"),
])
def test_bad_suborders(org, login, rose, make_proposal, data, message):
    proposal = make_proposal(rose, org["advisor"], MIXED[:1])
    answer = login(org["advisor"]).post(f"/proposals/{proposal.id}/suborders", data=data)
    assert answer.status_code == 422 and message in answer.text
    assert len(db.session.get(Proposal, proposal.id).suborders) == 1


@pytest.mark.parametrize(("data", "message"), [
    ({}, "Choisissez un produit"),
    ({"product_id": "abc"}, "Choisissez un produit"),
    ({"product_id": "999999"}, "pas un choix valide"),
    ({"product_id": "1", "state": "new", "amount_ht": "douze"}, "montant en euros"),
    ({"product_id": "1", "state": "lost"}, "pas un choix valide"),
])
def test_bad_lines(org, login, rose, make_proposal, data, message):
    proposal = make_proposal(rose, org["advisor"], MIXED[:1])
    suborder = proposal.suborders[0]
    answer = login(org["advisor"]).post(
        f"/proposals/{proposal.id}/suborders/{suborder.id}/lines", data=data)
    assert answer.status_code == 422 and message.lower() in answer.text.lower()
    assert len(db.session.get(Proposal, proposal.id).suborders[0].lines) == 1


def test_a_line_a_credit_and_removals(org, login, rose, make_proposal, catalogue_product):
    proposal = make_proposal(rose, org["advisor"], MIXED[:1])
    product = catalogue_product("site", label="Site visibilité", price="250.00")
    db.session.commit()
    http = login(org["advisor"])
    url = f"/proposals/{proposal.id}/suborders/{proposal.suborders[0].id}/lines"
    assert http.post(url, data={"product_id": product.id, "state": "cancelled",
                                "amount_ht": "-1 500,50"}).status_code == 302
    page = http.get(f"/proposals/{proposal.id}").text
    assert "Site visibilité" in page and "−1\u202f800,60\u00a0€" in page.replace("-", "−")
    line = db.session.get(Proposal, proposal.id).suborders[0].lines[-1]
    assert http.post(f"/proposals/{proposal.id}/lines/{line.id}/remove",
                     data={"reason": "pas un motif"}).status_code == 422
    assert http.post(f"/proposals/{proposal.id}/lines/{line.id}/remove",
                     data={"reason": "price"}).status_code == 302
    assert "Produit « Site visibilité » retiré" in http.get(f"/proposals/{proposal.id}").text


def test_present_an_anomalous_proposal_then_split_it(org, login, rose, make_proposal):
    proposal = make_proposal(rose, org["advisor"], MIXED)
    http = login(org["advisor"])
    assert "Printemps visibilité" in http.get(f"/proposals/clients/{rose.id}/visit").text
    page = http.get(f"/proposals/{proposal.id}/present").text
    assert "la commande 101 MO-2" in page and "Séparer en un clic" in page
    refused = http.post(f"/proposals/{proposal.id}/validate")
    assert refused.status_code == 422 and "la commande 101 MO-2" in refused.text
    assert http.post(f"/proposals/{proposal.id}/split").status_code == 302
    page = http.get(f"/proposals/{proposal.id}/present").text
    assert "Proposition séparée" in page and "Proposition sans anomalie" in page
    credit = db.session.scalar(select(Proposal).where(Proposal.id != proposal.id))
    assert credit.name == "Printemps visibilité (avoirs)"
    assert "Proposition sans anomalie" in http.get(f"/proposals/{credit.id}/present").text
    assert http.post(f"/proposals/{proposal.id}/split").status_code == 409


def test_sign_with_the_sms_code_and_release(app, org, login, rose, make_proposal, sms_sink):
    proposal = make_proposal(rose, org["advisor"], MIXED[:1])
    http = login(org["advisor"])
    assert http.post(f"/proposals/{proposal.id}/validate").status_code == 302
    assert http.post(f"/proposals/{proposal.id}/order").status_code == 302
    assert 'value="+33 6 12 34 56 78"' in http.get(f"/proposals/{proposal.id}/sign").text
    bad = http.post(f"/proposals/{proposal.id}/sign", data={
        "mobile": "0612345678", "billing": "email", "iban": "FR76 0000"})
    assert bad.status_code == 422 and "IBAN n&#39;est pas valide" in bad.text
    assert 'value="FR76 0000"' in bad.text and sms_sink() == []
    assert http.post(f"/proposals/{proposal.id}/sign", data={
        "mobile": "0612345678", "billing": "email", "iban": IBAN}).status_code == 302
    code = code_in(sms_sink("0612345678")[0]["text"])
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for left in (4, 3):
        answer = http.post(f"/proposals/{proposal.id}/sign/confirm", data={"code": wrong})
        assert answer.status_code == 422 and f"il reste {left} essai" in answer.text
    assert http.post(f"/proposals/{proposal.id}/sign/confirm",
                     data={"code": code}).status_code == 302
    proposal = db.session.get(Proposal, proposal.id)
    db.session.refresh(proposal)
    assert proposal.status == Status.SIGNED
    text = pdf_text(http.get(f"/proposals/{proposal.id}/order-form.pdf").data)[0]
    assert proposal.content_hash in text and "heure de Paris" in text
    assert http.post(f"/proposals/{proposal.id}/release").status_code == 302
    db.session.refresh(proposal)
    assert proposal.status == Status.PRODUCTION and proposal.number
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.attachments[0].filename == f"bon-de-commande-{proposal.number}.pdf"
    assert http.post(f"/proposals/{proposal.id}/release").status_code == 409
    assert http.post(f"/proposals/{proposal.id}/reject", data={"reason": "x"}).status_code == 403
    desk = login(org["bo_assistant"])
    assert desk.post(f"/proposals/{proposal.id}/reject", data={"reason": ""}).status_code == 422
    assert desk.post(f"/proposals/{proposal.id}/reject",
                     data={"reason": "RIB illisible"}).status_code == 302
    assert "En rejet" in http.get(f"/proposals/{proposal.id}").text


def test_an_ordered_proposal_no_longer_changes(org, login, rose, make_proposal):
    proposal = make_proposal(rose, org["advisor"], MIXED[:1])
    http = login(org["advisor"])
    http.post(f"/proposals/{proposal.id}/validate")
    http.post(f"/proposals/{proposal.id}/order")
    answer = http.post(f"/proposals/{proposal.id}/suborders", data={"number": "301"})
    assert answer.status_code == 422 and "ne peut plus être modifiée" in answer.text
    assert http.post(f"/proposals/{proposal.id}/duplicate",
                     data={"name": "Variante"}).status_code == 302
    copy = db.session.scalar(select(Proposal).where(Proposal.name == "Variante"))
    assert copy.status == Status.DRAFT and copy.total_ttc == Decimal("1200.00")


def test_total_churn_from_the_proposal(org, login, rose, make_proposal):
    proposal = make_proposal(rose, org["advisor"], [("001", "", [("cancelled", "0")])])
    http = login(org["advisor"])
    page = http.get(f"/proposals/{proposal.id}").text
    assert "Chute totale" in page and "ne reconduit aucun produit" in page
    url = f"/proposals/{proposal.id}/total-churn"
    refused = http.post(url, data={"day": "", "reason": "closure"})
    assert refused.status_code == 422 and "Saisissez la date de la chute" in refused.text
    assert http.post(url, data={"day": "2027-03-01", "reason": "closure"}).status_code == 302
    assert db.session.scalar(select(Churn.scope).where(Churn.client_id == rose.id)) == "total"
    again = http.post(url, data={"day": "2027-03-02", "reason": "closure"})
    assert again.status_code == 422 and "déjà en chute totale" in again.text
