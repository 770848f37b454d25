"""Alerts on the home page and the outbox page, as people use them on a tablet."""

import re

import pytest
from playwright.sync_api import expect

from webapp.extensions import db
from webapp.notifications.alerts import notify

pytestmark = pytest.mark.browser


def test_alert_badge_box_and_open(tablet_page, live_server, log_in, shoot, axe_check):
    page = tablet_page
    marc = live_server.users["advisor"]
    anne = live_server.clients["Anne Roux"]
    notify(marc["id"], "test", "Opération « Épargne retraite » démarrée : Anne Roux à contacter",
           url=f"/clients/{anne}")
    db.session.commit()

    log_in(page, "advisor")
    box = page.locator("#box-alerts")
    alert_link = box.get_by_role("link", name="Opération « Épargne retraite » démarrée")
    expect(alert_link).to_be_visible()  # loaded by htmx after the page
    badge = page.locator("nav .badge")
    expect(badge).to_contain_text("1")
    shoot(page, "home-with-alert")
    axe_check(page, "home with an alert")

    alert_link.tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Anne Roux")
    expect(page.locator("nav .badge")).to_have_count(0)
    page.goto("/alerts/")
    expect(page.get_by_role("link", name="Opération « Épargne retraite » démarrée")
           ).not_to_have_class(re.compile(r"\bfw-semibold\b"))  # read: no longer bold
    axe_check(page, "alerts page")


@pytest.mark.parametrize("tablet", ["landscape-1024x768"], indirect=True)
def test_admin_queues_a_test_mail(tablet_page, log_in, shoot, axe_check):
    page = tablet_page
    log_in(page, "admin")
    page.goto("/admin/outbox")
    page.get_by_role("button", name="M'envoyer un e-mail de test").tap()
    expect(page.get_by_role("alert")).to_contain_text("E-mail de test mis en file")
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("Pilote — e-mail de test")
    expect(row).to_contain_text("En attente")
    shoot(page, "outbox")
    axe_check(page, "outbox")
