"""Every route, visited as every role: the answer is the expected one (200, 302 to login,
403 or 404). A new route without an entry here fails the test, on purpose."""

import pytest

from tests.fixtures.activities_sales_routes import ACTIVITIES_SALES_GET, ACTIVITIES_SALES_POST
from tests.fixtures.activity_routes import ACTIVITY_GET, ACTIVITY_POST
from tests.fixtures.backoffice_routes import BACKOFFICE_GET, BACKOFFICE_POST
from tests.fixtures.opportunity_routes import (
    OPPORTUNITY_GET,
    OPPORTUNITY_POST,
    SETTINGS_GET,
    SETTINGS_POST,
)
from tests.fixtures.proposal_routes import PROPOSAL_GET, PROPOSAL_POST
from tests.fixtures.routes import route_ids
from tests.fixtures.routing_routes import ROUTING_GET, ROUTING_POST
from tests.fixtures.selection_routes import SELECTION_GET, SELECTION_POST
from tests.fixtures.visits_routes import VISITS_GET, VISITS_POST

ROLES = ["anonymous", "admin", "manager", "advisor", "other_advisor", "bdc_agent",
         "bo_assistant"]
ADMIN_ONLY = {r: 403 for r in ROLES} | {"anonymous": 302, "admin": 200}
SIGNED_IN = {r: 200 for r in ROLES} | {"anonymous": 302}
# The client belongs to Marc (advisor, agence Lyon): Léa (agence Nantes) must get 404.
LYON_CLIENT = SIGNED_IN | {"other_advisor": 404}
FOLLOWERS = {r: 404 for r in ROLES} | {"anonymous": 302, "manager": 200, "advisor": 200}
MANAGERS_ONLY = {r: 403 for r in ROLES} | {"anonymous": 302}

EXPECTED = {
    "auth.login": {r: 302 for r in ROLES} | {"anonymous": 200},
    "auth.users": ADMIN_ONLY,
    "auth.user_form": ADMIN_ONLY,
    "auth.teams": ADMIN_ONLY,
    "auth.team_form": ADMIN_ONLY,
    "auth.sessions": SIGNED_IN,  # « Mes sessions »: one's own, every role
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
    # Operations: a target of Marc's, in an operation run by the Lyon manager (access
    # team); the admin's operations access is "own": he neither follows nor runs it.
    "operations.index": SIGNED_IN,
    # Everyone gets their scope's figures (zeros when they follow nothing).
    "supervision.metrics_json": SIGNED_IN,
    "supervision.pilotage": SIGNED_IN,
    "supervision.team_box": SIGNED_IN,  # « Mon équipe »: the viewer's scope (maybe empty)
    # The Bilan tabs and the Détail's expanded rows: the viewer's scope (maybe empty).
    "supervision.detail": SIGNED_IN,
    "supervision.detail_rows": SIGNED_IN,
    "supervision.synthese": SIGNED_IN,
    "supervision.edition": SIGNED_IN,  # kind "synthese", all one's operations
    # Gestion: the list, the bulk conclusion's dialog (nothing selected) and the export.
    "supervision.gestion": SIGNED_IN,
    "supervision.conclude": SIGNED_IN,
    "supervision.export_excel": SIGNED_IN,
    # Managing operations takes manage_operations, which nobody holds here: 403 first.
    **{f"operations.{name}": MANAGERS_ONLY for name in (
        "create", "edit", "shares", "new_step", "edit_step")},
    # A step's document: whoever sees the operation (its runner and Marc, who has a target).
    "operations.document": FOLLOWERS,
    "operations.timeline": FOLLOWERS,
    "operations.follow_up_history": FOLLOWERS,
    "operations.add_form": FOLLOWERS,
    "operations.edit_record": FOLLOWERS,
    "operations.download_attachment": FOLLOWERS,
    "operations.targets": FOLLOWERS,
    # Adding clients: manage_operations, running the operation, or taking part in it
    # (Marc has a target: his own clients, #13.2); removing one: not Marc.
    "operations.bulk_preview": FOLLOWERS,
    "operations.remove_target": FOLLOWERS | {"advisor": 403},
    # A client file's operations: whoever sees the client (Léa does not see Marc's).
    "operations.client_targets": LYON_CLIENT,
    **BACKOFFICE_GET,  # the back-office desk (tests/test_backoffice_factories.py)
    **OPPORTUNITY_GET,  # the pipeline (tests/test_opportunity_factories.py)
    **SETTINGS_GET,  # the pipeline's settings (tests/test_opportunity_settings.py)
    **ACTIVITY_GET,  # around the client (tests/test_activities_*.py)
    **ACTIVITIES_SALES_GET,  # complaints, churn, quotes, the catalogue (issue 15 B)
    **PROPOSAL_GET,  # proposals (tests/test_proposals.py)
    **SELECTION_GET,  # the query builder (tests/test_clients_selection.py)
    **ROUTING_GET,  # client request routing (tests/test_routing.py)
    **VISITS_GET,  # the offline visit mode (tests/test_visits.py)
}
ADMIN_POST = {r: 403 for r in ROLES} | {"anonymous": 302, "admin": 302}


