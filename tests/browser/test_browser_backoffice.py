"""The new-contract checklist on a tablet (both sizes; the issue asks for 1024×768): a BO
assistant fills it section by section, sees the progress, is refused the completion while
an item is missing, then completes it."""

import struct

import pytest
from pilote_pages import mark_document, same_document
from playwright.sync_api import expect

from webapp.clients.models import Account, Client
from webapp.extensions import db

pytestmark = pytest.mark.browser


def hd_png(width=1600, height=800) -> bytes:
    """A PNG header of an HD logo: what the resolution check and the type sniffing read."""
    return (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + struct.pack(">II", width, height)
            + b"\x08\x06\x00\x00\x00" + b"\x00" * 32)


@pytest.fixture
def checklist_url(live_server, org, make_bo_request):
    """Marc's « Mise en place partenariat » for Anne Roux, its client's answer forwarded."""
    anne = db.session.get(Client, live_server.clients["Anne Roux"])
    req = make_bo_request(org["advisor"], anne, "Mise en place partenariat (R2 validé)",
                          state="forwarded")
    url = f"/bo/requests/{req.id}/checklist"
    db.session.commit()  # end the read transaction: the server threads write
    return url


def save(section):
    section.get_by_role("button", name="Enregistrer la section").tap()
    expect(section.get_by_role("status")).to_have_text("Section enregistrée.")


