"""Client files as a person uses them on a tablet: log in, search, open, create a client
with a new referrer created in the picker's dialog without leaving the form."""

import re

import pytest
from pilote_pages import PASSWORD, go_nav, mark_document, open_referrer_dialog, same_document
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_client_journey(tablet_page, live_server, shoot, axe_check):
    page = tablet_page
    marc = live_server.users["advisor"]

    # Log in: the home page sends an anonymous visitor to the login form.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))
    expect(page.get_by_role("alert")).to_contain_text("Connectez-vous pour accéder")
    shoot(page, "login")
    axe_check(page, "login")
    page.get_by_label("Adresse e-mail").fill(marc["email"])
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {marc['name']}")
    expect(page).to_have_url(f"{live_server.url}/")
    shoot(page, "home")
    axe_check(page, "home")

    # Clients: the list, then an active search that updates it in place.
    go_nav(page, "Clients")
    expect(page.get_by_role("heading", level=1)).to_have_text("Clients")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(4)  # Marc's four clients, not the Nantes agency's
    shoot(page, "clients")
    axe_check(page, "clients list")

    mark_document(page)
    page.get_by_label("Rechercher (nom, téléphone ou e-mail)").press_sequentially(
        "rou", delay=40)
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Rousseau Paul")
    expect(rows.nth(1)).to_contain_text("Roux Anne")
    expect(page.locator("#results")).to_contain_text("2 clients")
    expect(page).to_have_url(re.compile(r"/clients/\?q=rou"))  # hx-push-url
    assert same_document(page), "the search reloaded the page instead of updating the list"
    shoot(page, "clients-search")

    # A client's page.
    rows.get_by_role("link", name="Roux Anne").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anne Roux")
    expect(page.locator("dt:text-is('Téléphone') + dd")).to_contain_text("+33 6 12 34 56 78")
    shoot(page, "client-detail")
    axe_check(page, "client detail")

    # A new client file, typed in the outer form first.
    go_nav(page, "Clients")
    page.get_by_role("link", name="Nouvelle fiche client").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle fiche client")
    axe_check(page, "client form")
    form = page.locator("#client-form")
    form.get_by_label("Prénom").fill("Lucas")
    form.get_by_label("Nom", exact=True).fill("Girard")
    form.get_by_label("Notes").fill("Rencontré au salon de l'habitat.")
    shoot(page, "client-form")
    mark_document(page)

    # "Recommandé par" → "+ Créer une fiche client": the referrer's file in a dialog.
    dialog = open_referrer_dialog(page)
    expect(dialog.get_by_role("heading", name="Nouvelle fiche client")).to_be_visible()
    # An advisor's new client is his by default, in the dialog too.
    expect(dialog.get_by_label("Conseiller", exact=True)).to_have_value(str(marc["id"]))
    shoot(page, "referrer-dialog")
    axe_check(page, "client form with the referrer dialog open")
    # Fields found by name, not label: see test_referrer_dialog_fields_are_labelled.
    dialog.get_by_label("Prénom", exact=True).fill("Jeanne")
    dialog.get_by_label("Nom", exact=True).fill("Fabre")
    dialog.get_by_label("Téléphone", exact=True).fill("06 98 76 54 32")
    dialog.get_by_role("button", name="Enregistrer et associer").tap()

    # The dialog closes, the picker shows the new client chosen, the typing is still there.
    expect(dialog).to_be_hidden()
    picker = page.locator("#referrer-picker")
    expect(picker).to_contain_text("Jeanne Fabre")
    expect(picker).to_contain_text("+33 6 98 76 54 32")
    expect(picker).to_contain_text("Fiche créée et associée")
    expect(picker.locator("input[name=referred_by_id]")).not_to_have_value("")
    expect(form.get_by_label("Prénom")).to_have_value("Lucas")
    expect(form.get_by_label("Nom", exact=True)).to_have_value("Girard")
    expect(form.get_by_label("Notes")).to_have_value("Rencontré au salon de l'habitat.")
    assert same_document(page), "creating the referrer reloaded the outer form"
    shoot(page, "referrer-chosen")

    # Save the outer form: the new client's page names its referrer.
    form.get_by_role("button", name="Enregistrer", exact=True).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lucas Girard")
    expect(page.get_by_role("alert")).to_contain_text("Fiche client créée.")
    referrer = page.locator("dt:text-is('Recommandé par') + dd")
    expect(referrer).to_have_text("Jeanne Fabre")
    shoot(page, "new-client-detail")
    axe_check(page, "new client detail")

    # And the referrer's page lists whom she recommended.
    referrer.get_by_role("link", name="Jeanne Fabre").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jeanne Fabre")
    expect(page.locator("dt:text-is('Téléphone') + dd")).to_contain_text("mobile")
    expect(page.get_by_role("link", name="Lucas Girard")).to_be_visible()
    shoot(page, "referrer-detail")


