"""Home alerts and the scheduled reminders."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.notifications import reminders
from webapp.notifications.alerts import notify
from webapp.notifications.models import Alert, OutboxMessage
from webapp.notifications.outbox import queue_mail
from webapp.notifications.reminders import AlertLine, Due, Mail


def test_alert_badge_list_and_open(org, login):
    marc = org["advisor"]
    first = notify(marc.id, "test", "Opération « Épargne » démarrée : 3 clients à contacter",
                   url="/clients/")
    notify(marc.id, "test", "Deuxième alerte")
    db.session.commit()
    http = login(marc)
    badge = http.get("/alerts/badge", headers={"HX-Request": "true"})
    assert ">2<" in badge.text and "alertes non lues" in badge.text
    box = http.get("/alerts/", headers={"HX-Request": "true"})
    assert "<html" not in box.text and "Épargne" in box.text
    assert http.get("/alerts/").text.count("<html") == 1
    opened = http.get(f"/alerts/{first.id}")
    assert opened.status_code == 302 and opened.location == "/clients/"
    db.session.refresh(first)
    assert first.read_at is not None
    assert ">1<" in http.get("/alerts/badge").text


@pytest.mark.parametrize("url", ["//evil.example/x", "/\tevil", "https://evil.example/"])
def test_an_alert_never_leads_off_site(org, login, url):
    alert = notify(org["advisor"].id, "test", "Lien étrange", url=url)
    db.session.commit()
    opened = login(org["advisor"]).get(f"/alerts/{alert.id}")
    assert opened.status_code == 302 and opened.location == "/alerts/"


def test_someone_elses_alert_is_404(org, login):
    alert = notify(org["other_advisor"].id, "test", "Pour Léa")
    db.session.commit()
    assert login(org["advisor"]).get(f"/alerts/{alert.id}").status_code == 404
    assert "Pour Léa" not in login(org["advisor"]).get("/alerts/").text


def test_alert_never_redirects_off_site(org, login):
    alert = notify(org["advisor"].id, "test", "Lien", url="https://evil.example/")
    db.session.commit()
    assert login(org["advisor"]).get(f"/alerts/{alert.id}").location == "/alerts/"


def test_no_badge_when_all_read(org, login):
    assert login(org["advisor"]).get("/alerts/badge").text.strip() == ""


@pytest.fixture
def test_kind(org, monkeypatch):
    """A reminder kind registered the way a module registers its own."""
    monkeypatch.setattr(reminders, "KINDS", {})
    marc = org["advisor"]

    @reminders.reminder("test-due")
    def due(now):
        yield Due(key="item-1", mail=Mail(to=(marc.email,), template="test",
                                          context={"user": marc}),
                  alerts=(AlertLine(marc.id, "Rappel : rappeler Anne Roux", "/clients/"),))

    return due


def test_reminders_run_is_idempotent(app, runner, test_kind, org):
    for _ in range(2):
        result = runner.invoke(args=["reminders", "run"])
        assert result.exit_code == 0, result.output
    assert "test-due : 0 nouveau(x)" in result.output
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1
    [alert] = db.session.scalars(select(Alert)).all()
    assert alert.dedup_key == f"test-due:item-1:{org['advisor'].id}"


def test_reminders_run_counts(app, test_kind):
    assert reminders.run(datetime.now(UTC)) == {"test-due": 1}
    assert reminders.run(datetime.now(UTC)) == {"test-due": 0}


def test_home_loads_the_alerts_box(org, login):
    page = login(org["advisor"]).get("/")
    assert 'hx-get="/alerts/"' in page.text and 'hx-get="/alerts/badge"' in page.text


@pytest.mark.parametrize(("stored", "shown"), [
    (datetime(2026, 12, 3, 12, 49, tzinfo=UTC), "03/12/2026 13:49"),  # winter: UTC+1
    (datetime(2026, 7, 1, 22, 30, tzinfo=UTC), "02/07/2026 00:30"),  # summer: UTC+2
])
def test_alert_and_outbox_times_are_paris_times(org, login, stored, shown):
    """Issue 13.1: instants are stored in UTC and shown in Europe/Paris, on both engines."""
    alert = notify(org["admin"].id, "test", "Heure de Paris", url="/")
    alert.created_at = stored
    message = queue_mail("test", org["admin"].email, "test", user=org["admin"])
    message.created_at = message.sent_at = stored
    db.session.commit()
    http = login(org["admin"])
    assert shown in http.get("/alerts/").text
    assert http.get("/admin/outbox").text.count(shown) >= 1
