"""The kanban on a tablet (1024×768, required by the issue): a BDC agent drags a card to
« Rendez-vous cédulé » without its required fields, fills them in the dialog that opens,
creates the meeting, and the confirmation with its .ics arrives at the SMTP server; a
card moved with the keyboard menu only."""

import re
from datetime import timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from webapp import clock
from webapp.auth.models import Branch
from webapp.clients.models import Client
from webapp.extensions import db
from webapp.notifications.worker import drain
from webapp.opportunities.models import BranchStaff, Stage

pytestmark = pytest.mark.browser
LANDSCAPE = pytest.mark.parametrize("tablet", ["landscape-1024x768"], indirect=True)


def _stage(name: str) -> Stage:
    return db.session.scalar(db.select(Stage).where(Stage.name == name))


@pytest.fixture
def pipeline(live_server, org, make_opportunity):
    """Anne Roux (Marc's client) in « Contacté », phone, e-mail, SPEX and DV not filled;
    Lyon Part-Dieu's rotation has Marc as SPEX and Claire in its DV group."""
    branch = db.session.scalar(db.select(Branch).where(Branch.name == "Lyon Part-Dieu"))
    db.session.add_all([
        BranchStaff(branch_id=branch.id, user_id=org["advisor"].id, duty="spex", position=1),
        BranchStaff(branch_id=branch.id, user_id=org["manager"].id, duty="dv", position=1)])
    anne = db.session.get(Client, live_server.clients["Anne Roux"])
    paul = db.session.get(Client, live_server.clients["Paul Rousseau"])
    opportunity = make_opportunity(anne, stage="Contacté", branch_id=branch.id, language="fr",
                                   owner_id=org["bdc_agent"].id)
    other = make_opportunity(paul, owner_id=org["bdc_agent"].id, amount=12000)
    ids = {"anne": opportunity.id, "paul": other.id,
           **{name: _stage(name).id for name in (
               "En traitement", "Réponse envoyée", "Contacté", "Rendez-vous cédulé")}}
    db.session.commit()  # end the read transaction: the server threads write
    return ids


def _drag(page: Page, card, column) -> None:
    """Drag with the mouse, the way SortableJS's pointer fallback follows it (held by its
    text: links and buttons do not start a drag)."""
    start = card.get_by_text("Gestionnaire").bounding_box()
    end = column.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2 + 10, start["y"] + 15, steps=3)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 60, steps=15)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 70, steps=3)
    page.mouse.up()


@LANDSCAPE
def test_drag_to_rendez_vous_fills_the_missing_fields_and_sends_the_invite(
        tablet_page, pipeline, log_in, shoot, axe_check, smtp_sink):
    page = tablet_page
    log_in(page, "bdc_agent")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Opportunités").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opportunités")
    card = page.locator(f"#card-{pipeline['anne']}")
    target = page.locator(f"#cards-{pipeline['Rendez-vous cédulé']}")
    expect(card).to_be_visible()
    shoot(page, "board")
    axe_check(page, "board")

    # « Contacté » first on screen, so that « Rendez-vous cédulé » is too.
    page.locator(f"#cards-{pipeline['Contacté']}").evaluate(
        "list => { const board = list.closest('.kanban');"
        " board.scrollLeft = list.closest('.kanban-column').offsetLeft - board.offsetLeft; }")
    _drag(page, card, target)

    dialog = page.locator("#move-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text(
        "Pour passer « Anne Roux » en « Rendez-vous cédulé », complétez d'abord ces champs :")
    # Refused: the card went back to « Contacté ».
    expect(page.locator(f"#cards-{pipeline['Contacté']} #card-{pipeline['anne']}")
           ).to_have_count(1)
    spex = dialog.get_by_label("Spécialiste expérience client (SPEX)")
    expect(spex.locator("option:checked")).to_have_text("Marc Petit")  # the tour de gun
    shoot(page, "missing-fields")
    axe_check(page, "missing fields dialog")

    dialog.get_by_label("Téléphone cellulaire").fill("04 78 12 34 56")  # a landline
    dialog.get_by_label("Courriel").fill("anne.roux@example.fr")
    dialog.get_by_label("DV (directeur des ventes en poste)").select_option(label="Claire Martin")
    dialog.get_by_role("button", name="Enregistrer et continuer").tap()
    expect(dialog.locator("#phone-error")).to_contain_text("ligne fixe")
    expect(dialog.get_by_label("Courriel")).to_have_value("anne.roux@example.fr")
    dialog.get_by_label("Téléphone cellulaire").fill("06 12 34 56 78")
    dialog.get_by_role("button", name="Enregistrer et continuer").tap()

    expect(dialog.get_by_role("heading")).to_have_text("Créer la réunion de « Anne Roux »")
    day = clock.today() + timedelta(days=3)
    dialog.get_by_label("Date et heure").fill(f"{day.isoformat()}T14:30")
    shoot(page, "meeting-form")
    axe_check(page, "meeting dialog")
    dialog.get_by_role("button", name="Créer la réunion").tap()

    expect(dialog).to_be_hidden()
    moved = target.locator(f"#card-{pipeline['anne']}")
    expect(moved).to_be_visible()
    expect(page.locator(f"#cards-{pipeline['Contacté']} #card-{pipeline['anne']}")
           ).to_have_count(0)
    expect(page.locator(f"#total-{pipeline['Rendez-vous cédulé']}")).to_contain_text(
        "1 opportunité")
    expect(page.locator(f"#total-{pipeline['Contacté']}")).to_contain_text("0 opportunité")
    shoot(page, "moved")

    # The confirmation, through the outbox, to a real SMTP server, with its invitation.
    db.session.rollback()  # see what the server threads committed
    assert drain().sent == 1
    [mail] = smtp_sink.messages
    assert set(mail["To"].addresses[i].addr_spec for i in range(2)) == {
        "claire@example.fr", "bruno@example.fr"}
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    event = next(c for c in Calendar.from_ical(part.get_payload(decode=True)).walk()
                 if c.name == "VEVENT")
    assert str(event["summary"]) == "ANNE / INVENTAIRE"
    assert event.decoded("dtstart").strftime("%Y-%m-%d %H:%M") == f"{day.isoformat()} 14:30"


