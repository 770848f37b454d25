"""The desk's forms carry their CSRF token as in production (prefixed forms included)."""

import re

import pytest
from sqlalchemy import select

from webapp.backoffice.models import BookletContract, BookletOrder, Comment, Sale
from webapp.extensions import db


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def token(page, name="csrf_token") -> str:
    return re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]+)"', page.text).group(1)


def test_forms_post_with_their_tokens(org, login, make_client, make_bo_request):
    http = login(org["bo_assistant"])
    agency = make_client("Voyages", "Carré", advisor=org["advisor"])
    contract = db.session.scalar(select(BookletContract.id).where(
        BookletContract.name == "FRAM ASSUR"))
    page = http.get("/bo/booklets")
    assert http.post("/bo/booklets/allowances", data={
        "allowance-csrf_token": token(page, "allowance-csrf_token"),
        "allowance-client_id": agency.id, "allowance-contract_id": contract,
        "allowance-yearly_quota": "100"}).status_code == 302
    assert http.post("/bo/booklets/orders", data={
        "order-csrf_token": token(page, "order-csrf_token"), "order-client_id": agency.id,
        "order-contract_id": contract, "order-quantity": "10",
        "order-ordered_on": "2026-01-02"}).status_code == 302
    assert db.session.scalars(select(BookletOrder.quantity)).all() == [10]
    # Without the token: refused.
    assert http.post("/bo/booklets/orders", data={"order-quantity": "1"}).status_code == 400

    page = http.get("/bo/incentives")
    assert http.post("/bo/incentives/sales", data={
        "sale-csrf_token": token(page, "sale-csrf_token"), "sale-sold_on": "2026-03-05",
        "sale-agency": "A", "sale-seller": "B", "sale-policy": "C",
        "sale-amount": "1"}).status_code == 302
    assert db.session.scalars(select(Sale)).one().seller == "B"

    req = make_bo_request(org["advisor"], agency, "Mise en place partenariat (R2 validé)")
    page = http.get(f"/bo/requests/{req.id}")
    assert http.post(f"/bo/requests/{req.id}/comments", data={
        "csrf_token": token(page), "body": "Reçu."}).status_code == 302
    assert db.session.scalars(select(Comment.body)).all() == ["Reçu."]
    page = http.get(f"/bo/requests/{req.id}/checklist")
    assert http.post(f"/bo/requests/{req.id}/checklist/sections/contacts", data={
        "csrf_token": token(page), "contact_name": "Marie"}).status_code == 302



def test_intake_posts_with_its_token(org, login, make_client):
    # One client per test: the test keeps one app context, where Flask-WTF caches the
    # token of the session that asked first.
    agency = make_client("Voyages", "Carré", advisor=org["advisor"])
    rep = login(org["advisor"])
    page = rep.get("/bo/requests/new")
    type_id = re.search(r'<option value="(\d+)">Log agences', page.text).group(1)
    assert rep.post("/bo/requests/new", data={
        "csrf_token": token(page), "type_id": type_id, "client_id": agency.id,
        "label": "Log agences", "deadline": "2099-01-01"}).status_code == 302


def test_subscription_section_and_gesture_need_their_tokens(org, login, make_client,
                                                            make_bo_request):
    agency = make_client("Voyages", "Carré", advisor=org["advisor"])
    req = make_bo_request(org["advisor"], agency, "Mise en place partenariat (R2 validé)")
    http = login(org["bo_assistant"])
    data = {"subscription_format": "extranet", "reception_same": "y"}
    url = f"/bo/requests/{req.id}/checklist/sections/subscription"
    assert http.post(url, data=data).status_code == 400
    db.session.refresh(req.checklist)
    assert req.checklist.reception_same is False
    page = http.get(f"/bo/requests/{req.id}/checklist")
    assert http.post(url, data={"csrf_token": token(page), **data}).status_code == 302
    db.session.refresh(req.checklist)
    assert req.checklist.reception_same is True
    assert login(org["advisor"]).post("/bo/gestures/new", data={
        "client_id": agency.id, "amount": "10", "reason": "r"}).status_code == 400
