"""The pipeline's settings on a tablet (1024×768 and 768×1024): an admin reaches them from the
Administration menu, reorders the stages with the keyboard's ↑ / ↓ buttons (an order
putting a lost stage first is refused and undone), renames one, adds one, and finds the
board's columns in that order."""

import pytest
from pilote_pages import go_nav
from playwright.sync_api import expect

from webapp.clients.models import Client
from webapp.extensions import db
from webapp.opportunities.models import Stage

pytestmark = pytest.mark.browser


def _stage_names() -> list[str]:
    db.session.expire_all()
    return db.session.scalars(db.select(Stage.name).order_by(Stage.position)).all()


def test_admin_reorders_renames_and_adds_stages(tablet_page, live_server, make_opportunity,
                                                 log_in, shoot, axe_check):
    page = tablet_page
    anne = db.session.get(Client, live_server.clients["Anne Roux"])
    make_opportunity(anne, stage="Contacté")
    db.session.commit()  # end the read transaction: the server threads write
    log_in(page, "admin")
    page.wait_for_load_state()
    go_nav(page, "Pipeline")
    expect(page.get_by_role("heading", level=1)).to_have_text("Réglages du pipeline")
    rows = page.locator("#stages-panel tbody tr")
    expect(rows).to_have_count(13)
    expect(rows.nth(2)).to_contain_text("Contacté")
    expect(page.get_by_text("La première étape reçoit les nouvelles opportunités.")
           ).to_be_visible()
    shoot(page, "stages")
    axe_check(page, "stages")

    # « Contacté » goes up twice with the keyboard: it becomes the first stage.
    up = page.get_by_role("button", name="Monter « Contacté »", exact=True)
    up.focus()
    for _ in range(2):
        with page.expect_response(lambda r: r.url.endswith("/settings/stages/reorder")) as posted:
            page.keyboard.press("Enter")
        assert posted.value.status == 204
        expect(up).to_be_focused()
    expect(rows.first).to_contain_text("Contacté")
    assert _stage_names()[:3] == ["Contacté", "En traitement", "Réponse envoyée"]

    # « Perdu BDC » cannot become first: the order comes back, with the reason.
    lost_up = page.get_by_role("button", name="Monter « Perdu BDC »", exact=True)
    lost_up.focus()
    for status in (204, 204, 422):
        with page.expect_response(lambda r: r.url.endswith("/settings/stages/reorder")) as posted:
            page.keyboard.press("Enter")
        assert posted.value.status == status
        if status == 204:
            expect(lost_up).to_be_focused()
    alert = page.locator("#stages-panel").get_by_role("alert")
    expect(alert).to_contain_text("La première étape reçoit les nouvelles opportunités")
    expect(rows.first).to_contain_text("Contacté")
    expect(rows.nth(1)).to_contain_text("Perdu BDC")
    shoot(page, "reorder-refused")
    axe_check(page, "stages, reorder refused")
    down = page.get_by_role("button", name="Descendre « Perdu BDC »", exact=True)
    down.focus()
    for _ in range(2):
        with page.expect_response(lambda r: r.url.endswith("/settings/stages/reorder")) as posted:
            page.keyboard.press("Enter")
        assert posted.value.status == 204
    expect(rows.nth(3)).to_contain_text("Perdu BDC")
    assert _stage_names()[:4] == ["Contacté", "En traitement", "Réponse envoyée", "Perdu BDC"]

    # Rename « Réponse envoyée ».
    page.get_by_role("link", name="Réponse envoyée", exact=True).tap()
    expect(page.get_by_role("heading", level=2).first).to_have_text(
        "Modifier l'étape « Réponse envoyée »")
    page.get_by_label("Nom", exact=True).fill("Réponse au client")
    axe_check(page, "stage form")
    page.get_by_role("button", name="Enregistrer").tap()
    expect(page.get_by_role("alert").first).to_contain_text(
        "Étape « Réponse au client » enregistrée.")

    # Add a lost stage: without its reason it is refused, nothing typed is lost.
    page.get_by_role("link", name="Ajouter une étape").tap()
    page.get_by_label("Nom", exact=True).fill("Perdu au téléphone")
    page.get_by_label("Description").fill("Le client a raccroché")
    page.locator("label[for=nature-2]").tap()  # « Perdue »
    page.get_by_role("button", name="Ajouter l'étape").tap()
    expect(page.get_by_text("Une étape perdue exige la « Raison de la perte »")).to_be_visible()
    expect(page.get_by_label("Nom", exact=True)).to_have_value("Perdu au téléphone")
    expect(page.get_by_label("Perdue")).to_be_checked()
    shoot(page, "new-stage-refused")
    axe_check(page, "new stage form with errors")
    page.get_by_label("Raison de la perte").check()
    page.get_by_role("button", name="Ajouter l'étape").tap()
    expect(page.get_by_role("alert").first).to_contain_text(
        "Étape « Perdu au téléphone » ajoutée, en dernière position.")
    expect(rows.last).to_contain_text("Perdu au téléphone")
    expect(rows.last).to_contain_text("Perdue")

    # The board shows the columns in that order, renamed and added.
    page.get_by_role("link", name="Voir le tableau des opportunités").tap()
    columns = page.locator(".kanban-column h2")
    expect(columns).to_have_count(14)
    expect(columns.nth(0)).to_have_text("Contacté")
    expect(columns.nth(1)).to_have_text("En traitement")
    expect(columns.nth(2)).to_have_text("Réponse au client")
    expect(columns.last).to_have_text("Perdu au téléphone")
    assert [c.strip() for c in columns.all_inner_texts()] == _stage_names()
    shoot(page, "board")

    # The other tabs: the types and the lost reasons.
    page.get_by_role("link", name="Réglages du pipeline").tap()
    page.get_by_role("link", name="Raisons de perte").tap()
    expect(page.get_by_role("heading", level=2).first).to_have_text("Raisons de perte")
    page.get_by_label("Nom").fill("Client injoignable")
    page.get_by_role("button", name="Ajouter", exact=True).tap()
    expect(page.locator("tbody tr").last).to_contain_text("Client injoignable")
    shoot(page, "lost-reasons")
    axe_check(page, "lost reasons")