def test_move_a_card_with_the_keyboard_menu_only(tablet_page, pipeline, log_in, shoot,
                                                 axe_check):
    page = tablet_page
    log_in(page, "bdc_agent")
    page.goto("/opportunities/")
    menu = page.get_by_role("button", name="Déplacer vers… : Paul Rousseau")
    menu.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#move-dialog")
    title = dialog.get_by_role("heading", name="Déplacer « Paul Rousseau » vers…")
    expect(title).to_be_focused()
    shoot(page, "menu")
    axe_check(page, "move menu")
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Réponse envoyée")).to_be_focused()
    page.keyboard.press("Enter")

    expect(dialog).to_be_hidden()
    column = page.locator(f"#cards-{pipeline['Réponse envoyée']}")
    expect(column.locator(f"#card-{pipeline['paul']}")).to_be_visible()
    expect(page.locator(f"#total-{pipeline['Réponse envoyée']}")).to_contain_text(
        "1 opportunité · 12")
    # The focus is back on the card's menu button, in its new column.
    expect(column.get_by_role("button", name="Déplacer vers… : Paul Rousseau")).to_be_focused()
    shoot(page, "moved")
    page.reload()
    expect(page.locator(f"#cards-{pipeline['Réponse envoyée']} #card-{pipeline['paul']}")
           ).to_be_visible()


@pytest.mark.parametrize("tablet", ["portrait-768x1024"], indirect=True)
def test_create_an_opportunity_with_a_new_client_file(tablet_page, live_server, log_in, shoot,
                                                      axe_check):
    """« Si aucune fiche client n'est existante, cliquer sur "+ Créer Fiche Client" …
    "Enregistrer et associer" »; the name then comes from the file."""
    page = tablet_page
    log_in(page, "bdc_agent")
    page.goto("/opportunities/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle opportunité")
    form = page.locator("#opportunity-form")
    expect(form.get_by_label("Remarques")).to_have_value(re.compile(
        r"^1\. RDV en concession ou virtuel →"))
    form.get_by_label("Finalité").fill("Véhicule familial")
    # Saved without a client file: refused, the typing kept.
    form.get_by_role("button", name="Enregistrer").tap()
    expect(page.locator("#opportunity-client-error")).to_have_text(
        "Associez la fiche client : recherchez-la ou créez-la.")
    expect(form.get_by_label("Finalité")).to_have_value("Véhicule familial")
    axe_check(page, "opportunity form with errors")

    page.locator("#opportunity-client").get_by_role(
        "button", name="+ Créer une fiche client").tap()
    dialog = page.locator("#opportunity-client-dialog")
    expect(dialog.get_by_role("button", name="Enregistrer et associer")).to_be_visible()
    dialog.get_by_label("Prénom", exact=True).fill("Julie")
    dialog.get_by_label("Nom", exact=True).fill("Martin")
    dialog.get_by_label("Téléphone", exact=True).fill("06 44 55 66 77")
    dialog.get_by_label("E-mail", exact=True).fill("julie.martin@example.fr")
    shoot(page, "client-dialog")
    dialog.get_by_role("button", name="Enregistrer et associer").tap()
    expect(dialog).to_be_hidden()
    expect(page.locator("#opportunity-client")).to_contain_text("Fiche créée et associée")
    expect(form.get_by_label("Finalité")).to_have_value("Véhicule familial")
    form.get_by_role("button", name="Enregistrer").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("Julie Martin")
    expect(page.locator("#stage-badge")).to_have_text("En traitement")
    expect(page.get_by_role("link", name="+33 6 44 55 66 77")).to_be_visible()  # the file's
    blocked = page.locator("#meeting-blocked")
    expect(blocked.get_by_role("link", name="Spécialiste expérience client (SPEX, tour de gun)")
           ).to_be_visible()
    shoot(page, "detail")
    axe_check(page, "opportunity detail")
