"""Supervision, Gestion tab: a manager concludes 3 clients in bulk, the Synthèse follows,
and a figure opens exactly its clients."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_bulk_conclusion_then_synthese_then_drill_down(tablet_page, org, campaign,  # noqa: F811
                                                        log_in, shoot, axe_check):
    page = tablet_page
    operation, targets = campaign(5, name="Épargne retraite T4")
    chosen = sorted(targets, key=lambda t: t.client.last_name)[:3]
    names = [f"{t.client.last_name} {t.client.first_name}" for t in chosen]
    log_in(page, "manager")
    page.goto(f"/supervision/gestion?operation={operation.id}")
    expect(page.locator("#gestion-total")).to_have_text("5 clients")
    axe_check(page, "gestion list")
    for target in chosen:
        page.locator(f"#target-{target.id}").check()
    page.get_by_role("button", name="Conclure…").click()
    dialog = page.locator("#conclude-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("3 clients en cours seront conclus")
    dialog.get_by_label("Conclusion", exact=True).select_option(label="Refus (échec)")
    dialog.get_by_role("button", name="Continuer").click()
    expect(dialog.locator("#conclude-summary")).to_contain_text("Refus")
    axe_check(page, "bulk conclusion confirmation")
    shoot(page, "bulk-confirm")
    dialog.get_by_role("button", name="Confirmer : conclure 3 clients").click()
    expect(page.get_by_role("alert").filter(has_text="3 clients conclus")).to_be_visible()

    page.get_by_role("link", name="Bilan – Synthèse").click()
    refused = page.locator("a.drill[href*='figure=refused']").first
    expect(refused).to_have_text("3")
    expect(page.locator("a.drill[href*='figure=in_progress']").first).to_have_text("2")
    shoot(page, "synthese-after-bulk")
    refused.click()
    expect(page.locator("#gestion-total")).to_have_text("3 clients")
    rows = page.locator("#gestion-table tbody a.row-link")
    expect(rows).to_have_text(names)


def test_concluded_lines_pass_contrast_with_a_word(tablet_page, org, campaign,  # noqa: F811
                                                   log_in, axe_check):
    """#13.14, seed 004 (« en police verte … ou bien en police rouge »): Gestion and the
    client file's operations with concluded rows, green and red, pass axe (contrast
    4.5:1) and say « Succès » / « Échec » beside the colour."""
    from tests.fixtures.operations import conclude

    page = tablet_page
    operation, targets = campaign(3, name="Épargne retraite T5")
    conclude(targets[0], "Signature", "1000")
    conclude(targets[1], "Refus")
    log_in(page, "manager")
    page.goto(f"/supervision/gestion?operation={operation.id}")
    expect(page.locator("tr.line-success")).to_have_count(1)
    expect(page.locator("tr.line-failure")).to_have_count(1)
    axe_check(page, "gestion with concluded lines")
    for target, word in ((targets[0], "Succès"), (targets[1], "Échec")):
        page.goto(f"/clients/{target.client_id}")
        section = page.locator("#client-operations")
        expect(section.locator(".list-group-item")).to_contain_text(word)
        axe_check(page, f"client file operations ({word})")
