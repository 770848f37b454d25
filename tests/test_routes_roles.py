"""Every route, visited as every role: the answer is the expected one (200, 302 to login,
403 or 404). A new route without an entry here fails the test, on purpose."""

import pytest

from webapp.extensions import db
from webapp.notifications.alerts import notify
from webapp.notifications.outbox import queue_mail

ROLES = ["anonymous", "admin", "manager", "advisor", "other_advisor", "bdc_agent",
         "bo_assistant"]
ADMIN_ONLY = {r: 403 for r in ROLES} | {"anonymous": 302, "admin": 200}
SIGNED_IN = {r: 200 for r in ROLES} | {"anonymous": 302}
# The client belongs to Marc (advisor, agence Lyon): Léa (agence Nantes) must get 404.
LYON_CLIENT = SIGNED_IN | {"other_advisor": 404}

EXPECTED = {
    "auth.login": {r: 302 for r in ROLES} | {"anonymous": 200},
    "auth.users": ADMIN_ONLY,
    "auth.user_form": ADMIN_ONLY,
    "auth.teams": ADMIN_ONLY,
    "auth.team_form": ADMIN_ONLY,
    "home.index": SIGNED_IN,
    "clients.index": SIGNED_IN,
    "clients.create": SIGNED_IN,
    "clients.picker": SIGNED_IN,
    "clients.detail": LYON_CLIENT,
    "clients.edit": LYON_CLIENT,
    "clients.pick": LYON_CLIENT,
    "notifications.alerts": SIGNED_IN,
    "notifications.badge": SIGNED_IN,
    # Marc's alert: he is sent on to its link, anyone else gets 404.
    "notifications.open_alert": {r: 404 for r in ROLES} | {"anonymous": 302, "advisor": 302},
    "notifications.outbox": ADMIN_ONLY,
}
ADMIN_POST = {r: 403 for r in ROLES} | {"anonymous": 302, "admin": 302}
POST_ONLY = {"auth.logout": {r: 302 for r in ROLES},
             "notifications.resend": ADMIN_POST, "notifications.test_mail": ADMIN_POST}


def _urls(app, ids):
    """(endpoint, method, url) for every rule of the app, ids filled in."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        values = {arg: ids[arg] for arg in rule.arguments}
        with app.test_request_context():
            from flask import url_for

            yield rule.endpoint, method, url_for(rule.endpoint, **values)


@pytest.fixture
def visit(app, org, make_client, login):
    client = make_client(advisor=org["advisor"], phone="0612345678")
    alert = notify(org["advisor"].id, "test", "Alerte de Marc", url="/")
    message = queue_mail("test", "x@example.fr", "test", user=org["admin"])
    db.session.commit()
    ids = {"user_id": org["advisor"].id, "team_id": org["lyon"].id, "client_id": client.id,
           "alert_id": alert.id, "message_id": message.id}

    def run(role, endpoint, method, url):
        http = app.test_client() if role == "anonymous" else login(org[role])
        response = http.open(url, method=method)
        if response.status_code == 302 and role == "anonymous":
            assert "/login" in response.location
        return response.status_code

    return ids, run


def test_every_route_is_listed(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()} - {"static"}
    assert endpoints == set(EXPECTED) | set(POST_ONLY)


@pytest.mark.parametrize("role", ROLES)
def test_route_by_role(app, visit, role):
    ids, run = visit
    seen = {}
    for endpoint, method, url in _urls(app, ids):
        table = EXPECTED.get(endpoint) or POST_ONLY[endpoint]
        seen[url] = (run(role, endpoint, method, url), table[role])
    wrong = {url: got for url, got in seen.items() if got[0] != got[1]}
    assert not wrong, f"(got, expected) by URL for {role}: {wrong}"
