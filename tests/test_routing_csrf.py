"""The routing forms carry their CSRF token as in production; without it: 400."""

import re

import pytest
from sqlalchemy import select

from tests.fixtures.routing import company, routing_type
from webapp.extensions import db
from webapp.routing.models import ClientRequest


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def token(page, name="csrf_token") -> str:
    return re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]+)"', page.text).group(1)


def test_intake_and_feedback_need_their_token(org, login, make_client):
    client = make_client(advisor=org["advisor"])
    http = login(org["bo_assistant"])
    data = {"client_id": client.id, "channel": "email", "type_id": routing_type().id,
            "company_id": company().id}
    assert http.post("/routing/new", data=data).status_code == 400
    page = http.get("/routing/new")
    assert http.post("/routing/new", data=data | {"csrf_token": token(page)}).status_code == 302
    req = db.session.scalar(select(ClientRequest))
    assert http.post(f"/routing/requests/{req.id}/feedback",
                     data={"kind": "call", "done_on": "2026-01-01"}).status_code == 400
