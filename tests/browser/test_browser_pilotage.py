"""The manager's pilotage box on the home page: all operations, then one, without reload."""

import pytest
from pilote_pages import mark_document, same_document
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_pilotage_box_switches_operation(tablet_page, org, make_operation, log_in, shoot,
                                         axe_check):
    page = tablet_page
    make_operation(org["manager"], name="Épargne retraite T1", objective="400000")
    make_operation(org["manager"], name="Prévoyance TNS", objective="200000")
    log_in(page, "manager")
    box = page.locator("#box-pilotage")
    expect(box).to_contain_text("Toutes mes opérations")
    expect(box).to_contain_text("600\u202f000\u00a0€")
    axe_check(page, "home with the pilotage box")
    mark_document(page)
    box.get_by_role("button", name="Prévoyance TNS").tap()
    expect(box).to_contain_text("200\u202f000\u00a0€")
    expect(box.get_by_role("button", name="Prévoyance TNS")).to_have_attribute(
        "aria-current", "true")
    assert same_document(page)
    shoot(page, "pilotage-one-operation")
