"""The proposals' services on the database: edits and the plan, duplicate, the split, the
rules blocking « Valider » and « Commander », the signature by SMS code, the « remise en
production » (outbox mail with the PDF) and the rejet task."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from tests.documents import pdf_text
from tests.fixtures.proposals import code_in
from webapp.activities.churn.models import Churn
from webapp.activities.tasks.models import Task, TaskKind
from webapp.errors import Refused
from webapp.extensions import db
from webapp.notifications.models import OutboxMessage
from webapp.proposals import services
from webapp.proposals.models import Proposal, Status
from webapp.proposals.presentation.services import split
from webapp.proposals.production.services import reject, release
from webapp.proposals.signature import services as signing

IBAN = "FR76 3000 6000 0112 3456 7890 189"
MIXED = [("001", "MO-1", [("renewed", "1000")]), ("101", "MO-2", [("cancelled", "-1500")]),
         ("201", "MO-3", [("new", "500")])]


@pytest.fixture
def rose(make_client, org):
    """« Au nom de la Rose », Marc's client, with an address, a mobile and an e-mail."""
    return make_client("Rose", "Fleuriste", advisor=org["advisor"], phone="0612345678",
                       email="rose@example.fr", address="3 rue des Lilas", postal_code="69003",
                       city="Lyon")


def test_create_and_plan(rose, org, make_proposal):
    proposal = make_proposal(rose, org["advisor"], MIXED[:1] + MIXED[2:], plan_count=3)
    assert proposal.status == Status.DRAFT
    assert proposal.total_ttc == Decimal("1800.00")
    assert [i.amount_ttc for i in proposal.instalments] == [Decimal("600.00")] * 3
    with pytest.raises(Refused, match="nom évocateur"):
        services.create_proposal(rose, services.ProposalInput(name="  "), org["advisor"])
    with pytest.raises(Refused, match="déjà dans la proposition"):
        services.add_suborder(proposal, services.SubOrderInput(number="001"))


def test_a_line_at_the_catalogue_price_and_removals(rose, org, make_proposal, catalogue_product):
    proposal = make_proposal(rose, org["advisor"], MIXED[:1])
    suborder = proposal.suborders[0]
    line = services.add_line(suborder, services.LineInput(
        product=catalogue_product("site", price="250.00"), state="new"))
    assert line.amount_ht == Decimal("250.00") and proposal.total_ttc == Decimal("1500.00")
    services.remove_line(line, org["advisor"])  # a new product: no churn
    assert db.session.scalar(select(func.count(Churn.id))) == 0
    services.remove_suborder(suborder, org["advisor"], "competitor")
    db.session.commit()
    assert proposal.suborders == [] and proposal.instalments == []
    [churn] = db.session.scalars(select(Churn)).all()  # slide 40, « la chute partielle »
    assert (churn.scope, churn.reason, churn.suborder_label, churn.range_label) == (
        "partial", "competitor", "001 MO-1", "Gamme 001")
    assert churn.client_id == rose.id and churn.actor_id == org["advisor"].id


def test_removing_a_renewed_product_is_a_product_churn(rose, org, make_proposal):
    proposal = make_proposal(rose, org["advisor"], [("001", "MO-1", [("renewed", "100"),
                                                                    ("new", "50")])])
    renewed = proposal.suborders[0].lines[0]
    services.remove_line(renewed, org["advisor"], "price")
    [churn] = db.session.scalars(select(Churn)).all()
    assert (churn.scope, churn.product_id, churn.reason) == ("product", renewed.product_id, "price")


def test_the_split_records_the_churned_range_and_the_total_churn(rose, org, make_proposal):
    proposal = make_proposal(rose, org["advisor"], [
        ("001", "MO-1", [("renewed", "100")]), ("101", "MO-9", [("renewed", "300")], True)])
    split(proposal, org["advisor"])
    [churn] = db.session.scalars(select(Churn)).all()
    assert (churn.scope, churn.suborder_label) == ("partial", "101 MO-9")
    assert [s.number for s in proposal.suborders] == ["001"]
    with pytest.raises(Refused, match="pas une chute totale"):
        services.record_total_churn(proposal, date(2027, 3, 1), "closure", org["advisor"])
    nothing = make_proposal(rose, org["advisor"], [("001", "", [("cancelled", "0")])])
    with pytest.raises(Refused, match="motif"):
        services.record_total_churn(nothing, date(2027, 3, 1), "pas un motif", org["advisor"])
    services.record_total_churn(nothing, date(2027, 3, 1), "closure", org["advisor"])
    total = db.session.scalar(select(Churn).where(Churn.scope == "total"))
    assert (total.day, total.reason, total.client_id) == (date(2027, 3, 1), "closure", rose.id)