def followers(status: int) -> dict:
    """Marc and his manager act on Marc's target; everyone else gets 404."""
    return {r: 404 for r in ROLES} | {"anonymous": 302, "manager": status, "advisor": status}


POST_ONLY = {"auth.logout": {r: 302 for r in ROLES},
             # A session of Marc's: he ends it, anyone else gets 404.
             "auth.logout_session": {r: 404 for r in ROLES}
             | {"anonymous": 302, "advisor": 302},
             "auth.logout_other_sessions": {r: 302 for r in ROLES},
             "notifications.resend": ADMIN_POST, "notifications.test_mail": ADMIN_POST,
             # Empty forms: 422; actions without a form: done (302).
             "operations.create_record": followers(422),
             "operations.create_event": followers(422),
             "operations.upload_attachment": followers(422),
             "operations.conclude": followers(422),
             "operations.reopen": followers(302),
             "operations.link_accounts": followers(409),  # not a success: no accounts
             "operations.cancel_record": followers(302),
             "operations.delete_attachment": followers(302),
             # An empty account form: 422 for whoever sees the client.
             "clients.add_account": {r: 422 for r in ROLES}
             | {"anonymous": 302, "other_advisor": 404},
             **{f"operations.{name}": MANAGERS_ONLY for name in (
                 "reorder", "duplicate", "archive", "delete", "new_share", "update_share",
                 "delete_share", "clear_all_shares", "remove_step", "reorder_steps",
                 "sale_step", "new_action", "delete_action", "new_document",
                 "delete_document")},
             "operations.add_target": followers(422),
             "operations.add_targets_bulk": followers(422),
             # Offered only the operations one may add to: an empty choice is invalid.
             "operations.add_client_target": {r: 422 for r in ROLES}
             | {"anonymous": 302, "other_advisor": 404},
             **BACKOFFICE_POST,
             **OPPORTUNITY_POST,
             **SETTINGS_POST,
             **ACTIVITY_POST,
             **ACTIVITIES_SALES_POST,
             **PROPOSAL_POST,
             **SELECTION_POST,
             **ROUTING_POST,
             **VISITS_POST}


def _urls(app, ids):
    """(endpoint, method, url) for every rule of the app, ids filled in: the pages first,
    then the actions (a delete must not hide the page of what it deleted)."""
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    for rule in sorted(rules, key=lambda r: "GET" not in r.methods):
        method = "GET" if "GET" in rule.methods else "POST"
        values = {arg: ids[arg] for arg in rule.arguments}
        with app.test_request_context():
            from flask import url_for

            yield rule.endpoint, method, url_for(rule.endpoint, **values)


@pytest.fixture
def visit(app, org, make_client, make_operation, make_target, login, make_bo_request):
    ids = route_ids(org, make_client, make_operation, make_target, make_bo_request)

    def run(role, endpoint, method, url):
        http = app.test_client() if role == "anonymous" else login(org[role])
        response = http.open(url, method=method)
        response.close()  # file downloads hold their file open until closed
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
