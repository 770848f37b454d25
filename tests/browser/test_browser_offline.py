"""The offline visit mode on a tablet (issue #20): prepare two clients, lose the network,
reload the follow-up from the cache, record a step with its mandatory action and conclude,
get the network back: the records land once (replayed twice on purpose: still once); a
manager's change made meanwhile turns a queued change into « À revoir » with both values;
logout clears the cache."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from webapp import clock
from webapp.clients.models import Client
from webapp.extensions import db
from webapp.operations.models import ConclusionKind, StepRecord, Target
from webapp.operations.timeline.services import ConclusionInput, conclude

pytestmark = pytest.mark.browser

QUEUE = "() => PiloteQueue.all()"
REQUEUE = """async (items) => {
  for (const item of items) { await PiloteQueue.add(Object.assign({}, item)); }
  return PiloteQueue.replay();
}"""
QUEUE_SIZE = """() => new Promise((resolve) => {
  const open = indexedDB.open("pilote-offline-queue");
  open.onsuccess = () => {
    const base = open.result;
    if (!base.objectStoreNames.contains("items")) { base.close(); resolve(0); return; }
    const count = base.transaction("items").objectStore("items").count();
    count.onsuccess = () => { base.close(); resolve(count.result); };
  };
})"""
CACHES = "async () => (await caches.keys()).filter(n => n.startsWith('pilote-visits'))"


@pytest.fixture
def visits(live_server, org, make_operation, make_target):
    """Anne Roux and Paul Rousseau (Marc's clients) in the default four-step operation."""
    operation = make_operation(org["manager"])
    targets = {}
    for name in ("Anne Roux", "Paul Rousseau"):
        client = db.session.get(Client, live_server.clients[name])
        targets[name] = make_target(operation, client).id
    db.session.commit()  # end the read transaction: the server threads write
    return targets


def banner(page):
    return page.locator("#offline-banner-text")


def settled_replay(page, before: int) -> None:
    """Wait for the replay that follows the network's return."""
    page.wait_for_function(
        "(n) => Number(document.getElementById('offline-status').dataset.replayed || 0) > n",
        arg=before)


def replays(page) -> int:
    return page.evaluate(
        "() => Number(document.getElementById('offline-status').dataset.replayed || 0)")


@pytest.mark.parametrize("tablet", ["portrait-768x1024", "landscape-1024x768"], indirect=True)
def test_offline_visit_journey(tablet_page, live_server, visits, org, log_in, shoot,
                               axe_check):
    page, context = tablet_page, tablet_page.context
    anne, paul = visits["Anne Roux"], visits["Paul Rousseau"]
    log_in(page, "advisor")

    # Prepare the day: both clients proposed, both chosen, their pages cached.
    page.goto("/visits/")
    expect(page.locator("#proposals")).to_contain_text("Épargne retraite T1 — à contacter")
    page.get_by_label("Anne Roux").check()
    page.get_by_label("Paul Rousseau").check()
    page.get_by_role("button", name="Préparer pour le hors-ligne").tap()
    sync = page.locator("#offline-sync[data-state=ready]")
    expect(sync).to_contain_text("2 clients disponibles hors ligne")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    shoot(page, "prepared")
    axe_check(page, "prepare")
    page.goto(f"/clients/{live_server.clients['Anne Roux']}")
    expect(page.locator(".offline-badge")).to_have_text("disponible hors ligne")

    # A page visited online is not kept: only the prepared ones are.
    page.goto(f"/clients/{live_server.clients['Julie Morel']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Julie Morel")

    # Offline: the follow-up reloads from the cache, with the banner.
    page.goto(f"/operations/targets/{anne}")
    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anne Roux")
    expect(banner(page)).to_have_text("Hors ligne — 0 modification en attente")

    # A page not prepared says so instead of a browser error.
    page.goto(f"/clients/{live_server.clients['Julie Morel']}")
    expect(page.locator("#offline-page-message")).to_contain_text("n'a pas été préparée")
    page.goto(f"/operations/targets/{anne}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anne Roux")

    # A step with its mandatory action, then the conclusion: both wait, marked.
    page.get_by_role("button", name="Ajouter", exact=True).tap()
    form = page.locator("#record-form")
    form.get_by_label("Vérifier la fiche client").check()
    form.get_by_label("Statut").select_option(label="Terminée")
    form.get_by_label("Notes").fill("Vu chez lui, sans réseau.")
    form.get_by_role("button", name="Enregistrer").tap()
    expect(page.locator("#record-panel .offline-pending-mark")).to_contain_text("en attente")
    expect(banner(page)).to_have_text("Hors ligne — 1 modification en attente")
    success = db.session.scalar(select(ConclusionKind).where(ConclusionKind.positive.is_(True)))
    conclude_as(page, f"{success.name} (succès)", "12 000")
    expect(banner(page)).to_have_text("Hors ligne — 2 modifications en attente")
    expect(page.locator("#offline-pending .offline-pending-item")).to_have_count(2)
    shoot(page, "offline-pending")
    axe_check(page, "offline pending")
    queued = page.evaluate(QUEUE)
    assert [i["label"] for i in queued] == [
        "1. Appel de prise de contact (Tâche)", "Conclusion"]
    page.reload()  # still offline: the cached page lists what waits
    expect(page.locator("#offline-pending .offline-pending-item")).to_have_count(2)
    expect(page.locator("#offline-pending")).to_contain_text("Vu chez lui, sans réseau.")

    # Back online: replayed in order, once.
    before = replays(page)
    context.set_offline(False)
    settled_replay(page, before)
    expect(banner(page)).to_have_text("2 modifications envoyées.")
    expect(page.locator("#offline-pending")).to_be_hidden()
    db.session.rollback()
    records = select(func.count(StepRecord.id)).where(StepRecord.target_id == anne)
    assert db.session.scalar(records) == 1
    target = db.session.get(Target, anne)
    assert (target.concluded, target.success) == (True, True)

    # Replayed twice on purpose (same keys): the server changes nothing.
    result = page.evaluate(REQUEUE, queued)
    assert result["sent"] == 2 and result["review"] == 0
    db.session.rollback()
    assert db.session.scalar(records) == 1
    assert db.session.scalar(select(func.count(Target.id)).where(
        Target.id == anne, Target.concluded.is_(True))) == 1

    # Paul: concluded offline while the manager concludes him otherwise meanwhile.
    page.goto(f"/operations/targets/{paul}")
    context.set_offline(True)
    page.reload()
    conclude_as(page, f"{success.name} (succès)", "8 000")
    expect(banner(page)).to_have_text("Hors ligne — 1 modification en attente")
    failure = db.session.scalar(select(ConclusionKind).where(ConclusionKind.positive.is_(False)))
    conclude(db.session.get(Target, paul), ConclusionInput(failure, clock.today(), None))
    db.session.commit()

    before = replays(page)
    context.set_offline(False)
    settled_replay(page, before)
    expect(page.locator(".offline-mark-state")).to_have_text("à revoir")
    review_link = page.locator("#offline-review-link")
    expect(review_link).to_have_text("À revoir (1)")
    review_link.tap()
    item = page.locator(".review-item")
    expect(item).to_have_count(1)
    expect(item.locator(".review-message")).to_contain_text("modifié par quelqu'un d'autre")
    expect(item.locator(".review-typed")).to_contain_text(success.name)
    expect(item.locator(".review-typed")).to_contain_text("8 000")
    expect(item.locator(".review-current")).to_contain_text(f"Terminé : {failure.name}")
    expect(item.locator(".review-current")).to_contain_text("échec")
    shoot(page, "review")
    axe_check(page, "review")
    db.session.rollback()
    assert db.session.get(Target, paul).success is False  # the manager's stays

    # « Abandonner » asks first; logout warns of the change not sent, then clears all.
    item.get_by_role("button", name="Abandonner").tap()
    expect(item.get_by_role("button", name="Confirmer l'abandon")).to_be_visible()
    assert page.evaluate(CACHES) == [f"pilote-visits-u{org['advisor'].id}"]
    log_out(page)
    expect(banner(page)).to_contain_text("1 modification non envoyée sera perdue")
    log_out(page)
    page.wait_for_url("**/login**")
    assert page.evaluate(CACHES) == []
    assert page.evaluate(QUEUE_SIZE) == 0


def conclude_as(page, kind: str, amount: str) -> None:
    conclusion = page.locator("#conclusion-form")
    conclusion.get_by_label("Conclusion", exact=True).select_option(label=kind)
    conclusion.get_by_label("Montant collecté").fill(amount)
    conclusion.get_by_role("button", name="Terminer l'opération pour ce client").tap()


def log_out(page) -> None:
    toggler = page.get_by_role("button", name="Ouvrir le menu")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.tap()
    menu = page.get_by_role("button", name="Marc Petit")
    if menu.get_attribute("aria-expanded") != "true":
        menu.tap()
    page.get_by_role("button", name="Se déconnecter").tap()