def test_referrer_dialog_shows_errors_and_keeps_typing(tablet_page, log_in, shoot, axe_check):
    page = tablet_page
    log_in(page, "advisor")
    page.goto("/clients/new")
    form = page.locator("#client-form")
    form.get_by_label("Prénom").fill("Lucas")
    mark_document(page)

    dialog = open_referrer_dialog(page)
    dialog.get_by_label("Prénom", exact=True).fill("Jeanne")
    dialog.get_by_label("Téléphone", exact=True).fill("123")  # and no last name
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        dialog.get_by_role("button", name="Enregistrer et associer").tap()
    assert posted.value.status == 422

    # The errors, in French, inside the dialog, next to their fields; the typing kept.
    alert = dialog.get_by_role("alert")
    expect(alert).to_contain_text("Le formulaire contient des erreurs")
    last_name = dialog.get_by_label("Nom", exact=True)
    phone = dialog.get_by_label("Téléphone", exact=True)
    expect(last_name).to_have_attribute("aria-invalid", "true")
    expect(dialog.locator(".invalid-feedback")).to_have_text(
        ["Ce champ est obligatoire.", "Numéro de téléphone invalide."])
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(dialog.get_by_label("Prénom", exact=True)).to_have_value("Jeanne")
    expect(phone).to_have_value("123")
    expect(dialog).to_be_visible()
    expect(form.get_by_label("Prénom")).to_have_value("Lucas")
    shoot(page, "dialog-errors")
    axe_check(page, "referrer dialog with errors")

    # Corrected, the same dialog saves and associates.
    last_name.fill("Fabre")
    phone.fill("06 98 76 54 32")
    dialog.get_by_role("button", name="Enregistrer et associer").tap()
    expect(dialog).to_be_hidden()
    expect(page.locator("#referrer-picker")).to_contain_text("Jeanne Fabre")
    expect(form.get_by_label("Prénom")).to_have_value("Lucas")
    assert same_document(page)
    shoot(page, "dialog-corrected")


@pytest.mark.parametrize("tablet", ["landscape-1024x768"], indirect=True)
def test_manager_referrer_without_advisor(tablet_page, log_in):
    """A manager creates the referrer in the dialog without choosing an advisor (the
    dialog's default), then saves the outer form."""
    page = tablet_page
    log_in(page, "manager")
    page.goto("/clients/new")
    form = page.locator("#client-form")
    form.get_by_label("Prénom").fill("Lucas")
    form.get_by_label("Nom", exact=True).fill("Girard")
    form.get_by_label("Conseiller").select_option(label="Marc Petit")
    dialog = open_referrer_dialog(page)
    dialog.get_by_label("Prénom", exact=True).fill("Jeanne")
    dialog.get_by_label("Nom", exact=True).fill("Fabre")
    dialog.get_by_role("button", name="Enregistrer et associer").tap()
    expect(dialog).to_be_hidden()
    expect(page.locator("#referrer-picker")).to_contain_text("Jeanne Fabre")
    with page.expect_navigation():
        form.get_by_role("button", name="Enregistrer", exact=True).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lucas Girard")
    expect(page.locator("dt:text-is('Recommandé par') + dd")).to_have_text("Jeanne Fabre")
