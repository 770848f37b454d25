"""« Requêtes » on a tablet: build a client query from criteria, save it, add its 300
clients to an operation after the preview, export the result."""

import csv
import io

import pytest
from pilote_pages import TOUCH_TARGETS_JS, UNLABELLED_JS, go_nav, htmx_settled
from playwright.sync_api import expect
from sqlalchemy import func, insert, select

from webapp.clients.models import Client
from webapp.clients.services import ClientInput, client_row
from webapp.extensions import db
from webapp.operations.models import Target

pytestmark = pytest.mark.browser


def _villefranche(advisor_id: int, count: int = 300) -> None:
    """``count`` clients of Marc's in Villefranche-sur-Saône (69400), as the demo inserts."""
    db.session.execute(insert(Client), [
        {**client_row(ClientInput(first_name=f"Client{i:03d}", last_name="Beaujolais",
                                  postal_code="69400", city="Villefranche-sur-Saône")),
         "advisor_id": advisor_id} for i in range(count)])
    db.session.commit()


def test_build_save_add_to_an_operation_and_export(tablet_page, live_server, org,
                                                   make_operation, log_in, shoot,
                                                   axe_check):
    page = tablet_page
    operation = make_operation(org["manager"], name="Épargne retraite 2026")
    _villefranche(org["advisor"].id)
    db.session.commit()

    log_in(page, "manager")
    page.wait_for_load_state("load")
    go_nav(page, "Clients")
    page.wait_for_load_state("load")
    # Two criteria: the city typed without accents, and the département (the count is
    # capped as the search's; the actions count exactly).
    page.locator("#criteria summary").tap()
    page.get_by_label("Ville").fill("villefranche sur saone")
    page.get_by_label("Département").fill("69")
    page.get_by_role("button", name="Rechercher").tap()
    expect(page.locator("#result-count")).to_have_text("Plus de 200 clients")
    page.wait_for_url("**/clients/?department=69&city=villefranche+sur+saone&page=1")
    htmx_settled(page)
    shoot(page, "query-built")
    axe_check(page, "query built")
    assert page.evaluate(UNLABELLED_JS, page.locator("main").element_handle()) == {
        "unnamed": [], "duplicated": []}
    assert page.evaluate(TOUCH_TARGETS_JS, 44) == []

    # Save it, shared with the team; « Mes requêtes » lists it and runs it live.
    page.get_by_label("Enregistrer cette requête sous le nom").fill("Villefranche")
    page.get_by_label("Partagée avec mon équipe").check()
    page.get_by_role("button", name="Enregistrer", exact=True).tap()
    expect(page.locator("#saved-query")).to_contain_text("Requête « Villefranche »")
    page.wait_for_load_state("load")  # the menu's styles applied: the toggler settled
    go_nav(page, "Mes requêtes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes requêtes")
    axe_check(page, "saved queries")
    page.get_by_role("link", name="Lancer").tap()
    expect(page.locator("#result-count")).to_have_text("Plus de 200 clients")

    # Add the whole result to the operation: a preview counts, then the confirmation.
    page.get_by_role("button", name="Ajouter à une opération…").tap()
    expect(page.locator("#action-scope")).to_contain_text("300 clients")
    page.get_by_label("Opération", exact=True).select_option(label="Épargne retraite 2026")
    page.get_by_label("Potentiel (€) pour chaque client").fill("10 000")
    page.get_by_role("button", name="Voir l'aperçu").tap()
    expect(page.locator("#preview-count")).to_have_text("300 clients seront ajoutés.")
    shoot(page, "add-preview")
    axe_check(page, "add preview")
    assert page.evaluate(TOUCH_TARGETS_JS, 44) == []
    page.get_by_role("button", name="Confirmer l'ajout de 300 clients").tap()
    expect(page.get_by_role("alert").first).to_contain_text(
        "300 client(s) ajouté(s) à l'opération « Épargne retraite 2026 »")
    assert db.session.scalar(select(func.count(Target.id)).where(
        Target.operation_id == operation.id)) == 300

    # Export the saved query's result.
    page.wait_for_load_state("load")  # the menu's styles applied: the toggler settled
    go_nav(page, "Mes requêtes")
    page.get_by_role("link", name="Lancer").tap()
    expect(page.locator("#result-count")).to_have_text("Plus de 200 clients")
    with page.expect_download(timeout=30_000) as download:  # streamed: generous
        page.get_by_role("button", name="Exporter (CSV)").tap()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 301 and rows[1][:2] == ["Beaujolais", "Client000"]
    assert rows[1][5] == "Villefranche-sur-Saône"
    shoot(page, "exported")
