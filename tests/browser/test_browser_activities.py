"""Around the client on a tablet (issue #15): book an appointment from the client file,
the invitation reaches the client (a real SMTP server, the .ics read back), the
confirmation goes 24 h before (the reminders run at that time), the agenda shows it;
process a rejet from the home page; fill the discovery (three themes at least)."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from webapp import clock
from webapp.activities.tasks.models import TaskKind
from webapp.activities.tasks.services import create_task
from webapp.extensions import db
from webapp.notifications import reminders
from webapp.notifications.worker import drain

pytestmark = pytest.mark.browser
TABLETS = ["portrait-768x1024", "landscape-1024x768"]


def _event(mail):
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    return calendar, next(c for c in calendar.walk() if c.name == "VEVENT")


@pytest.mark.parametrize("tablet", TABLETS, indirect=True)
def test_book_an_appointment_invite_and_confirm(tablet_page, live_server, log_in, shoot,
                                                axe_check, smtp_sink):
    page = tablet_page
    log_in(page, "advisor")
    page.goto(f"/clients/{live_server.clients['Anne Roux']}")
    panel = page.locator("#client-activities")
    expect(panel.get_by_role("heading", name="Activités", exact=True)).to_be_visible()
    panel.get_by_role("link", name="Nouveau rendez-vous").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Nouveau rendez-vous avec Anne Roux")
    day = clock.today() + timedelta(days=3)
    page.get_by_label("Objet").fill("Présentation du pavé visibilité")
    page.get_by_label("Date et heure").fill(f"{day.isoformat()}T10:30")
    page.get_by_label("Lieu").fill("")
    page.get_by_role("button", name="Enregistrer et inviter le client").tap()
    expect(page.locator("#place-error")).to_contain_text("Indiquez le lieu du rendez-vous")
    expect(page.get_by_label("Objet")).to_have_value("Présentation du pavé visibilité")
    axe_check(page, "appointment refused")
    page.get_by_label("Lieu").fill("12 rue des Lilas, Lyon")
    shoot(page, "appointment-form")
    page.get_by_role("button", name="Enregistrer et inviter le client").tap()
    expect(page.get_by_role("alert").first).to_contain_text(
        "invitation envoyée à anne.roux@example.fr")
    feed = page.locator("#feed")
    expect(feed).to_contain_text("Présentation du pavé visibilité")
    expect(page.locator("#client-activities")).to_contain_text("Confirmer le RDV du")
    shoot(page, "client-file")
    axe_check(page, "client file with activities")

    # The invitation, through the outbox, to a real SMTP server.
    db.session.rollback()  # see what the server threads committed
    assert drain().sent == 1
    [invitation] = smtp_sink.messages
    calendar, event = _event(invitation)
    assert invitation["To"] == "anne.roux@example.fr"
    assert str(calendar["method"]) == "REQUEST" and int(event["sequence"]) == 0
    assert event.decoded("dtstart").strftime("%Y-%m-%d %H:%M") == f"{day.isoformat()} 10:30"

    # The clock moved to 23 h before: the reminders send the confirmation, once.
    start = datetime.combine(day, datetime.min.time().replace(hour=10, minute=30),
                             clock.zone()).astimezone(UTC)
    assert reminders.run(start - timedelta(hours=25))["appointment-confirmation"] == 0
    assert reminders.run(start - timedelta(hours=23))["appointment-confirmation"] == 1
    assert reminders.run(start - timedelta(hours=22))["appointment-confirmation"] == 0
    assert drain().sent == 1
    confirmation = smtp_sink.messages[-1]
    assert confirmation["Subject"].startswith("Confirmation de notre rendez-vous")
    assert "Je vous confirme notre rendez-vous de demain." in confirmation.get_body(
        ("plain",)).get_content()
    db.session.commit()

    # The agenda, the appointment's day.
    page.goto(f"/activities/agenda?day={day.isoformat()}&view=day")
    expect(page.locator("main")).to_contain_text("Présentation du pavé visibilité")
    expect(page.locator("main")).to_contain_text("10:30")
    shoot(page, "agenda")
    axe_check(page, "agenda")


@pytest.fixture
def rejet(live_server, org):
    task = create_task(live_server.clients["Anne Roux"], "Rejet : bon de commande 2027-0042",
                       datetime.now(UTC) + timedelta(hours=1), org["advisor"].id,
                       kind=TaskKind.REJET, notes="Signature du client manquante.",
                       issuer_id=org["bo_assistant"].id)
    db.session.commit()
    return task.id


@pytest.mark.parametrize("tablet", TABLETS, indirect=True)
def test_process_a_rejet_and_fill_the_discovery(tablet_page, live_server, rejet, log_in,
                                                shoot, axe_check):
    page = tablet_page
    log_in(page, "advisor")
    box = page.locator("#box-tasks")
    expect(box).to_contain_text("Rejets à traiter (1)")
    shoot(page, "home-tasks")
    axe_check(page, "home with tasks")
    box.get_by_role("link", name="Rejet : bon de commande 2027-0042").tap()
    section = page.locator("#hand-back")
    expect(section).to_contain_text("Signature du client manquante.")
    section.get_by_role("button", name="Enrichir et rendre à Sophie Laurent").tap()
    expect(page.locator("#comment-error")).to_contain_text("Enrichissez le commentaire")
    page.get_by_label("Commentaire (ce que vous avez fait)").fill(
        "Bon signé par le client, renvoyé ce jour.")
    axe_check(page, "rejet")
    page.get_by_role("button", name="Enrichir et rendre à Sophie Laurent").tap()
    expect(page.get_by_role("alert").first).to_contain_text("Rejet rendu à Sophie Laurent.")
    expect(page.locator("#box-tasks")).not_to_contain_text("Rejets à traiter")

    # The discovery: two themes are not enough (« 3 minimum obligatoires »).
    page.goto(f"/activities/clients/{live_server.clients['Anne Roux']}/discovery")
    expect(page.locator("#cnil-notice")).to_contain_text("faits objectifs")
    page.get_by_label("Activité et savoir-faire").fill("Fleuriste depuis 1998.")
    page.get_by_label("Projets et besoins").fill("Souhaite un site visibilité.")
    page.get_by_role("button", name="Enregistrer la découverte").tap()
    expect(page.locator("#discovery-error")).to_contain_text("3 minimum obligatoires")
    expect(page.get_by_label("Activité et savoir-faire")).to_have_value("Fleuriste depuis 1998.")
    page.get_by_label("Suite à donner").fill("Revoir dans 3 mois.")
    shoot(page, "discovery")
    axe_check(page, "discovery")
    page.get_by_role("button", name="Enregistrer la découverte").tap()
    expect(page.get_by_role("alert").first).to_contain_text("Découverte enregistrée.")
    expect(page.locator("#client-activities")).to_contain_text("3 thèmes")
