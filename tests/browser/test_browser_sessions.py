"""« Mes sessions »: Marc, signed in on two tablets, ends the other one from the user menu
(after a confirmation), then all the others; the ended tablet is back at the login."""

import pytest
from pilote_pages import PASSWORD, TOUCH_TARGETS_JS
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def _open_sessions(page: Page, name: str) -> None:
    """Through the user menu (the collapsed navigation opened first, in portrait)."""
    toggler = page.get_by_role("button", name="Ouvrir le menu")
    if toggler.is_visible():
        toggler.tap()
    page.get_by_role("button", name=name).tap()
    page.get_by_role("link", name="Mes sessions").tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mes sessions")


def _other_tablet(new_context, live_server, tablet, email):
    """A second browser of Marc's (another context: its own cookies), signed in."""
    context = new_context(viewport=tablet[1], has_touch=True, locale="fr-FR",
                          base_url=live_server.url, user_agent="Mozilla/5.0 (iPad; CPU "
                          "OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 "
                          "Mobile/15E148 Safari/604.1")
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    return page


def test_end_another_session_then_all_the_others(tablet_page, new_context, live_server,
                                                 tablet, log_in, shoot, axe_check):
    page = tablet_page
    marc = log_in(page, "advisor")
    ipad = _other_tablet(new_context, live_server, tablet, marc["email"])

    _open_sessions(page, marc["name"])
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("tr.table-info")).to_contain_text("Cette session")
    expect(page.locator("tbody")).to_contain_text("Safari sur iPadOS")
    page.wait_for_load_state("load")  # the stylesheets applied before measuring targets
    assert page.evaluate(TOUCH_TARGETS_JS, 44) == []
    shoot(page, "two-sessions")
    axe_check(page, "two-sessions")

    # « Terminer » asks first; « Annuler » keeps the session.
    other_row = page.locator("tbody tr", has_text="Safari sur iPadOS")
    other_row.get_by_role("button", name="Terminer").tap()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Terminer la session « Safari sur iPadOS » ?")
    axe_check(page, "confirm-one")
    dialog.get_by_role("button", name="Annuler").tap()
    expect(dialog).to_be_hidden()
    ipad.reload()
    expect(ipad.get_by_role("heading", level=1)).to_contain_text("Bonjour")

    other_row.get_by_role("button", name="Terminer").tap()
    page.get_by_role("dialog").get_by_role("button", name="Terminer la session").tap()
    expect(page.get_by_role("alert")).to_contain_text("La session est terminée.")
    expect(rows).to_have_count(1)
    shoot(page, "one-ended")
    ipad.reload()
    expect(ipad.get_by_role("button", name="Se connecter")).to_be_visible()

    # Signed in again there, then « Terminer toutes les autres ».
    ipad = _other_tablet(new_context, live_server, tablet, marc["email"])
    page.reload()
    expect(rows).to_have_count(2)
    page.get_by_role("button", name="Terminer toutes les autres").tap()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Terminer toutes les autres sessions ?")
    dialog.get_by_role("button", name="Terminer les autres sessions").tap()
    expect(page.get_by_role("alert")).to_contain_text("1 autre session terminée.")
    expect(rows).to_have_count(1)
    expect(page.get_by_role("button", name="Terminer toutes les autres")).to_have_count(0)
    shoot(page, "others-ended")
    axe_check(page, "others-ended")
    ipad.reload()
    expect(ipad.get_by_role("button", name="Se connecter")).to_be_visible()
    # This tablet is still signed in.
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
