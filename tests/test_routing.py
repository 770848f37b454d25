"""The routing screens: intake (full page, htmx panel, bad input), tracking table, a
request's feedback, the competence table, the settings, the home box."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.fixtures.routing import company, routing_type
from webapp import clock
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.routing.models import ClientRequest, ClientRequestType, Company, RoutingProfile


def _post(client, **extra):
    return {"client_id": client.id, "channel": "phone", "type_id": routing_type().id,
            "company_id": company().id, "description": "Veut racheter son contrat."} | extra


def test_intake_page_and_routing_panel(app, org, login, make_client, make_profile):
    http = login(org["bo_assistant"])
    page = http.get("/routing/new")
    assert page.status_code == 200 and "<html" in page.text
    assert "Bien écouter la demande client et cibler la compagnie" in page.text
    orphan = make_client(postal_code="69003")
    make_profile(org["other_advisor"], sectors="69")
    panel = http.get("/routing/new", query_string=_post(orphan), headers={"HX-Request": "true"})
    assert "<html" not in panel.text and 'id="routing-panel"' in panel.text
    assert "Aucun conseiller" in panel.text and "Léa Bernard" in panel.text
    assert "secteur du client" in panel.text


def test_intake_transmits_and_redirects(app, org, login, make_client):
    http = login(org["bo_assistant"])
    client = make_client(advisor=org["advisor"])
    answer = http.post("/routing/new", data=_post(client))
    req = db.session.scalar(select(ClientRequest))
    assert answer.status_code == 302 and answer.location.endswith(f"/routing/requests/{req.id}")
    assert req.advisor_id == org["advisor"].id and req.author_id == org["bo_assistant"].id


@pytest.mark.parametrize("changes, message", [
    ({"client_id": ""}, "Choisissez ou créez la fiche du client."),
    ({"type_id": "0"}, "Choisissez le type de demande"),
    ({"type_id": "abc"}, "Choisissez le type de demande"),
    ({"company_id": ""}, "Ciblez la compagnie concernée."),
    ({"channel": "fax"}, "Indiquez le canal"),
    ({"description": "x" * 5001}, "5000"),
    ({"client_id": "99999999999999"}, "Client introuvable."),
])
def test_intake_refusals_keep_what_was_typed(app, org, login, make_client, changes, message):
    http = login(org["bo_assistant"])
    client = make_client(advisor=org["advisor"])
    answer = http.post("/routing/new", data=_post(client, **changes))
    assert answer.status_code == 422 and message in answer.text
    if "description" not in changes:
        assert "Veut racheter son contrat." in answer.text
    assert db.session.scalar(select(ClientRequest)) is None


def test_intake_someone_elses_client_is_unknown(app, org, login, make_client, make_user):
    taker = make_user(Role.ADVISOR, team=org["nantes"])
    taker.take_requests = True
    db.session.commit()
    marcs = make_client(advisor=org["advisor"])
    answer = login(taker).post("/routing/new", data=_post(marcs))
    assert answer.status_code == 422 and "Client introuvable." in answer.text


def test_intake_without_eligible_advisor_says_why(app, org, login, make_client):
    answer = login(org["bo_assistant"]).post("/routing/new", data=_post(make_client()))
    assert answer.status_code == 422 and "Aucun conseiller volontaire éligible" in answer.text


def test_tracking_filters_and_overdue_rows(app, org, login, make_client, make_client_request):
    late = make_client_request(make_client("Léon", "Tard", advisor=org["advisor"]),
                               org["advisor"], days_ago=9)
    make_client_request(make_client("Anna", "Atemps", advisor=org["advisor"]), org["advisor"],
                        "Arbitrage", "AXA")
    make_client_request(make_client("Noé", "Nantes", advisor=org["other_advisor"]),
                        org["other_advisor"])
    http = login(org["manager"])
    page = http.get("/routing/")
    assert page.status_code == 200 and "Tard" in page.text and "Atemps" in page.text
    assert "Nantes" not in page.text.split('id="tracking"')[1]    # another team's request
    assert page.text.count('data-overdue="true"') == 1
    fragment = http.get("/routing/?status=overdue", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "Tard" in fragment.text
    assert "Atemps" not in fragment.text
    by_type = http.get(f"/routing/?type_id={routing_type('Arbitrage').id}&status=all")
    assert "Atemps" in by_type.text and "Tard" not in by_type.text
    assert http.get("/routing/?company_id=99999999999&advisor_id=-1&status=x").status_code == 200
    assert login(org["other_advisor"]).get(f"/routing/requests/{late.id}").status_code == 404


def test_advisor_feedback_then_close(app, org, login, make_client, make_client_request):
    req = make_client_request(make_client(advisor=org["advisor"]), org["advisor"], days_ago=2)
    http = login(org["advisor"])
    page = http.get(f"/routing/requests/{req.id}")
    assert "Merci de nous faire un retour sous 7 jours" in page.text
    today = clock.today().isoformat()
    answer = http.post(f"/routing/requests/{req.id}/feedback",
                       data={"kind": "call", "done_on": today, "note": "Client rappelé"},
                       headers={"HX-Request": "true"})
    assert answer.status_code == 200 and "<html" not in answer.text
    assert "Appel effectué le" in answer.text and "Client rappelé" in answer.text
    bad = http.post(f"/routing/requests/{req.id}/feedback",
                    data={"kind": "call", "done_on": "9999-12-31", "note": "gardé"})
    assert bad.status_code == 422 and "gardé" in bad.text
    wrong = http.post(f"/routing/requests/{req.id}/feedback", data={"kind": "x", "done_on": ""})
    assert wrong.status_code == 422 and "Choisissez l&#39;action menée." in wrong.text
    assert http.post(f"/routing/requests/{req.id}/close",
                     data={"version": req.version}).status_code == 302
    stale = http.post(f"/routing/requests/{req.id}/close", data={"version": 1})
    assert stale.status_code == 409
    db.session.refresh(req)
    assert req.closed_on == clock.today()
    score = http.get(f"/routing/advisors/{org['advisor'].id}/score")
    assert "Retour sous 7 jours" in score.text and "+2" in score.text


def test_competence_line_and_coverage(app, org, login):
    http = login(org["manager"])
    assert http.get(f"/routing/competences/{org['advisor'].id}").status_code == 200
    pair = f"{routing_type('Arbitrage').id}-{company('AXA').id}"
    answer = http.post(f"/routing/competences/{org['advisor'].id}", data={
        "volunteer": "y", "sectors": "69, 01", "certified": "y", "max_open": "5",
        "competences": [pair]})
    assert answer.status_code == 302
    profile = db.session.scalar(select(RoutingProfile))
    assert (profile.sectors, profile.max_open, len(profile.competences)) == ("69, 01", 5, 1)
    bad = http.post(f"/routing/competences/{org['advisor'].id}", data={
        "sectors": "Lyon", "competences": ["1-999"]})
    assert bad.status_code == 422 and "Lyon" in bad.text
    table = http.get("/routing/competences")
    assert "Marc Petit" in table.text and "Léa Bernard" not in table.text
    coverage = http.get("/routing/coverage")
    assert "Agence Lyon" in coverage.text and "Demande de rachat" in coverage.text
    assert login(org["manager"]).get(
        f"/routing/competences/{org['other_advisor'].id}").status_code == 404


def test_settings_types_companies_points(app, org, login):
    http = login(org["admin"])
    assert "Demande de rachat" in http.get("/routing/settings").text
    assert http.post("/routing/settings/types/0", data={
        "type-name": "Changement de clause bénéficiaire", "type-active": "y"}).status_code == 302
    assert db.session.scalar(select(ClientRequestType).where(
        ClientRequestType.name == "Changement de clause bénéficiaire")).active
    assert http.post("/routing/settings/companies/0",
                     data={"company-name": "Generali"}).status_code == 422
    assert http.post(f"/routing/settings/companies/{company('AXA').id}",
                     data={"company-name": "AXA France"}).status_code == 302
    assert db.session.get(Company, company("AXA France").id)
    points = {f"points-{key}": "1" for key in (
        "feedback_in_time", "feedback_late", "feedback_missing", "money_pitch", "new_business",
        "broken_contract")}
    good = {"follow_up_email": "marco@example.fr", "contract_window_days": "60",
            "booster_floor": "1", "booster_cap": "10"}
    assert http.post("/routing/settings", data=good | points).status_code == 302
    bad = http.post("/routing/settings", data=good | points | {"points-money_pitch": "beaucoup"})
    assert bad.status_code == 422 and "nombre entier" in bad.text
    assert http.post("/routing/settings/types/99999", data={"type-name": "x"}).status_code == 404


def test_home_box_counts(app, org, login, make_client, make_client_request):
    make_client_request(make_client(advisor=org["advisor"]), org["advisor"], days_ago=10)
    box = login(org["advisor"]).get("/routing/box")
    assert 'id="routing-box"' in box.text and "Voir mes demandes" in box.text
    home = login(org["advisor"]).get("/")
    assert "Mes demandes clients" in home.text


def test_due_date_shown_on_the_apps_calendar(app, org, login, make_client, make_client_request):
    req = make_client_request(make_client(advisor=org["advisor"]), org["advisor"])
    assert req.due_on == clock.today() + timedelta(days=7)
    page = login(org["advisor"]).get(f"/routing/requests/{req.id}")
    assert req.due_on.strftime("%d/%m/%Y") in page.text


def test_an_admin_gives_the_right_to_take_calls(app, org, login):
    lea = org["other_advisor"]
    http = login(lea)
    assert http.get("/routing/new").status_code == 403
    answer = login(org["admin"]).post(f"/admin/users/{lea.id}", data={
        "email": lea.email, "name": lea.name, "role": "advisor", "team_id": org["nantes"].id,
        "operations_access": "own", "active": "y", "take_requests": "y"})
    assert answer.status_code == 302
    db.session.refresh(lea)
    assert lea.take_requests and http.get("/routing/new").status_code == 200
