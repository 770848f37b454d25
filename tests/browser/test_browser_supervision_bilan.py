"""The Bilan tabs on a tablet: the manager reads the Synthèse's charts (and their tables),
chooses a step to see its rates, then unfolds Bilan – Détail from his agency to a client."""

from decimal import Decimal

import pytest
from pilote_pages import mark_document, same_document
from playwright.sync_api import expect
from sqlalchemy import select

from webapp.extensions import db
from webapp.operations.models import ConclusionKind, StepRecord

pytestmark = pytest.mark.browser
PLOTLY_LOAD = 20_000  # plotly.min.js is 4.8 MB: parsing it headless takes seconds


def _operation(org, live_server, make_operation, make_target):
    """An operation of the Lyon manager's, running today, with Marc's four clients: all
    called, three met, one signed (30 000 €) after the meeting."""
    from webapp.clients.models import Client

    operation = make_operation(org["manager"], name="Épargne retraite 2026", objective="120000")
    clients = db.session.scalars(select(Client).where(Client.id.in_(
        [live_server.clients[name] for name in ("Anne Roux", "Paul Rousseau", "Julie Morel",
                                                "Hugo Lefèvre")]))).all()
    targets = [make_target(operation, client, potential="40000") for client in clients]
    call, meeting = operation.steps[0], operation.steps[1]
    for i, target in enumerate(targets):
        db.session.add(StepRecord(target_id=target.id, step_id=call.id, status="done"))
        if i < 3:
            db.session.add(StepRecord(target_id=target.id, step_id=meeting.id, status="done"))
    signed = db.session.scalar(select(ConclusionKind).where(ConclusionKind.name == "Signature"))
    targets[0].concluded, targets[0].success = True, True
    targets[0].conclusion_kind, targets[0].amount = signed, Decimal("30000")
    db.session.commit()
    return operation


def test_manager_reads_synthese_then_unfolds_detail(tablet_page, live_server, org,
                                                    make_operation, make_target, log_in,
                                                    shoot, axe_check):
    page = tablet_page
    operation = _operation(org, live_server, make_operation, make_target)
    log_in(page, "manager")
    page.goto(f"/supervision/synthese?operation={operation.id}")
    expect(page.get_by_role("link", name="Bilan – Synthèse")).to_have_attribute(
        "aria-current", "page")

    # Every chart drawn by plotly (an SVG), each beside its table.
    for name in ("objective", "progress", "clients", "transformation", "equipment", "step-1"):
        expect(page.locator(f'[data-chart="chart-{name}"] svg.main-svg').first).to_be_attached(
            timeout=PLOTLY_LOAD)
    counts = page.locator("#synthese-counts")
    expect(counts).to_be_visible()
    expect(counts.get_by_role("row", name="Ont accepté")).to_contain_text("25,00 %")
    expect(page.locator("#synthese-equipment")).to_contain_text("25,00 %")
    expect(page.locator("#synthese-transformation")).to_contain_text("100,00 %")
    box = page.locator('[data-chart="chart-objective"]').bounding_box()
    assert box["width"] > 250 and box["x"] + box["width"] <= page.viewport_size["width"]
    shoot(page, "synthese")
    axe_check(page, "synthese")

    # The meeting step: 3 of the 4 concerned completed it; 1 of those 3 left (signed),
    # the other 2 wait for the next step.
    mark_document(page)
    page.get_by_role("link", name="Taux de l'étape Rendez-vous de présentation").tap()
    rates = page.locator("#step-rates")
    expect(rates.get_by_role("heading")).to_have_text(
        "Étape 2 : Rendez-vous de présentation")
    expect(rates.get_by_role("row", name="Taux d'avancement")).to_contain_text("75,00 %")
    expect(rates.get_by_role("row", name="Taux de passage à l'étape suivante")).to_contain_text(
        "66,67 %")
    expect(page.locator('[data-chart="chart-step-2"] svg.main-svg').first).to_be_attached()
    expect(page.get_by_role("link", name="Taux de l'étape Rendez-vous de présentation")
           ).to_have_attribute("aria-current", "true")
    assert same_document(page)
    page.keyboard.press("Tab")  # focus stays in the steps table, keyboard goes on from it
    shoot(page, "synthese-step-2")

    # Bilan – Détail: the manager's agency, then Marc, then Marc's clients with their step.
    page.get_by_role("link", name="Bilan – Détail").tap()
    table = page.locator("#bilan-table")
    lyon = table.get_by_role("button", name="Agence Lyon")
    expect(lyon).to_have_attribute("aria-expanded", "false")
    axe_check(page, "detail")
    lyon.tap()
    expect(lyon).to_have_attribute("aria-expanded", "true")
    marc = table.get_by_role("button", name="Marc Petit")
    expect(marc).to_be_visible()
    marc.tap()
    clients = table.locator("tr[id$='--clients'] table")
    expect(clients.get_by_role("row")).to_have_count(5)
    expect(clients.get_by_role("row", name="Roux Anne")).to_contain_text("Signature")
    expect(clients.get_by_role("row", name="Lefèvre Hugo")).to_contain_text("En cours")
    shoot(page, "detail-unfolded")
    axe_check(page, "detail unfolded")
    # Folding the agency takes its advisors and their clients away.
    lyon.tap()
    expect(table.get_by_role("button", name="Marc Petit")).to_have_count(0)
    expect(clients).to_have_count(0)
