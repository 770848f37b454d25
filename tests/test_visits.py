"""« Préparer mes visites » (issue #20): the proposals, the prepared list, the manifest of
the pages the tablet caches, the badge, « À revoir » and the service worker's file."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from webapp.errors import Refused
from webapp.extensions import db
from webapp.visits import services
from webapp.visits.models import PreparedVisit
from webapp.visits.rules import MAX_CLIENTS


def prepared_ids(user):
    return set(db.session.scalars(select(PreparedVisit.client_id)
                                  .where(PreparedVisit.user_id == user.id)))


def test_proposals_are_the_advisors_open_targets(org, login, visit_client, make_client):
    anne, _ = visit_client("Anne", "Roux")
    paul, _ = visit_client("Paul", "Rousseau")
    visit_client("Émile", "Roussel", advisor=org["other_advisor"])
    make_client("Julie", "Morel", advisor=org["advisor"])  # in no operation
    page = login(org["advisor"]).get("/visits/")
    assert page.status_code == 200
    assert "Préparer mes visites" in page.text
    assert f'value="{anne.id}"' in page.text and f'value="{paul.id}"' in page.text
    assert "Épargne retraite T1 — à contacter" in page.text
    assert "Roussel" not in page.text and "Morel" not in page.text
    week = login(org["advisor"]).get("/visits/?period=week")
    assert week.status_code == 200 and f'value="{anne.id}"' in week.text


def test_prepare_replaces_the_list_and_shows_the_badge(org, login, visit_client):
    anne, _ = visit_client("Anne", "Roux")
    paul, _ = visit_client("Paul", "Rousseau")
    http = login(org["advisor"])
    answer = http.post("/visits/", data={"clients": [anne.id, paul.id]})
    assert answer.status_code == 302 and "prepared=2" in answer.headers["Location"]
    assert prepared_ids(org["advisor"]) == {anne.id, paul.id}
    assert http.post("/visits/", data={"clients": [paul.id]}).status_code == 302
    assert prepared_ids(org["advisor"]) == {paul.id}
    assert "disponible hors ligne" in http.get(f"/clients/{paul.id}").text
    assert "disponible hors ligne" not in http.get(f"/clients/{anne.id}").text
    listing = http.get("/clients/").text
    assert listing.count("disponible hors ligne") == 1
    # Another user sees no badge for Marc's preparation.
    assert "disponible hors ligne" not in login(org["manager"]).get(f"/clients/{paul.id}").text


def test_prepare_bad_input(org, login, visit_client):
    anne, _ = visit_client("Anne", "Roux")
    other, _ = visit_client("Émile", "Roussel", advisor=org["other_advisor"])
    http = login(org["advisor"])
    assert http.post("/visits/", data={}).status_code == 302  # empty: nothing prepared
    assert prepared_ids(org["advisor"]) == set()
    wrong = http.post("/visits/", data={"clients": ["abc"]})
    assert wrong.status_code == 422 and 'id="clients-error"' in wrong.text
    assert http.post("/visits/", data={"clients": [str(2**40)]}).status_code == 422
    assert http.post("/visits/", data={"clients": [other.id]}).status_code == 404
    assert http.post("/visits/", data={"clients": [anne.id, 999999]}).status_code == 404
    assert prepared_ids(org["advisor"]) == set()


def test_prepare_needs_csrf(app, org, login, visit_client):
    anne, _ = visit_client("Anne", "Roux")
    services.prepare(org["advisor"].id, [anne], datetime.now(UTC), 3)
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        http = login(org["advisor"])
        answer = http.post("/visits/", data={"clients": []})
        forget = http.post("/visits/forget")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert answer.status_code == 400 and forget.status_code == 400
    assert prepared_ids(org["advisor"]) == {anne.id}


def test_prepare_service_limits_and_expiry(org, make_client):
    now = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    clients = [make_client(f"C{i}", "Test", advisor=org["advisor"])
               for i in range(MAX_CLIENTS + 1)]
    with pytest.raises(Refused, match="au plus"):
        services.prepare(org["advisor"].id, clients, now, 3)
    services.prepare(org["advisor"].id, clients[:2], now, 3)
    visit = db.session.scalars(select(PreparedVisit)).first()
    assert visit.expires_at == now + timedelta(days=3)
    assert visit.expires_at.tzinfo is not None
    services.forget(org["advisor"].id)
    assert db.session.scalar(select(func.count(PreparedVisit.id))) == 0


def test_manifest_lists_only_the_prepared_pages(org, login, visit_client):
    anne, anne_target = visit_client("Anne", "Roux")
    paul, paul_target = visit_client("Paul", "Rousseau")
    http = login(org["advisor"])
    http.post("/visits/", data={"clients": [anne.id]})
    manifest = http.get("/visits/manifest").get_json()
    assert manifest["user"] == org["advisor"].id
    assert manifest["clients"] == [anne.id]
    urls = [p["url"] for p in manifest["pages"]]
    assert f"/clients/{anne.id}" in urls
    assert f"/operations/targets/{anne_target.id}" in urls
    fragments = [p["url"] for p in manifest["pages"] if p.get("fragment")]
    assert f"/operations/targets/{anne_target.id}/add?choice=event" in fragments
    assert len(fragments) == 5  # four steps and an unplanned event
    assert not any(u.startswith(f"/operations/targets/{paul_target.id}") for u in urls)
    assert f"/clients/{paul.id}" not in urls
    assert "/static/js/offline.js" in manifest["assets"]
    assert manifest["pages"][:2] == [{"url": "/visits/"}, {"url": "/visits/review"}]
    assert datetime.fromisoformat(manifest["expires_at"]) > datetime.now(UTC)
    # Another advisor's manifest holds nothing of Marc's.
    other = login(org["other_advisor"]).get("/visits/manifest").get_json()
    assert other["clients"] == [] and f"/clients/{anne.id}" not in str(other)


def test_expired_preparation_is_not_offered(org, login, visit_client):
    anne, _ = visit_client("Anne", "Roux")
    past = datetime.now(UTC) - timedelta(days=10)
    services.prepare(org["advisor"].id, [anne], past, 3)
    db.session.commit()
    http = login(org["advisor"])
    assert http.get("/visits/manifest").get_json()["clients"] == []
    assert "disponible hors ligne" not in http.get(f"/clients/{anne.id}").text


def test_token_forget_review_and_worker(org, login, visit_client, client):
    anne, _ = visit_client("Anne", "Roux")
    http = login(org["advisor"])
    token = http.get("/visits/token").get_json()
    assert token["user"] == org["advisor"].id and token["csrf_token"]
    http.post("/visits/", data={"clients": [anne.id]})
    assert http.post("/visits/forget").status_code == 204
    assert prepared_ids(org["advisor"]) == set()
    review = http.get("/visits/review")
    assert review.status_code == 200 and 'id="review-items"' in review.text
    worker = client.get("/sw.js")
    assert worker.status_code == 200
    assert worker.headers["Service-Worker-Allowed"] == "/"
    assert worker.mimetype == "text/javascript"
    assert "workbox-7.4.1" in worker.text and "importScripts" in worker.text
    # Signed out: the pages and the JSON send to the login page.
    assert client.get("/visits/manifest").status_code == 302
    assert client.get("/visits/token").status_code == 302


def test_pages_carry_the_offline_hooks(org, login, visit_client):
    _, target = visit_client("Anne", "Roux")
    page = login(org["advisor"]).get(f"/operations/targets/{target.id}").text
    assert 'id="offline-status"' in page
    assert "js/offline.js" in page and "idb-keyval-6.3.0.umd.js" in page
    assert 'data-offline-label="Conclusion"' in page
    add = login(org["advisor"]).get(f"/operations/targets/{target.id}/add",
                                    headers={"HX-Request": "true"}).text
    assert "data-offline" in add


def test_appointments_are_proposed_and_discovery_notes_cached(org, login, make_client):
    """The activities plug into the offline mode: the rep's appointments of the period
    are proposed (with when), and a prepared client's discovery page is in the manifest."""
    from webapp import clock
    from webapp.activities.appointments.services import AppointmentInput, book_appointment
    from webapp.visits.proposals import proposals

    marc = org["advisor"]
    julie = make_client("Julie", "Morel", advisor=marc)  # in no operation
    tomorrow = clock.today() + timedelta(days=1)
    starts = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 14, 30,
                      tzinfo=clock.zone()).astimezone(UTC)
    book_appointment(julie, marc, AppointmentInput("Bilan annuel", starts, place="Agence"),
                     notify=False)
    db.session.commit()
    [proposal] = proposals(marc, tomorrow, tomorrow + timedelta(days=6))
    assert (proposal.client_id, proposal.day) == (julie.id, tomorrow)
    assert proposal.reason == f"Rendez-vous le {tomorrow:%d/%m} à 14:30 — Bilan annuel"
    assert proposals(marc, tomorrow + timedelta(days=1), tomorrow + timedelta(days=6)) == []
    http = login(marc)
    assert http.post("/visits/", data={"clients": [julie.id]}).status_code in (200, 302)
    urls = [p["url"] for p in http.get("/visits/manifest").get_json()["pages"]]
    assert f"/activities/clients/{julie.id}/discovery" in urls
    assert f"/clients/{julie.id}" in urls