def test_duplicate_for_a_simulation(rose, org, make_proposal):
    proposal = make_proposal(rose, org["advisor"], MIXED)
    copy = services.duplicate(proposal, "Simulation avec site", org["advisor"])
    assert copy.id != proposal.id and copy.name == "Simulation avec site"
    assert [s.number for s in copy.suborders] == ["001", "101", "201"]
    assert copy.total_ttc == proposal.total_ttc


def test_anomalies_block_validate_and_order_until_the_split(rose, org, make_proposal):
    proposal = make_proposal(rose, org["advisor"], MIXED + [("301", "MO-4", [("renewed", "0")])])
    with pytest.raises(Refused, match="la commande 101 MO-2") as refusal:
        services.validate(proposal)
    assert refusal.value.status == 422
    assert "301 MO-4 ne contient aucun produit" in refusal.value.message
    result = split(proposal, org["advisor"])
    db.session.commit()
    assert [s.number for s in proposal.suborders] == ["001", "201"]
    assert [s.number for s in result.created.suborders] == ["101"]
    assert result.emptied == ("301",) and "301 MO-4" in proposal.notes
    assert [i.amount_ttc for i in proposal.instalments] == [Decimal("1800.00")]
    assert result.created.instalments == []
    with pytest.raises(Refused, match="aucune anomalie"):
        split(proposal, org["advisor"])
    services.validate(proposal)
    services.validate(result.created)
    services.order(proposal)
    assert proposal.status == Status.ORDERED
    with pytest.raises(Refused, match="ne peut plus être modifiée"):
        services.add_suborder(proposal, services.SubOrderInput(number="401"))


def test_an_edit_sends_a_validated_proposal_back_to_preparation(rose, org, make_proposal):
    proposal = make_proposal(rose, org["advisor"], MIXED[:1])
    services.validate(proposal)
    services.add_suborder(proposal, services.SubOrderInput(number="501"))
    assert proposal.status == Status.DRAFT


def test_nothing_renewed_nothing_new_asks_for_the_total_churn(rose, org, make_proposal):
    proposal = make_proposal(rose, org["advisor"], [("001", "", [("cancelled", "0")])])
    with pytest.raises(Refused, match="chute totale"):
        services.validate(proposal)


def _ordered(make_proposal, rose, org):
    proposal = make_proposal(rose, org["advisor"], MIXED[:1])
    services.validate(proposal)
    services.order(proposal)
    db.session.commit()
    return proposal


def test_signing_needs_address_mobile_email_and_a_valid_iban(app, rose, org, make_proposal,
                                                              sms_sink):
    proposal = _ordered(make_proposal, rose, org)
    for values, field in [
            (signing.SigningInput("0612345678", "email", IBAN[:-1] + "8"), "iban"),
            (signing.SigningInput("0472000000", "email", IBAN), "mobile")]:
        with pytest.raises(Refused) as refusal:
            signing.send_code(proposal, values)
        assert refusal.value.field == field
    rose.email = None
    with pytest.raises(Refused, match="facture électronique demande"):
        signing.send_code(proposal, signing.SigningInput("0612345678", "email", IBAN))
    rose.address = ""
    with pytest.raises(Refused, match="adresse postale du client est obligatoire"):
        signing.send_code(proposal, signing.SigningInput("0612345678", "paper", IBAN))
    assert sms_sink() == []


