"""The per-client timeline on a tablet (portrait 768×1024 required by the issue): the
advisor records the steps in order, is stopped by the mandatory ones, concludes with an
amount and the client's line turns green."""

import pytest
from pilote_pages import mark_document, same_document
from playwright.sync_api import expect

from webapp.clients.models import Account, Client
from webapp.extensions import db

pytestmark = pytest.mark.browser


@pytest.fixture
def timeline_url(live_server, org, make_operation, make_target):
    """Anne Roux (Marc's client) in the default four-step operation run by his manager."""
    anne = db.session.get(Client, live_server.clients["Anne Roux"])
    operation = make_operation(org["manager"])
    operation.steps[0].instructions = "Appeler le client pour présenter l'offre."
    target = make_target(operation, anne, potential="50000")
    db.session.add(Account(client_id=anne.id, number="PER-001", product="PER individuel"))
    db.session.commit()
    url = f"/operations/targets/{target.id}"
    db.session.commit()  # end the read transaction: the server threads write
    return url


@pytest.mark.parametrize("tablet", ["portrait-768x1024", "landscape-1024x768"], indirect=True)
def test_timeline_journey(tablet_page, timeline_url, log_in, shoot, axe_check):
    page = tablet_page
    log_in(page, "advisor")
    page.goto(timeline_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Anne Roux")
    line = page.locator("#timeline-line")
    expect(line).to_have_attribute("data-colour", "open")
    choice = page.get_by_label("Étape ou événement")

    # Only step 1 (and an unplanned event) is offered; the others say why, visibly.
    expect(choice.locator("option")).to_have_text(
        ["1. Appel de prise de contact (Tâche) — proposée", "Événement non prévu"])
    blocked = page.locator("#blocked-steps")
    expect(blocked).to_be_visible()
    expect(blocked).to_contain_text("3. Relance — terminez d'abord « Appel de prise de contact »")
    shoot(page, "timeline")
    axe_check(page, "timeline")

    # Step 1: a task; « Terminée » with its mandatory action unchecked is refused.
    mark_document(page)
    page.get_by_role("button", name="Ajouter", exact=True).tap()
    form = page.locator("#record-form")
    expect(form.get_by_label("Vérifier la fiche client")).to_be_visible()
    form.get_by_label("Préparer le rendez-vous").check()
    form.get_by_label("Statut").select_option(label="Terminée")
    form.get_by_label("Notes").fill("Client joint, intéressé par le PER.")
    shoot(page, "task-form")
    axe_check(page, "task form")
    form.get_by_role("button", name="Enregistrer").tap()
    error = page.locator("#status-error")
    expect(error).to_have_text("La tâche ne peut pas être « Terminée » : cochez d'abord "
                               "l'action obligatoire « Vérifier la fiche client ».")
    expect(form.get_by_label("Notes")).to_have_value("Client joint, intéressé par le PER.")
    expect(form.get_by_label("Préparer le rendez-vous")).to_be_checked()
    expect(form.get_by_label("Statut")).to_have_value("done")
    shoot(page, "task-refused")
    axe_check(page, "task refused")

    form.get_by_label("Vérifier la fiche client").check()
    form.get_by_role("button", name="Enregistrer").tap()
    expect(page.locator("#chronology")).to_contain_text("Client joint, intéressé par le PER.")
    # Step 2 (mandatory meeting) is now proposed; 3 and 4 still wait for it.
    expect(choice.locator("option")).to_have_text(
        ["2. Rendez-vous de présentation (Rendez-vous) — proposée", "Événement non prévu"])

    # Step 2: a meeting, done.
    page.get_by_role("button", name="Ajouter", exact=True).tap()
    form = page.locator("#record-form")
    form.get_by_label("Heure").fill("14:30")
    form.get_by_label("Lieu").fill("Agence de Lyon")
    form.get_by_label("Statut").select_option(label="Terminée")
    form.get_by_role("button", name="Enregistrer").tap()
    expect(page.locator("#chronology")).to_contain_text("Agence de Lyon")
    expect(page.locator("#blocked-steps")).to_have_count(0)

    # The optional reminder is skipped: step 4, the signature, directly.
    expect(choice.locator("option")).to_have_count(3)
    choice.select_option(label="4. Signature (Tâche)")
    page.get_by_role("button", name="Ajouter", exact=True).tap()
    form = page.locator("#record-form")
    form.get_by_label("Faire signer le bulletin").check()
    form.get_by_label("Statut").select_option(label="Terminée")
    form.get_by_role("button", name="Enregistrer").tap()
    expect(page.locator("#chronology li")).to_have_count(3)

    # Conclusion: a sale with its amount; the line turns green, the accounts appear.
    conclusion = page.locator("#conclusion-form")
    conclusion.get_by_label("Conclusion", exact=True).select_option(label="Vente (succès)")
    conclusion.get_by_label("Montant collecté (€)").fill("30000")
    conclusion.get_by_role("button", name="Terminer l'opération pour ce client").tap()
    expect(line).to_have_attribute("data-colour", "success")
    expect(page.locator("#conclusion-badge")).to_have_text("Terminé · succès")
    expect(page.locator("#conclusion-summary")).to_contain_text("Vente")
    accounts = page.locator("#accounts-form")
    accounts.get_by_label("PER individuel n° PER-001").check()
    accounts.get_by_role("button", name="Enregistrer les comptes").tap()
    expect(page.locator("#accounts-form").get_by_label("PER individuel n° PER-001")
           ).to_be_checked()
    assert same_document(page), "the timeline reloaded instead of updating in place"
    shoot(page, "concluded")
    axe_check(page, "timeline concluded")

    # A reload shows the same: the page works as a full page too.
    page.reload()
    expect(page.locator("#timeline-line")).to_have_attribute("data-colour", "success")
