"""An administrator manages accounts and teams on a tablet."""

import pytest
from pilote_pages import PASSWORD, go_nav
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_admin_creates_a_team_and_an_account(tablet_page, live_server, log_in, shoot,
                                             axe_check):
    page = tablet_page
    log_in(page, "admin")
    page.wait_for_load_state()
    go_nav(page, "Équipes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Équipes")
    axe_check(page, "teams")
    page.get_by_role("link", name="Nouvelle équipe").tap()
    page.get_by_label("Nom").fill("Agence Angers")
    page.get_by_label("Équipe parente").select_option(label="\u2003Agence Nantes")
    page.get_by_role("button", name="Enregistrer").tap()
    expect(page.get_by_role("alert")).to_contain_text("Équipe enregistrée.")
    expect(page.get_by_role("link", name="Agence Angers")).to_be_visible()

    page.goto("/admin/users/new")
    page.get_by_label("Nom complet").fill("Nina Garnier")
    page.get_by_label("Adresse e-mail").fill("nina@example.fr")
    page.get_by_label("Mot de passe").fill("court")
    page.get_by_role("button", name="Enregistrer").tap()
    expect(page.get_by_text("Le mot de passe doit compter entre 10 et 200")).to_be_visible()
    expect(page.get_by_label("Nom complet")).to_have_value("Nina Garnier")  # kept
    axe_check(page, "user form with errors")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_label("Équipe").select_option(label="\u2003\u2003Agence Angers")
    page.get_by_role("button", name="Enregistrer").tap()
    expect(page.get_by_role("alert")).to_contain_text("Utilisateur enregistré.")
    expect(page.get_by_role("link", name="Nina Garnier")).to_be_visible()
    shoot(page, "users")
    axe_check(page, "users")
