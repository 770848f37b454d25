"""Reachable by keyboard, labelled for assistive technology, big enough for a finger."""

import pytest
from pilote_pages import PASSWORD, TOUCH_TARGETS_JS, UNLABELLED_JS, open_referrer_dialog
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TOUCH_MINIMUM = 44  # px, QUALITY.md


def focused(page) -> str:
    return page.evaluate("() => document.activeElement.outerHTML.slice(0, 160)")


@pytest.mark.parametrize("tablet", ["landscape-1024x768"], indirect=True)
def test_login_with_keyboard_only(tablet_page, live_server, shoot):
    page = tablet_page
    marc = live_server.users["advisor"]

    # Log in with Tab, typing and Enter: skip link first, then the two fields.
    page.goto("/login")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Adresse e-mail")).to_be_focused()
    page.keyboard.type(marc["email"])
    page.keyboard.press("Tab")
    expect(page.get_by_label("Mot de passe")).to_be_focused()
    page.keyboard.type(PASSWORD)
    shoot(page, "login-typed")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {marc['name']}")


@pytest.mark.parametrize("tablet", ["landscape-1024x768"], indirect=True)
def test_referrer_dialog_with_keyboard_only(tablet_page, log_in, shoot):
    page = tablet_page
    log_in(page, "advisor")

    # The picker's "+ Créer une fiche client" is reachable with Tab and opens with Enter;
    # the modal dialog keeps the focus; Escape closes it and gives the focus back.
    page.goto("/clients/new")
    opener = page.locator("#referrer-picker").get_by_role(
        "button", name="+ Créer une fiche client")
    for _ in range(40):
        page.keyboard.press("Tab")
        if opener.evaluate("e => e === document.activeElement"):
            break
    else:
        pytest.fail("'+ Créer une fiche client' never got the focus with Tab")
    dialog = open_referrer_dialog(page, lambda: page.keyboard.press("Enter"))
    for _ in range(3):
        page.keyboard.press("Tab")
        assert dialog.evaluate("d => d.contains(document.activeElement)"), focused(page)
    shoot(page, "dialog-focus")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()

    # Reopened, filled and saved with the keyboard alone.
    open_referrer_dialog(page, lambda: page.keyboard.press("Enter"))
    first_name = dialog.get_by_label("Prénom", exact=True)
    for _ in range(5):
        page.keyboard.press("Tab")
        if first_name.evaluate("e => e === document.activeElement"):
            break
    else:
        pytest.fail(f"the dialog's first name never got the focus: {focused(page)}")
    page.keyboard.type("Jeanne")
    page.keyboard.press("Tab")
    expect(dialog.get_by_label("Nom", exact=True)).to_be_focused()
    page.keyboard.type("Fabre")
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.locator("#referrer-picker")).to_contain_text("Jeanne Fabre")
    shoot(page, "dialog-saved")
    # Where the keyboard user is now: on the picker, not thrown back to the page's start.
    assert page.locator("#referrer-picker").evaluate("p => p.contains(document.activeElement)")


@pytest.mark.parametrize("tablet", ["landscape-1024x768"], indirect=True)
def test_form_fields_are_labelled(tablet_page, log_in, live_server):
    """Each visible field has a label of its own and ids are unique on every page,
    including the client form with the referrer dialog open."""
    page = tablet_page
    page.goto("/login")
    assert page.evaluate(f"() => ({UNLABELLED_JS})(document)") == {
        "unnamed": [], "duplicated": []}
    log_in(page, "advisor")
    anne = live_server.clients["Anne Roux"]
    for url in ["/", "/clients/", f"/clients/{anne}", "/clients/new",
                f"/clients/{anne}/edit"]:
        page.goto(url)
        found = page.evaluate(f"() => ({UNLABELLED_JS})(document)")
        assert found == {"unnamed": [], "duplicated": []}, url

    page.goto("/clients/new")
    dialog = open_referrer_dialog(page)
    found = page.evaluate(f"() => ({UNLABELLED_JS})(document.querySelector('dialog[open]'))")
    assert found == {"unnamed": [], "duplicated": []}
    expect(dialog.get_by_label("Prénom")).to_be_visible()
    expect(dialog.get_by_label("Nom", exact=True)).to_be_visible()


def test_touch_targets(tablet_page, log_in, live_server, shoot):
    """Buttons, fields, menu and the rows' links are at least 44 px in both directions."""
    page = tablet_page
    log_in(page, "advisor")
    anne = live_server.clients["Anne Roux"]
    small = {}

    def measure(where):
        found = page.evaluate(TOUCH_TARGETS_JS, TOUCH_MINIMUM)
        if found:
            small[where] = found

    for url in ["/", "/clients/", f"/clients/{anne}", "/clients/new"]:
        page.goto(url)
        measure(url)
    open_referrer_dialog(page)
    measure("/clients/new with the referrer dialog")
    page.keyboard.press("Escape")

    # The picker's search results, then the chosen client with its "Changer" button.
    picker = page.locator("#referrer-picker")
    picker.get_by_role("searchbox").press_sequentially("rou", delay=30)
    expect(picker.get_by_role("button", name="Roux Anne")).to_be_visible()
    measure("/clients/new picker results")
    picker.get_by_role("button", name="Roux Anne").tap()
    expect(picker.get_by_role("button", name="Changer")).to_be_visible()
    measure("/clients/new picker with a client chosen")
    shoot(page, "picker-chosen")

    lines = [f"{where}: {t['width']}×{t['height']} {t['element']}"
                 for where, targets in small.items() for t in targets]
    assert not small, "touch targets under 44 px:\n" + "\n".join(lines)