def test_the_code_signs_once_right_five_tries_expiry(app, rose, org, make_proposal, sms_sink):
    proposal = _ordered(make_proposal, rose, org)
    signing.send_code(proposal, signing.SigningInput("06 12 34 56 78", "email", IBAN))
    db.session.commit()
    [sms] = sms_sink("06 12 34 56 78")
    code = code_in(sms["text"])
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for left in (4, 3):
        with pytest.raises(Refused, match=f"il reste {left} essai"):
            signing.confirm(proposal, wrong)
        db.session.rollback()  # the request's rollback: the count stays
    later = datetime.now(UTC) + timedelta(minutes=11)
    with pytest.raises(Refused, match="expiré"):
        signing.confirm(proposal, code, now=later)
    db.session.rollback()
    signing.confirm(proposal, code)
    db.session.commit()
    assert proposal.status == Status.SIGNED and proposal.signed_at is not None
    assert len(proposal.content_hash) == 64 and proposal.iban == IBAN.replace(" ", "")


def test_five_wrong_codes_need_a_new_one(app, rose, org, make_proposal, sms_sink):
    proposal = _ordered(make_proposal, rose, org)
    signing.send_code(proposal, signing.SigningInput("0612345678", "paper", IBAN))
    db.session.commit()
    code = code_in(sms_sink()[0]["text"])
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        with pytest.raises(Refused):
            signing.confirm(proposal, wrong)
        db.session.rollback()
    with pytest.raises(Refused, match="Cinq codes erronés"):
        signing.confirm(proposal, code)
    db.session.rollback()
    signing.send_code(proposal, signing.SigningInput("0612345678", "paper", IBAN))
    db.session.commit()
    signing.confirm(proposal, code_in(sms_sink()[1]["text"]))
    assert proposal.status == Status.SIGNED


def test_release_mails_the_pdf_then_a_rejet_makes_a_task(app, rose, org, make_proposal, sms_sink):
    proposal = _ordered(make_proposal, rose, org)
    signing.send_code(proposal, signing.SigningInput("0612345678", "email", IBAN))
    db.session.commit()  # two requests: the code sent, then typed back
    signing.confirm(proposal, code_in(sms_sink()[0]["text"]))
    release(proposal, org["advisor"])
    db.session.commit()
    assert proposal.status == Status.PRODUCTION and proposal.number.startswith("BCU-")
    mail = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.kind == "proposal_production"))
    assert mail.recipients == app.config["PRODUCTION_EMAIL"] and proposal.number in mail.subject
    [attachment] = mail.attachments
    text = pdf_text(attachment.content)[0]
    assert f"n° {proposal.number}" in text and proposal.content_hash in text
    signed = proposal.signed_at.astimezone(__import__("webapp.clock").clock.zone())
    assert signed.strftime("%d/%m/%Y à %H:%M:%S") in text and "FR76 •••• •••• 0189" in text
    task = reject(proposal, "Bon de commande sans RIB lisible", org["bo_assistant"])
    db.session.commit()
    task = db.session.get(Task, task.id)
    assert task.kind == TaskKind.REJET and task.assignee_id == org["advisor"].id
    assert task.issuer_id == org["bo_assistant"].id and proposal.number in task.subject
    assert db.session.get(Proposal, proposal.id).status == Status.REJECTED
    with pytest.raises(Refused, match="remise en production"):
        reject(proposal, "encore", org["bo_assistant"])


def test_a_change_after_signing_stops_the_release(app, rose, org, make_proposal, sms_sink):
    proposal = _ordered(make_proposal, rose, org)
    signing.send_code(proposal, signing.SigningInput("0612345678", "email", IBAN))
    db.session.commit()  # two requests: the code sent, then typed back
    signing.confirm(proposal, code_in(sms_sink()[0]["text"]))
    proposal.suborders[0].lines[0].amount_ht = Decimal("1")
    with pytest.raises(Refused, match="a changé depuis sa signature") as refusal:
        release(proposal, org["advisor"])
    assert refusal.value.status == 409


def test_a_release_made_meanwhile_is_a_conflict_and_sends_nothing(app, rose, org,
                                                                  make_proposal, sms_sink):
    proposal = _ordered(make_proposal, rose, org)
    signing.send_code(proposal, signing.SigningInput("0612345678", "email", IBAN))
    db.session.commit()
    signing.confirm(proposal, code_in(sms_sink()[0]["text"]))
    db.session.commit()
    with db.engine.begin() as other:  # another request released it between our read and write
        other.execute(update(Proposal).where(Proposal.id == proposal.id)
                      .values(version=Proposal.version + 1))
    with pytest.raises(Refused) as refusal:
        release(proposal, org["advisor"])
    assert refusal.value.status == 409
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