def test_bo_assistant_fills_the_new_contract_checklist(tablet_page, checklist_url, log_in,
                                                       shoot, axe_check):
    page = tablet_page
    log_in(page, "bo_assistant")
    page.goto(checklist_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Mise en place d'un nouveau contrat")
    progress = page.locator("#progress-count")
    expect(progress).to_have_text("0 / 13")
    shoot(page, "empty")
    axe_check(page, "empty checklist")
    mark_document(page)

    contacts = page.locator("#section-contacts")
    contacts.get_by_label("Interlocuteur principal").fill("Marie Dupont")
    contacts.get_by_label("Adresse postale générale").fill("1 rue de la Paix, 75002 Paris")
    contacts.get_by_label("Téléphone").fill("01 42 68 53 00")
    contacts.get_by_label("E-mail général").fill("contact@timetours.fr")
    save(contacts)
    expect(progress).to_have_text("4 / 13")
    expect(page.locator("#section-contacts-count")).to_have_text("4 / 4")
    expect(contacts.get_by_label("Téléphone")).to_have_value("+33 1 42 68 53 00")

    contract = page.locator("#section-contract")
    contract.get_by_label("Code Fram").fill("FR-1234")
    contract.get_by_label("Date d'effet du contrat").fill("2026-04-01")
    contract.get_by_label("Clôture de l'exercice comptable (jour/mois)").fill("31/13")
    contract.get_by_label("Chiffre d'affaires (€)").fill("1 200 000")
    contract.get_by_label("Année ou exercice du chiffre d'affaires").fill("2025")
    contract.get_by_role("button", name="Enregistrer la section").tap()
    # A wrong closing day: refused next to the field, what was typed kept, nothing saved.
    expect(contract.locator("#fiscal_year_end-error")).to_have_text(
        "Cette date de clôture n'existe pas.")
    expect(contract.get_by_label("Code Fram")).to_have_value("FR-1234")
    expect(progress).to_have_text("4 / 13")
    contract.get_by_label("Clôture de l'exercice comptable (jour/mois)").fill("31/12")
    save(contract)
    expect(progress).to_have_text("8 / 13")
    expect(page.locator("#due-date")).to_contain_text("31/12/2026")

    billing = page.locator("#section-billing")
    billing.get_by_label("Base de facturation").select_option(label="Base départ")
    billing.get_by_label("Contact comptabilité : nom et prénom").fill("Paul Martin")
    billing.get_by_label("Contact comptabilité : téléphone").fill("01 42 68 53 01")
    save(billing)
    expect(progress).to_have_text("10 / 13")

    # Extranet: three more items appear (« Si souscription sur l'Extranet »).
    subscription = page.locator("#section-subscription")
    extranet = subscription.locator("#extranet-fields")
    expect(extranet).to_be_hidden()
    subscription.get_by_label("Format de souscription").select_option(label="Extranet")
    expect(extranet).to_be_visible()
    subscription.get_by_label("Adresse de réception des souscriptions").fill(
        "souscriptions@timetours.fr")
    subscription.get_by_label("Préférence login et mot de passe").fill("prenom.nom")
    save(subscription)
    expect(progress).to_have_text("13 / 16")

    logo = page.locator("#section-logo")
    logo.get_by_label("Logo du client en HD (PNG, JPEG ou WebP)").set_input_files(
        {"name": "logo-time-tours.png", "mimeType": "image/png", "buffer": hd_png()})
    logo.get_by_role("button", name="Envoyer le logo").tap()
    expect(logo.get_by_role("status")).to_have_text("Logo enregistré.")
    expect(logo).to_contain_text("1600 × 800 pixels")
    expect(progress).to_have_text("14 / 16")

    booklets = page.locator("#section-booklets")
    booklets.get_by_label("Type de livret").select_option(label="SECUR PLUS")
    booklets.get_by_label("Format").select_option(label="Papier")
    booklets.get_by_label("Quantité").fill("500")
    save(booklets)
    expect(progress).to_have_text("15 / 16")
    expect(page.locator("#missing-items")).to_have_text(
        "Personnes en statut CHEF et/ou SUPERCHEF")

    # One item missing: the sheet cannot be marked complete.
    page.get_by_role("button", name="Marquer la fiche comme complète").tap()
    expect(page.locator("#complete-error")).to_have_text(
        "Impossible de marquer la fiche complète : il manque Personnes en statut CHEF "
        "et/ou SUPERCHEF.")
    shoot(page, "refused")
    axe_check(page, "completion refused")

    subscription.get_by_label("Personnes en statut CHEF et/ou SUPERCHEF (une par ligne)"
                              ).fill("Marie Dupont : SUPERCHEF\nPaul Martin : CHEF")
    save(subscription)
    expect(progress).to_have_text("16 / 16")
    page.get_by_role("button", name="Marquer la fiche comme complète").tap()
    expect(page.locator("#checklist-complete")).to_have_text("Fiche complète")
    expect(page.get_by_role("button", name="Marquer la fiche comme complète")).to_have_count(0)
    assert same_document(page), "the checklist reloaded instead of saving section by section"
    shoot(page, "complete")
    axe_check(page, "checklist complete")

    # The printable summary holds what was entered.
    page.get_by_role("link", name="Récapitulatif imprimable").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Mise en place d'un nouveau contrat")
    expect(page.locator("main")).to_contain_text("31/12/2026 (clôture 31/12)")
    expect(page.locator("main")).to_contain_text("Marie Dupont : SUPERCHEF")
    axe_check(page, "printable summary")


@pytest.fixture
def routed(live_server, org, route_type):
    """Anne Roux holds a SECUR PLUS contract; David is the matrix's copy for stats."""
    anne = db.session.get(Client, live_server.clients["Anne Roux"])
    db.session.add(Account(client_id=anne.id, number="SP-1", product="SECUR PLUS"))
    route_type("Demande de stats", to=[org["manager"]], copies=[org["bo_assistant"]])
    db.session.commit()


@pytest.mark.parametrize("tablet", ["landscape-1024x768"], indirect=True)
def test_rep_sends_one_subject_then_another(tablet_page, routed, log_in, shoot, axe_check):
    page = tablet_page
    log_in(page, "advisor")
    page.goto("/bo/requests/new")
    form = page.locator("#request-form")
    form.get_by_label("Type de demande").select_option(label="Demande de stats")
    # Copies: only the matrix's, proposed (never imposed).
    copy = form.get_by_label("Sophie Laurent")
    expect(copy).not_to_be_checked()
    picker = page.locator("#request-client")
    picker.get_by_role("searchbox").fill("Roux")
    picker.get_by_role("button", name="Roux Anne").tap()
    expect(picker.get_by_role("status")).to_contain_text("Anne Roux")
    # The client's contracts are offered once the client is chosen.
    contract = form.get_by_label("Contrat (facultatif)")
    expect(contract.locator("option")).to_have_text(["— Aucun : le client —",
                                                     "SECUR PLUS n° SP-1"])
    contract.select_option(label="SECUR PLUS n° SP-1")
    form.get_by_label("Libellé du sujet").fill("pb logimail + stats")
    form.get_by_label("Deadline").fill("2000-01-01")
    copy.check()
    shoot(page, "intake")
    axe_check(page, "request intake")
    form.get_by_role("button", name="Envoyer la demande").tap()
    expect(page.locator("#label-error")).to_contain_text("Un seul sujet par demande")
    expect(page.locator("#deadline-error")).to_have_text(
        "La deadline ne peut pas être dans le passé.")
    expect(form.get_by_label("Libellé du sujet")).to_have_value("pb logimail + stats")
    form.get_by_label("Libellé du sujet").fill("pb logimail")
    form.get_by_label("Deadline").fill("2099-12-31")
    form.get_by_role("button", name="Envoyer la demande").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("SECUR PLUS / pb logimail")
    axe_check(page, "request page")
    # « Autre sujet »: a second request for the same client, already chosen.
    page.get_by_role("link", name="Autre sujet pour ce client").tap()
    expect(page.locator("#request-client").get_by_role("status")).to_contain_text("Anne Roux")
    shoot(page, "other-subject")


@pytest.mark.parametrize("tablet", ["landscape-1024x768"], indirect=True)
def test_desk_pages_pass_axe(tablet_page, checklist_url, log_in, axe_check):
    """The BO's other screens, with some data in them."""
    page = tablet_page
    log_in(page, "bo_assistant")
    for path, heading in (("/bo/", "File du back-office"),
                          (checklist_url.removesuffix("/checklist"),
                           "ANNE ROUX / Mise en place partenariat (R2 validé)"),
                          ("/bo/booklets", "La distribution des livrets"),
                          ("/bo/gestures", "Gestes commerciaux"),
                          ("/bo/gestures/new", "Demander un geste commercial"),
                          ("/bo/incentives", "Incentives"),
                          ("/bo/recap", None)):
        page.goto(path)
        if heading:
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        axe_check(page, path)

