"""The client's activity feed: every registered kind in one list, newest first,
filtered by kind, paginated, with links; on the client file (htmx panel)."""

from datetime import UTC, datetime, timedelta

import pytest

from webapp.activities import feed
from webapp.activities.appointments.services import AppointmentInput, book_appointment
from webapp.activities.tasks.models import Task
from webapp.extensions import db

NOW = datetime.now(UTC)


@pytest.fixture
def anne(org, make_client):
    return make_client(advisor=org["advisor"], email="anne.roux@example.com")


def test_the_registered_kinds(app):
    assert {"task", "rejet", "confirm", "appointment", "discovery", "opportunity", "meeting",
            "step", "bo_request"} <= set(feed.SOURCES)


def test_feed_mixes_kinds_newest_first_with_links(org, login, anne, make_task, make_rejet,
                                                  make_opportunity):
    old = make_task(anne, org["advisor"], subject="Première tâche")
    old.created_at = NOW - timedelta(days=3)
    make_rejet(anne, org["advisor"], org["bo_assistant"])
    book_appointment(anne, org["advisor"], AppointmentInput(
        "Présentation", NOW + timedelta(days=2), 60, True))
    opportunity = make_opportunity(anne, name="Pavé visibilité 2027")
    db.session.commit()
    http = login(org["advisor"])
    page = http.get(f"/activities/clients/{anne.id}/feed")
    assert page.status_code == 200
    text = page.text
    assert text.index("Présentation") < text.index("Rejet : commande") < text.index(
        "Première tâche")
    assert f'href="/opportunities/{opportunity.id}"' in text
    assert f'href="/activities/tasks/{old.id}"' in text
    only = http.get(f"/activities/clients/{anne.id}/feed?kind=rejet")
    assert "Rejet : commande" in only.text and "Première tâche" not in only.text
    junk = http.get(f"/activities/clients/{anne.id}/feed?kind=%00zz&page=99999999999")
    assert junk.status_code == 200


def test_feed_pages(org, login, anne, app):
    app.config["PAGE_SIZE"] = 5
    for n in range(12):
        db.session.add(Task(client_id=anne.id, subject=f"Tâche {n:02d}", due_at=NOW,
                            assignee_id=org["advisor"].id,
                            created_at=NOW - timedelta(minutes=n)))
    db.session.commit()
    http = login(org["advisor"])
    first = http.get(f"/activities/clients/{anne.id}/feed")
    assert "Tâche 00" in first.text and "Tâche 05" not in first.text
    assert "Page 1<" in first.text and "page=2" in first.text  # no count: « Page 1 »
    third = http.get(f"/activities/clients/{anne.id}/feed?page=3",
                     headers={"HX-Request": "true"})
    assert "Tâche 11" in third.text and "<html" not in third.text
    assert "Page 3 sur 3" in third.text and "page=4" not in third.text


def test_client_file_loads_the_panel(org, login, anne, make_task):
    make_task(anne, org["advisor"], subject="Rappeler Anne")
    http = login(org["advisor"])
    detail = http.get(f"/clients/{anne.id}")
    assert f"/activities/clients/{anne.id}/panel" in detail.text
    panel = http.get(f"/activities/clients/{anne.id}/panel")
    assert panel.status_code == 200
    assert "Clore la visite" in panel.text and "Rappeler Anne" in panel.text
    assert "Exporter les données du client" not in panel.text
    manager_panel = login(org["manager"]).get(f"/activities/clients/{anne.id}/panel")
    assert "Exporter les données du client" in manager_panel.text


def test_another_teams_client_activities_are_404(org, login, anne):
    other = login(org["other_advisor"])
    for path in ("panel", "feed", "close-visit"):
        assert other.get(f"/activities/clients/{anne.id}/{path}").status_code == 404
