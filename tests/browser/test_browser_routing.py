"""Client request routing on a tablet (both sizes): a call logged for an orphan client is
routed via the competence table, the mail reaches the advisor (SMTP sink) with the
mandatory sentence and the client file, the advisor records feedback from the mail's link,
and their bonus/malus is updated."""

import re

import pytest
from pilote_pages import htmx_settled
from playwright.sync_api import expect

from tests.documents import pdf_text
from webapp import clock
from webapp.extensions import db
from webapp.notifications.worker import drain
from webapp.routing.rules import MANDATORY_SENTENCE

pytestmark = pytest.mark.browser


@pytest.fixture
def orphan(live_server, org, make_client, make_profile):
    """Olivier Orphelin (Lyon, 69003) has no advisor left; Léa volunteers for the rachats
    with Generali in the Rhône, Marc does not volunteer."""
    make_profile(org["other_advisor"], sectors="69")
    make_profile(org["advisor"], sectors="69", volunteer=False)
    client = make_client("Olivier", "Orphelin", postal_code="69003", city="Lyon",
                         phone="06 98 76 54 32")
    db.session.commit()
    return client


def test_call_for_an_orphan_client_routed_answered_scored(
        tablet_page, orphan, log_in, shoot, axe_check, smtp_sink):
    page = tablet_page
    log_in(page, "bo_assistant")
    page.goto("/routing/new")
    # The navigation, one entry longer, still fits the tablet's width.
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    expect(page.locator("#intake-guide")).to_contain_text(
        "Bien écouter la demande client et cibler la compagnie")
    form = page.locator("#intake-form")
    picker = page.locator("#intake-client")
    picker.get_by_role("searchbox").fill("Orphelin")
    picker.get_by_role("button", name="Orphelin Olivier").tap()
    expect(picker.get_by_role("status")).to_contain_text("Olivier Orphelin")
    htmx_settled(page)
    form.get_by_label("Type de demande").select_option(label="Demande de rachat")
    htmx_settled(page)
    form.get_by_label("Compagnie concernée").select_option(label="Generali")
    panel = page.locator("#routing-panel")
    expect(panel.locator("#routing-situation")).to_have_text("Aucun conseiller")
    expect(panel.locator("#candidates")).to_contain_text("Léa Bernard")
    expect(panel.locator("#candidates")).to_contain_text("secteur du client")
    form.get_by_label("Description de la demande").fill("Souhaite un rachat partiel.")
    shoot(page, "intake")
    axe_check(page, "intake with the table's proposal")
    form.get_by_role("button", name="Transmettre la demande").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Demande de rachat · Olivier Orphelin")
    expect(page.locator("main")).to_contain_text("Demande transmise à Léa Bernard")
    axe_check(page, "request page (desk)")

    # The mail, as the outbox worker sends it: to Léa, the sentence, the client file.
    assert drain().sent == 1
    [mail] = smtp_sink.messages
    assert mail["To"] == "lea@example.fr"
    text = mail.get_body(("plain",)).get_content()
    assert MANDATORY_SENTENCE in text
    [pdf] = [p for p in mail.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert any("Olivier Orphelin" in page_text
               for page_text in pdf_text(pdf.get_payload(decode=True)))
    link = re.search(r"https?://\S+/routing/requests/\d+", text).group(0)
    path = "/" + link.split("/", 3)[3]

    # Léa follows the link: login first, then her request.
    page.context.clear_cookies()
    page.goto(path)
    page.get_by_label("Adresse e-mail").fill("lea@example.fr")
    page.get_by_label("Mot de passe").fill("correct horse battery")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Demande de rachat · Olivier Orphelin")
    feedback = page.locator("#feedback-panel")
    expect(feedback.locator("#request-state")).to_have_text("En attente de retour")
    feedback.get_by_label("Action menée").select_option(label="Money Pitch réalisé")
    feedback.get_by_label("Le", exact=True).fill(clock.today().isoformat())
    feedback.get_by_label("Précision").fill("RDV téléphonique")
    feedback.get_by_role("button", name="Enregistrer le retour").tap()
    expect(page.locator("#actions")).to_contain_text("Money Pitch réalisé")
    expect(page.locator("#request-state")).to_have_text("Retour reçu")
    shoot(page, "feedback")
    axe_check(page, "advisor feedback")

    # Her bonus/malus: in time (+2) and a Money Pitch (+1), each point detailed.
    page.get_by_role("link", name="Léa Bernard").first.tap()
    expect(page.locator("#score-total")).to_have_text("+3")
    expect(page.locator("#score-lines")).to_contain_text("Retour sous 7 jours")
    expect(page.locator("#score-lines")).to_contain_text("Money Pitch réalisé")
    shoot(page, "score")
    axe_check(page, "score")


@pytest.mark.parametrize("tablet", ["landscape-1024x768"], indirect=True)
def test_tracking_and_competence_pages_pass_axe(tablet_page, orphan, org, log_in, axe_check,
                                                make_client_request):
    make_client_request(orphan, org["other_advisor"], days_ago=9)
    db.session.commit()
    page = tablet_page
    log_in(page, "admin")
    for path, heading in (("/routing/", "Tableau de suivi des demandes clients"),
                          ("/routing/competences", "Tableau des compétences"),
                          ("/routing/coverage", "Couverture par équipe"),
                          ("/routing/boosters", "Boosters de fichiers clients"),
                          ("/routing/settings", "Paramètres des demandes clients")):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        axe_check(page, path)
    page.goto("/routing/?status=overdue")
    expect(page.locator("tr[data-overdue]")).to_have_count(1)

