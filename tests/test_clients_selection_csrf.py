"""The query builder's forms carry their CSRF token as in production (the actions' forms
are prefixed: ``act-csrf_token``)."""

import re

import pytest
from sqlalchemy import func, select

from webapp.clients.selection.models import SavedQuery
from webapp.extensions import db
from webapp.operations.models import Target


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def token(page, name="csrf_token") -> str:
    return re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]+)"', page.text).group(1)


def test_forms_post_with_their_tokens(book, login):
    http = login(book["manager"])
    page = http.get("/clients/?city=lyon")
    assert http.post("/clients/queries", data={"name": "Sans jeton", "city": "lyon"}
                     ).status_code == 400
    assert http.post("/clients/queries", data={"name": "Lyon", "city": "lyon",
                                               "csrf_token": token(page)}).status_code == 302
    assert db.session.scalar(select(func.count(SavedQuery.id))) == 1
    operation = book["operation"]
    form = http.get(f"/clients/selection/operation?city=lyon&operation={operation.id}")
    fields = {"city": "lyon", "act-operation_id": operation.id,
              "act-entry_date": "2030-01-02", "act-advisor_id": book["advisor"].id}
    assert http.post("/clients/selection/operation", data=fields).status_code == 400
    preview = http.post("/clients/selection/operation", data={
        **fields, "act-csrf_token": token(form, "act-csrf_token")})
    assert preview.status_code == 200 and 'name="act-expected" value="1"' in preview.text
    done = http.post("/clients/selection/operation", data={
        **fields, "act-expected": "1", "act-csrf_token": token(preview, "act-csrf_token")})
    assert done.status_code == 302
    assert db.session.scalar(select(func.count(Target.id)).where(
        Target.operation_id == operation.id)) == 2
