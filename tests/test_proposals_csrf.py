"""The proposals' forms refuse a post without its CSRF token, and accept it with."""

import re

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.proposals.models import Proposal


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def test_no_token_no_write(org, login, make_client, make_proposal):
    client = make_client(advisor=org["advisor"])
    proposal = make_proposal(client, org["advisor"], [("001", "", [("new", "10")])])
    http = login(org["advisor"])
    new = {"name": "Sans jeton", "plan_count": "1"}
    for url, data in [(f"/proposals/clients/{client.id}", new),
                      (f"/proposals/{proposal.id}/suborders", {"number": "301"}),
                      (f"/proposals/{proposal.id}/split", {}),
                      (f"/proposals/{proposal.id}/validate", {})]:
        assert http.post(url, data=data).status_code in (400, 422)
    assert db.session.get(Proposal, proposal.id).status == "draft"
    assert len(db.session.get(Proposal, proposal.id).suborders) == 1
    page = http.get(f"/proposals/clients/{client.id}")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    assert http.post(f"/proposals/clients/{client.id}", data={
        "csrf_token": token, "name": "Avec jeton", "plan_count": "1"}).status_code == 302
    assert db.session.scalar(select(Proposal).where(Proposal.name == "Avec jeton"))
