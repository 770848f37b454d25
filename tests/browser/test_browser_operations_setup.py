"""Setting up an operation on a tablet: a manager creates it with its first (sale) step,
adds a task step with a mandatory action, splits the objective over two advisors."""

from datetime import timedelta

import pytest
from pilote_pages import go_nav, htmx_settled
from playwright.sync_api import expect

from webapp import clock
from webapp.auth.models import Role
from webapp.extensions import db

pytestmark = pytest.mark.browser


def test_manager_sets_up_an_operation(tablet_page, live_server, org, make_user, log_in, shoot,
                                      axe_check):
    page = tablet_page
    org["manager"].manage_operations = True
    make_user(Role.ADVISOR, team=org["lyon"], name="Julie Blanc")  # commits
    db.session.commit()
    start = clock.today() + timedelta(days=7)

    log_in(page, "manager")
    page.wait_for_load_state()
    go_nav(page, "Opérations")
    expect(page.get_by_role("heading", level=1)).to_have_text("Opérations commerciales")
    axe_check(page, "operations list (empty)")
    page.get_by_role("link", name="Nouvelle opération").tap()

    # The operation and its first step, which becomes the sale step.
    form = page.locator("#operation-form")
    form.get_by_label("Nom", exact=True).fill("Épargne retraite 2026")
    form.get_by_label("Objectif (€)").fill("100 000")
    form.get_by_label("Date de début").fill(start.isoformat())
    form.get_by_label("Date de fin").fill((start + timedelta(days=60)).isoformat())
    form.get_by_label("Nom de la première étape").fill("Appel de prise de contact")
    shoot(page, "new-operation")
    axe_check(page, "new operation form")
    form.get_by_role("button", name="Créer l'opération").tap()

    expect(page.get_by_role("alert").first).to_contain_text("Opération créée")
    steps = page.locator("#steps-panel")
    expect(steps.locator("li")).to_have_count(1)
    expect(steps).to_contain_text("Étape de vente")
    axe_check(page, "operation edit page")

    # A second step, a task with a mandatory action, in the step dialog.
    steps.get_by_role("button", name="Ajouter une étape").tap()
    dialog = page.locator("#step-dialog")
    dialog.get_by_label("Nom de l'étape").fill("Constitution du dossier")
    dialog.get_by_label("Type", exact=True).select_option(label="Tâche")
    axe_check(page, "step dialog")
    dialog.get_by_role("button", name="Enregistrer l'étape").tap()
    expect(dialog.get_by_role("status")).to_contain_text("Étape enregistrée")
    dialog.get_by_label("Nouvelle action").fill("Photocopier la pièce d'identité")
    dialog.get_by_label("Obligatoire", exact=True).check()
    dialog.get_by_role("button", name="Ajouter l'action").tap()
    actions = dialog.locator("#step-actions li")
    expect(actions).to_have_count(1)
    expect(actions).to_contain_text("Photocopier la pièce d'identité")
    expect(actions).to_contain_text("Obligatoire")
    shoot(page, "step-dialog")
    dialog.get_by_role("button", name="Fermer").first.tap()
    expect(dialog).to_be_hidden()
    expect(steps.locator("li")).to_have_count(2)
    expect(steps.locator("li").nth(1)).to_contain_text("1 action dont 1 obligatoire")

    # The objective split over two advisors: the server recomputes « Reste à répartir ».
    page.get_by_role("button", name="Répartir sur les conseillers…").tap()
    shares = page.locator("#shares-dialog")
    remaining = shares.locator("#shares-remaining")
    expect(remaining).to_contain_text("100 000")
    add = shares.get_by_role("form", name="Ajouter un conseiller")
    add.get_by_label("Conseiller").select_option(label="Marc Petit")
    add.get_by_label("Montant (€)").fill("30000")
    add.get_by_role("button", name="Ajouter").tap()
    expect(remaining).to_contain_text("70 000")
    htmx_settled(page)
    add = shares.get_by_role("form", name="Ajouter un conseiller")
    add.get_by_label("Conseiller").select_option(label="Julie Blanc")
    add.get_by_label("Part (%)").fill("50")
    add.get_by_role("button", name="Ajouter").tap()
    expect(remaining).to_contain_text("20 000")
    htmx_settled(page)
    # Changing a share in place updates the remainder too.
    marc = shares.get_by_role("form", name="Objectif de Marc Petit")
    marc.get_by_label("Montant (€)").fill("40000")
    marc.get_by_label("Montant (€)").press("Tab")
    expect(remaining).to_contain_text("10 000")
    shoot(page, "shares-dialog")
    axe_check(page, "shares dialog")
    shares.get_by_role("button", name="Fermer").first.tap()
    expect(page.locator("#shares-summary")).to_contain_text("10 000")

    # The form, saved after all that, is not taken for a conflict.
    page.locator("#operation-form").get_by_role("button", name="Enregistrer").tap()
    expect(page.get_by_role("alert").first).to_contain_text("Opération enregistrée")
    page.wait_for_load_state()  # the stylesheet too: it decides whether the menu is folded
    go_nav(page, "Opérations")
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("Épargne retraite 2026")
    expect(row).to_contain_text("Non démarrée")
    shoot(page, "operations-list")
    axe_check(page, "operations list")


@pytest.mark.parametrize("tablet", ["portrait-768x1024"], indirect=True)
def test_operations_reordered_with_the_keyboard(tablet_page, org, make_operation, log_in,
                                                axe_check):
    """The ↑ / ↓ buttons: the keyboard's way to do what dragging does; the order is kept."""
    from sqlalchemy import select

    from webapp.operations.models import Operation

    page = tablet_page
    org["manager"].manage_operations = True
    db.session.commit()
    first = make_operation(org["manager"], name="Épargne retraite", position=1)
    second = make_operation(org["manager"], name="Prévoyance TNS", position=2)
    log_in(page, "manager")
    page.goto("/operations/")
    down = page.get_by_role("button", name="Descendre « Épargne retraite »")
    down.focus()
    with page.expect_response(lambda r: r.url.endswith("/operations/reorder")) as posted:
        page.keyboard.press("Enter")
    assert posted.value.status == 204
    expect(page.locator("tbody tr").first).to_contain_text("Prévoyance TNS")
    expect(down).to_be_focused()
    axe_check(page, "operations list, reordered")
    page.reload()
    expect(page.locator("tbody tr").first).to_contain_text("Prévoyance TNS")
    db.session.expire_all()
    order = db.session.scalars(select(Operation.id).order_by(Operation.position)).all()
    assert order == [second.id, first.id]
