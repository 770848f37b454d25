"""Commercial gestures (slide 10): « traités par le BO après validation de David … selon
les justificatifs communiqués par les agences. Le montant de chaque geste est
comptabilisé. La réponse est adressée à l'agence avec en copie le commercial »."""

import html
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from webapp import clock
from webapp.auth.models import Role
from webapp.backoffice.models import Designation, Duty, Gesture
from webapp.extensions import db
from webapp.notifications.models import OutboxMessage

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def text(response) -> str:
    return html.unescape(response.text)


@pytest.fixture
def desk(org, make_user, make_client):
    david = make_user(Role.MANAGER, name="David Leroy", email="david@example.fr")
    db.session.add(Designation(duty=Duty.GESTURE_VALIDATOR, user_id=david.id))
    db.session.commit()
    agency = make_client("Voyages", "Carré", advisor=org["advisor"],
                         email="carre@example.fr")
    return {**org, "david": david, "agency": agency}


def ask(http, desk, **overrides):
    data = {"client_id": desk["agency"].id, "amount": "50,00",
            "reason": "Client mécontent du retard de remboursement.",
            "evidence": [(io.BytesIO(PDF), "reclamation.pdf")], **overrides}
    return http.post("/bo/gestures/new", data=data, content_type="multipart/form-data")


def only_gesture() -> Gesture:
    db.session.expire_all()
    return db.session.scalars(select(Gesture)).one()


def test_a_rep_asks_and_the_designated_manager_is_told(desk, login):
    response = ask(login(desk["advisor"]), desk)
    gesture = only_gesture()
    assert response.status_code == 302 and response.location.endswith(
        f"/bo/gestures/{gesture.id}")
    assert gesture.status == "requested" and gesture.amount == Decimal("50.00")
    assert [e.original for e in gesture.evidence] == ["reclamation.pdf"]
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.recipients == "david@example.fr"
    assert mail.subject == "Geste commercial à valider : Voyages Carré"
    download = login(desk["david"]).get(
        f"/bo/gestures/{gesture.id}/evidence/{gesture.evidence[0].id}")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    download.close()


@pytest.mark.parametrize(("overrides", "messages"), [
    ({"client_id": "", "amount": "", "reason": "", "evidence": []},
     ["Choisissez l'agence.", "Indiquez le montant du geste (positif).",
      "Indiquez le motif du geste.", "Joignez au moins un justificatif de l'agence."]),
    ({"reason": "x" * 5001}, ["5000"]),
    ({"amount": "beaucoup"}, ["Saisissez un montant en euros"]),
    ({"amount": "0"}, ["Indiquez le montant du geste (positif)."]),
    ({"amount": "-10"}, ["Indiquez le montant du geste (positif)."]),
    ({"evidence": [(io.BytesIO(b"hello"), "note.txt")]}, ["Type de fichier non autorisé."]),
    ({"client_id": "abc"}, ["Choisissez l'agence."]),
])
def test_gesture_refusals_keep_what_was_typed(desk, login, overrides, messages):
    response = ask(login(desk["advisor"]), desk, **overrides)
    assert response.status_code == 422
    for message in messages:
        assert message in text(response)
    if overrides.get("reason", "x") and "reason" not in overrides:
        assert "Client mécontent du retard de remboursement." in text(response)
    assert db.session.scalars(select(Gesture)).all() == []


def test_someone_elses_agency(desk, login, make_client):
    emile = make_client("Émile", "Roussel", advisor=desk["other_advisor"])
    response = ask(login(desk["advisor"]), desk, client_id=emile.id)
    assert response.status_code == 422 and "Agence introuvable." in text(response)


def decide(http, gesture, decision, note=""):
    return http.post(f"/bo/gestures/{gesture.id}/decide",
                     data={"decision": decision, "note": note, "version": gesture.version})


def process(http, gesture, answer="Nous vous accordons un avoir de 50 €."):
    return http.post(f"/bo/gestures/{gesture.id}/process",
                     data={"answer": answer, "version": gesture.version})


