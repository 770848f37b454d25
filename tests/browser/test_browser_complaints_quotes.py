"""Filing a complaint from the client file (the acknowledgement reaches the client's
mailbox); a total churn recorded on the file, a quote made, sent with its PDF and
accepted (an opportunity), on a tablet."""

import re

import pytest
from pilote_pages import go_nav
from playwright.sync_api import expect

from tests.documents import pdf_text
from webapp.activities.catalogue.models import Product
from webapp.extensions import db
from webapp.notifications.worker import drain

pytestmark = pytest.mark.browser


def test_file_a_complaint_and_the_client_is_acknowledged(tablet_page, live_server, log_in,
                                                        shoot, axe_check, smtp_sink):
    page = tablet_page
    anne = live_server.clients["Anne Roux"]
    log_in(page, "advisor")
    page.goto(f"/clients/{anne}")
    followup = page.locator("#followup")
    expect(followup.get_by_role("heading", name="Suivi du dossier")).to_be_visible()  # htmx
    followup.get_by_role("link", name="Nouvelle réclamation").tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nouvelle réclamation")
    expect(page.get_by_label("Origine")).to_have_value("visit")  # « par défaut Visite »
    axe_check(page, "complaint form")

    # Nothing typed: the French messages, nothing lost.
    page.get_by_label("Millésime").fill("")
    page.get_by_label("Description de la réclamation").fill("Pavé paru avec une erreur de logo.")
    page.get_by_role("button", name="Enregistrer et envoyer l'accusé de réception").tap()
    expect(page.locator("#order_number-error")).to_have_text("Le n° de commande est obligatoire.")
    expect(page.get_by_label("Description de la réclamation")).to_have_value(
        "Pavé paru avec une erreur de logo.")

    # Someone else's phone number: warned, then confirmed.
    page.get_by_label("Millésime").fill("2026")
    page.get_by_label("N° de commande").fill("C-2026-118")
    page.get_by_label("Description de la réclamation").fill(
        "Pavé paru avec une erreur de logo ; son comptable (06 99 88 77 66) l'a signalé.")
    page.get_by_role("button", name="Enregistrer et envoyer l'accusé de réception").tap()
    expect(page.locator("#contacts-warning")).to_contain_text("06 99 88 77 66")
    shoot(page, "complaint-warning")
    axe_check(page, "complaint form with the contact-details warning")
    page.get_by_label("Description de la réclamation").fill(
        "Pavé paru avec une erreur de logo et la mention livraison gratuite.")
    page.get_by_role("button", name="Enregistrer et envoyer l'accusé de réception").tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Réclamation R-")
    expect(page.get_by_role("alert").first).to_contain_text("l'accusé de réception part")
    expect(page.locator("#complaint-status")).to_have_text("Déposée")
    shoot(page, "complaint")
    axe_check(page, "complaint")

    db.session.rollback()  # see what the server threads committed
    assert drain().sent == 1
    [mail] = smtp_sink.messages
    assert mail["To"] == "anne.roux@example.fr"
    assert "commande n° C-2026-118" in mail.get_body(("plain",)).get_content()

    # The « Réclamations » list, then the same order again: refused, with the first.
    go_nav(page, "Réclamations")
    expect(page.locator("#results")).to_contain_text("C-2026-118")
    axe_check(page, "complaints list")
    page.goto(f"/activities/clients/{anne}/complaints/new")
    page.get_by_label("N° de commande").fill("c 2026 118")
    page.get_by_label("Description de la réclamation").fill("Encore le logo.")
    page.get_by_role("button", name="Enregistrer et envoyer l'accusé de réception").tap()
    refusal = page.locator("#complaint-refusal")
    expect(refusal).to_contain_text("déjà ouverte")
    refusal.get_by_role("link", name="Ouvrir la réclamation en cours").tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Réclamation R-")


@pytest.mark.parametrize("tablet", ["landscape-1024x768"], indirect=True)
def test_quote_sent_with_its_pdf_then_accepted(tablet_page, live_server, log_in, shoot,
                                               axe_check, smtp_sink):
    db.session.add(Product(key="pave-dep", label="Pavé départemental", range="Imprimé",
                           unit_price_ht=450, vat_rate=20))
    db.session.commit()
    page = tablet_page
    anne = live_server.clients["Anne Roux"]
    log_in(page, "advisor")
    page.goto(f"/clients/{anne}")
    followup = page.locator("#followup")
    # A total churn from the client file (htmx): the file shows it at once.
    followup.locator("summary", has_text="Enregistrer une chute").tap()
    followup.get_by_label("Motif de chute").select_option(label="Cessation d'activité")
    followup.get_by_role("button", name="Enregistrer la chute").tap()
    expect(page.locator("#total-churn")).to_contain_text("Cessation d'activité")
    shoot(page, "client-file-followup")
    axe_check(page, "client file with its follow-up")
    page.locator("#followup").get_by_role("link", name="Nouveau devis").tap()
    page.get_by_label("Objet du devis").fill("Pavé Opticiens S2")
    page.get_by_role("button", name="Créer le devis et ajouter ses lignes").tap()
    page.get_by_label("Produit").select_option(label="Imprimé — Pavé départemental")
    page.get_by_label("Quantité").fill("2")
    page.get_by_role("button", name="Ajouter la ligne").tap()
    expect(page.locator("#total-ttc")).to_have_text(re.compile(r"^1\s080\s€$"))
    shoot(page, "quote-draft")
    axe_check(page, "draft quote")
    page.get_by_role("button", name="Envoyer le devis au client").tap()
    expect(page.locator("#quote-status")).to_have_text("Envoyé")

    db.session.rollback()
    assert drain().sent == 1
    [mail] = smtp_sink.messages
    [attached] = list(mail.iter_attachments())
    assert "Pavé départemental" in pdf_text(attached.get_content())[0]

    page.get_by_label("Réponse du client", exact=True).select_option("accepted")
    page.get_by_role("button", name="Enregistrer la réponse").tap()
    expect(page.locator("#quote-status")).to_have_text("Accepté")
    page.get_by_role("link", name="l'opportunité créée").tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Anne Roux")
    axe_check(page, "opportunity from the quote")
