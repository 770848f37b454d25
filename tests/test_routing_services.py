"""Services of client request routing: intake and transmission (the mail in the SMTP sink,
with the sentence and the PDF), feedback, closing, bonus/malus, the contract-breaking flag,
the overdue pass and the boosters."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.documents import pdf_text
from tests.fixtures.routing import company, routing_type
from webapp import clock
from webapp.auth.models import Role
from webapp.clients.models import AdvisorPeriod, Client
from webapp.errors import Refused
from webapp.extensions import db
from webapp.notifications.models import Alert, OutboxMessage
from webapp.notifications.reminders import run as run_reminders
from webapp.notifications.worker import drain
from webapp.routing import queries
from webapp.routing.boosters import services as boosters
from webapp.routing.intake.services import IntakeInput, log_request
from webapp.routing.models import ActionKind, ContractFlag, FlagStatus, RoutedBy
from webapp.routing.rules import MANDATORY_SENTENCE
from webapp.routing.tracking.services import (
    FeedbackInput,
    close_request,
    record_feedback,
    review_flag,
)


def intake(client, type_name="Demande de rachat", company_name="Generali", **extra):
    return IntakeInput(client=client, channel="phone", request_type=routing_type(type_name),
                       company=company(company_name), description="Veut racheter.", **extra)


def test_present_advisor_receives_the_request_with_the_pdf_and_sentence(
        app, org, make_client, smtp_sink):
    queries.settings().follow_up_email = "marco.fois@example.fr"
    client = make_client(advisor=org["advisor"], postal_code="69003", city="Lyon")
    req = log_request(intake(client), org["bo_assistant"])
    db.session.commit()
    assert req.advisor_id == org["advisor"].id and req.routed_by == RoutedBy.SITUATION
    assert req.due_on == req.transmitted_on + timedelta(days=7)
    assert drain().sent == 1
    [mail] = smtp_sink.messages
    assert mail["To"] == "marc@example.fr" and mail["Cc"] == "marco.fois@example.fr"
    text = mail.get_body(("plain",)).get_content()
    assert MANDATORY_SENTENCE in text
    assert MANDATORY_SENTENCE in mail.get_body(("html",)).get_content()
    assert f"/routing/requests/{req.id}" in text
    [pdf] = [p for p in mail.iter_attachments() if p.get_content_type() == "application/pdf"]
    pages = "\n".join(pdf_text(pdf.get_payload(decode=True)))
    assert "Fiche client — Anne Roux" in pages and "Demande de rachat" in pages
    assert "Merci de nous faire un retour sous 7 jours" in pages


def test_orphan_client_goes_to_the_first_eligible_of_the_table(
        app, org, make_client, make_user, make_profile):
    far = make_user(Role.ADVISOR, team=org["lyon"], name="Paul Loin")
    make_profile(far, sectors="75")
    make_profile(org["other_advisor"], sectors="69")
    make_profile(org["advisor"], sectors="69", volunteer=False)
    client = make_client(postal_code="69003")
    req = log_request(intake(client), org["bo_assistant"])
    assert req.advisor_id == org["other_advisor"].id and req.routed_by == RoutedBy.TABLE
    assert req.why.startswith("secteur du client, volontaire")
    # Picked further down the list: allowed; an advisor the table does not propose: refused.
    other = log_request(intake(make_client(postal_code="69003"), advisor_id=far.id), None)
    assert other.advisor_id == far.id
    with pytest.raises(Refused, match="n'est pas éligible"):
        log_request(intake(make_client(), advisor_id=org["advisor"].id), None)


def test_no_eligible_advisor_and_missing_company_are_refused(app, org, make_client):
    client = make_client()
    with pytest.raises(Refused, match="Aucun conseiller volontaire éligible"):
        log_request(intake(client), org["bo_assistant"])
    with pytest.raises(Refused, match="Ciblez la compagnie"):
        log_request(IntakeInput(client, "phone", routing_type(), None), None)
    with pytest.raises(Refused, match="canal"):
        log_request(IntakeInput(client, "fax", routing_type(), company()), None)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_feedback_in_time_money_pitch_and_closing_score(app, org, make_client,
                                                        make_client_request):
    req = make_client_request(make_client(advisor=org["advisor"]), org["advisor"], days_ago=3)
    today = clock.today()
    record_feedback(req, FeedbackInput(ActionKind.CALL, today - timedelta(days=1)),
                    org["advisor"], today)
    record_feedback(req, FeedbackInput(ActionKind.MONEY_PITCH, today), org["advisor"], today)
    assert req.answered_on == today
    assert queries.scores([org["advisor"].id]) == {org["advisor"].id: 3}   # +2 +1
    with pytest.raises(Refused, match="futur"):
        record_feedback(req, FeedbackInput(ActionKind.CALL, today + timedelta(days=1)),
                        None, today)
    with pytest.raises(Refused, match="précéder"):
        record_feedback(req, FeedbackInput(ActionKind.CALL, today - timedelta(days=9)),
                        None, today)
    close_request(req, req.version, today)
    assert req.closed_on == today
    with pytest.raises(Refused, match="déjà clôturée"):
        close_request(req, req.version, today)


def test_overdue_takes_the_malus_and_alerts_the_manager_once(
        app, org, make_client, make_client_request):
    req = make_client_request(make_client(advisor=org["advisor"]), org["advisor"], days_ago=8)
    run_reminders()
    run_reminders()
    alerts = db.session.scalars(select(Alert).where(Alert.kind == "routing-overdue")).all()
    assert [a.user_id for a in alerts] == [org["manager"].id]
    assert queries.scores() == {org["advisor"].id: -3}
    # A late answer replaces the missing-feedback malus by the late one.
    record_feedback(req, FeedbackInput(ActionKind.CALL, clock.today()), org["advisor"],
                    clock.today())
    assert queries.scores() == {org["advisor"].id: -1}


def test_reminder_mail_before_the_due_date(app, org, make_client, make_client_request):
    make_client_request(make_client(advisor=org["advisor"]), org["advisor"], days_ago=6)
    make_client_request(make_client(advisor=org["advisor"]), org["advisor"], days_ago=1)
    assert run_reminders()["routing-feedback"] == 1
    message = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.kind == "routing-feedback"))
    assert message.recipients == "marc@example.fr" and MANDATORY_SENTENCE in message.text_body


def test_new_business_after_a_rachat_is_flagged_and_a_confirmed_case_is_a_malus(
        app, org, make_client, make_client_request):
    client = make_client(advisor=org["advisor"])
    today = clock.today()
    req = make_client_request(client, org["advisor"], "Demande de rachat", "Generali",
                              days_ago=2)
    record_feedback(req, FeedbackInput(ActionKind.NEW_BUSINESS, today), org["advisor"], today)
    flag = db.session.scalar(select(ContractFlag))
    assert flag.status == FlagStatus.PENDING and "Generali" in flag.reason
    assert db.session.scalar(select(Alert.user_id).where(Alert.kind == "routing-contract")) \
        == org["manager"].id
    assert queries.scores() == {org["advisor"].id: 5}   # +2 in time, +3 new business
    review_flag(flag, True, org["manager"], today)
    assert queries.scores() == {org["advisor"].id: 0}   # -5 confirmed
    with pytest.raises(Refused, match="déjà été examiné"):
        review_flag(flag, False, org["manager"], today)


def test_new_business_with_another_company_is_not_flagged(app, org, make_client,
                                                          make_client_request):
    req = make_client_request(make_client(advisor=org["advisor"]), org["advisor"],
                              "Demande de rachat", "Generali")
    record_feedback(req, FeedbackInput(ActionKind.NEW_BUSINESS, clock.today(), company("AXA")),
                    org["advisor"], clock.today())
    assert db.session.scalar(select(ContractFlag)) is None


def test_boosters_preview_and_apply(app, org, make_client, make_client_request, make_profile,
                                    make_user):
    make_profile(org["advisor"])
    make_profile(org["other_advisor"])
    scored = make_client_request(make_client(advisor=org["advisor"]), org["advisor"])
    record_feedback(scored, FeedbackInput(ActionKind.NEW_BUSINESS, clock.today(), company("AXA")),
                    org["advisor"], clock.today())    # Marc: +5; Léa: 0 (the floor)
    orphans = [make_client(last_name=f"Orphelin{i}") for i in range(3)]
    gone = make_user(Role.ADVISOR, team=org["lyon"], active=False)
    orphans.append(make_client(last_name="Ancien", advisor=gone))
    busy = make_client(last_name="Occupé")
    make_client_request(busy, org["advisor"])      # a request in progress: not an orphan
    plan = boosters.plan(org["admin"])
    assert [(s.advisor.id, len(s.clients)) for s in plan.shares] == [(org["advisor"].id, 4)]
    with pytest.raises(Refused, match="changé"):
        boosters.apply(org["admin"], 3, clock.today())
    boosters.apply(org["admin"], 4, clock.today())
    db.session.commit()
    assert {c.advisor_id for c in db.session.scalars(select(Client).where(
        Client.id.in_([c.id for c in orphans])))} == {org["advisor"].id}
    assert db.session.scalar(select(func.count(AdvisorPeriod.id)).where(
        AdvisorPeriod.advisor_id == org["advisor"].id)) >= 4
    assert db.session.scalar(select(func.count(Alert.id)).where(
        Alert.kind == "routing-booster")) == 1
    assert boosters.plan(org["admin"]).allocated == 0
