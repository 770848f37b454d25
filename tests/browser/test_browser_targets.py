"""Putting clients in an operation on a tablet: one picked client, a client query's result,
a removal; then the advisor finds the operation on his home page."""

import pytest
from pilote_pages import TOUCH_TARGETS_JS, UNLABELLED_JS
from playwright.sync_api import expect

from webapp.extensions import db

pytestmark = pytest.mark.browser


def test_manager_adds_clients_and_advisor_sees_them(tablet_page, live_server, org,
                                                     make_operation, log_in, shoot,
                                                     axe_check):
    page = tablet_page
    operation = make_operation(org["manager"], name="Épargne retraite 2026")
    db.session.commit()
    url = f"/operations/{operation.id}/targets"

    log_in(page, "manager")
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Liste des clients concernés par l'opération")
    axe_check(page, "empty targets list")

    # One client, picked by name; the advisor is the client's, the date today.
    picker = page.locator("#target-picker")
    picker.get_by_role("searchbox").fill("Morel")
    picker.get_by_role("button", name="Morel Julie").tap()
    expect(picker.get_by_role("status")).to_contain_text("Julie Morel")
    page.get_by_label("Potentiel (€)").first.fill("25 000")
    page.get_by_role("button", name="Ajouter à l'opération").tap()
    expect(page.get_by_role("alert").first).to_contain_text("Julie Morel a été ajouté(e)")
    expect(page.locator("#targets-totals")).to_contain_text("1 client")

    # A client query: names starting with "Rou" (Anne Roux, Paul Rousseau; Émile Roussel
    # is another agency's), counted, then added. The page came back from the redirect:
    # wait for its scripts (htmx wires the search on load), or the typing is not sent.
    page.wait_for_load_state("load")
    page.get_by_label("Nom, téléphone ou e-mail commençant par").fill("Rou")
    expect(page.locator("#bulk-count")).to_contain_text("2 clients correspondent")
    shoot(page, "query-counted")
    axe_check(page, "query counted")
    assert page.evaluate(UNLABELLED_JS, page.locator("main").element_handle()) == {
        "unnamed": [], "duplicated": []}
    assert page.evaluate(TOUCH_TARGETS_JS, 44) == []
    page.get_by_role("button", name="Ajouter les 2 clients").tap()
    expect(page.get_by_role("alert").first).to_contain_text("2 client(s) ajouté(s)")
    expect(page.locator("#targets-totals")).to_contain_text("3 clients")

    # Remove one, after the confirmation.
    page.get_by_role("link", name="Retirer Paul Rousseau de l'opération").tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Retirer Paul Rousseau")
    axe_check(page, "remove confirmation")
    page.get_by_role("button", name="Retirer de l'opération").tap()
    expect(page.locator("#targets-totals")).to_contain_text("2 clients")
    shoot(page, "targets-list")

    # Marc finds the operation on his home page, with his clients to contact.
    page.context.clear_cookies()
    log_in(page, "advisor")
    box = page.locator("#box-operations")
    expect(box).to_contain_text("Épargne retraite 2026")
    expect(box).to_contain_text("2 clients à contacter")
    shoot(page, "advisor-home")
    box.get_by_role("link", name="Épargne retraite 2026").tap()
    expect(page.locator("#targets-totals")).to_contain_text("2 clients")
    expect(page.get_by_role("link", name="Retirer Anne Roux de l'opération")).to_have_count(0)