def test_validation_then_processing_answers_the_agency_rep_in_copy(desk, login):
    ask(login(desk["advisor"]), desk)
    gesture = only_gesture()
    # Neither the rep who asked nor the BO validates: David does.
    for who in ("advisor", "bo_assistant", "manager"):
        response = decide(login(desk[who]), gesture, "validated")
        assert response.status_code == 403
        assert "Seul le responsable désigné valide les gestes commerciaux." in text(response)
    # The BO cannot process before the validation.
    response = process(login(desk["bo_assistant"]), gesture)
    assert response.status_code == 409 and "Seul un geste validé peut être traité." in text(
        response)
    assert decide(login(desk["david"]), gesture, "", "").status_code == 422
    assert decide(login(desk["david"]), gesture, "validated", "OK vu le dossier."
                  ).status_code == 302
    gesture = only_gesture()
    assert gesture.status == "validated" and gesture.decided_by_id == desk["david"].id
    told = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "bo-gesture-decision")).one()
    assert set(told.recipients.split(", ")) == {desk["bo_assistant"].email,
                                               desk["advisor"].email}
    again = decide(login(desk["david"]), gesture, "refused")
    assert again.status_code == 409 and "Ce geste a déjà été décidé." in text(again)
    # Processing: the BO only, an answer required.
    assert process(login(desk["david"]), gesture).status_code == 403
    assert process(login(desk["bo_assistant"]), gesture, "").status_code == 422
    assert process(login(desk["bo_assistant"]), gesture).status_code == 302
    gesture = only_gesture()
    assert gesture.status == "processed" and gesture.processed_by_id == desk["bo_assistant"].id
    answer = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "bo-gesture-answer")).one()
    assert answer.recipients == "carre@example.fr" and answer.cc == desk["advisor"].email
    assert "Nous vous accordons un avoir de 50 €." in answer.text_body
    page = text(login(desk["advisor"]).get(f"/bo/gestures/{gesture.id}"))
    assert "Traité, réponse envoyée" in page and "Historique" in page


def test_stale_version_and_agency_without_email(desk, login):
    ask(login(desk["advisor"]), desk)
    gesture = only_gesture()
    response = login(desk["david"]).post(f"/bo/gestures/{gesture.id}/decide",
                                         data={"decision": "validated", "version": "99"})
    assert response.status_code == 409 and "vient d'être modifié" in text(response)
    decide(login(desk["david"]), gesture, "validated")
    desk["agency"].email = None
    db.session.commit()
    response = process(login(desk["bo_assistant"]), only_gesture())
    assert response.status_code == 409 and "n'a pas d'e-mail" in text(response)


def test_tally_per_agency_and_period(desk, login, make_client):
    other = make_client("Nacel", "CLC", advisor=desk["advisor"])
    rows = [(desk["agency"], "50.00", "validated", 0), (desk["agency"], "30.50", "processed", 3),
            (desk["agency"], "999", "refused", 1), (other, "20", "validated", 2),
            (other, "15", "requested", 2), (other, "400", "validated", 400)]
    for client, amount, status, days_ago in rows:
        db.session.add(Gesture(client_id=client.id, requester_id=desk["advisor"].id,
                               amount=Decimal(amount), reason="r", status=status,
                               requested_on=clock.today() - timedelta(days=days_ago)))
    db.session.commit()
    since = (clock.today() - timedelta(days=30)).isoformat()
    http = login(desk["bo_assistant"])
    page = http.get("/bo/gestures", query_string={"start": since})
    body = text(page).replace("\u202f", " ").replace("\xa0", " ")
    assert "<td>Voyages Carré</td><td class=\"text-end\">2</td>" in body
    assert "80,50 €" in body and "<td>Nacel CLC</td><td class=\"text-end\">1</td>" in body
    assert 'id="gesture-total">100,50 €' in body
    fragment = http.get("/bo/gestures", headers={"HX-Request": "true"},
                        query_string={"start": since, "status": "refused"})
    assert "<html" not in fragment.text and "999 €" in fragment.text.replace("\xa0", " ")
    # The rep sees his own; Léa sees nothing of Marc's; David (validator) sees them all.
    assert login(desk["other_advisor"]).get(
        "/bo/gestures", query_string={"start": since}).text.count("<td>Voyages") == 0
    gesture = db.session.scalars(select(Gesture)).first()
    assert login(desk["other_advisor"]).get(f"/bo/gestures/{gesture.id}").status_code == 404
    assert login(desk["david"]).get(f"/bo/gestures/{gesture.id}").status_code == 200
    assert login(desk["manager"]).get(f"/bo/gestures/{gesture.id}").status_code == 200
    bad = http.get("/bo/gestures", query_string={"start": "hier"})
    assert bad.status_code == 200 and "is-invalid" in bad.text


def test_evidence_is_capped(desk, login):
    # #19: one gesture was accepted with 300 evidence files.
    files = [(io.BytesIO(PDF), f"preuve-{n}.pdf") for n in range(11)]
    response = ask(login(desk["advisor"]), desk, evidence=files)
    assert response.status_code == 422
    assert ("Joignez au plus 10 justificatifs : regroupez-les dans un PDF si besoin."
            in text(response))
    assert db.session.scalars(select(Gesture)).all() == []
    files = [(io.BytesIO(PDF), f"preuve-{n}.pdf") for n in range(10)]
    assert ask(login(desk["advisor"]), desk, evidence=files).status_code == 302
    assert len(only_gesture().evidence) == 10


@pytest.mark.parametrize("start", ["0001-01-01", "9999-12-31"])
def test_period_out_of_range(desk, login, start):
    response = login(desk["bo_assistant"]).get("/bo/gestures", query_string={"start": start})
    assert response.status_code == 200
    assert "Indiquez une date entre 1900 et 2100." in text(response)
