"""Booklets (slide 8): contracts on Logimail or through the BO, each agency's yearly quota
and the delay between two orders."""

import html
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from webapp import clock
from webapp.backoffice.models import BookletAllowance, BookletContract, BookletOrder
from webapp.extensions import db

TODAY = clock.today()


def text(response) -> str:
    return html.unescape(response.text)


def contract_id(name):
    return db.session.scalar(select(BookletContract.id).where(BookletContract.name == name))


@pytest.fixture
def agency(org, make_client):
    return make_client("Voyages", "Carré", advisor=org["advisor"], email="carre@example.fr")


def allowance(http, agency, contract="SECUR PLUS", quota="1200", **extra):
    return http.post("/bo/booklets/allowances", data={
        "allowance-client_id": agency.id, "allowance-contract_id": contract_id(contract),
        "allowance-yearly_quota": quota, **extra})


def order(http, agency, quantity, day, contract="SECUR PLUS"):
    return http.post("/bo/booklets/orders", data={
        "order-client_id": agency.id, "order-contract_id": contract_id(contract),
        "order-quantity": quantity, "order-ordered_on": day.isoformat()})


def test_page_lists_the_contracts_and_their_channel(org, login):
    page = login(org["bo_assistant"]).get("/bo/booklets")
    assert page.status_code == 200
    body = text(page)
    # « Contrats disponibles sur Logimail » / « Contrats non disponibles sur Logimail »
    assert "<td>SECUR PLUS</td><td>Logimail</td>" in body
    assert "<td>FRAM ASSUR</td><td>Back-office</td>" in body
    for role in ("advisor", "manager", "bdc_agent"):
        assert login(org[role]).get("/bo/booklets").status_code == 403
        assert order(login(org[role]), org["advisor"], "1", TODAY).status_code == 403


def test_quota_and_delay_between_two_orders(org, login, agency):
    http = login(org["bo_assistant"])
    assert allowance(http, agency).status_code == 302
    first = TODAY - timedelta(days=60)
    assert order(http, agency, "100", first).status_code == 302  # 100 of 1200: 31 days
    too_soon = order(http, agency, "50", first + timedelta(days=10))
    assert too_soon.status_code == 422
    ready = (first + timedelta(days=31)).strftime("%d/%m/%Y")
    assert ("Trop tôt depuis la commande précédente : prochaine commande possible le "
            f"{ready}.") in text(too_soon)
    assert 'value="50"' in too_soon.text  # what was typed is kept
    assert order(http, agency, "50", first + timedelta(days=31)).status_code == 302
    orders = db.session.scalars(select(BookletOrder).order_by(BookletOrder.id)).all()
    assert [(o.quantity, o.channel) for o in orders] == [(100, "logimail"), (50, "logimail")]
    page = text(http.get("/bo/booklets"))
    if first.year == TODAY.year:
        assert "150 / 1\u202f200" in page or "150 / 1 200" in page.replace("\u202f", " ")


def test_yearly_quota(org, login, agency):
    http = login(org["bo_assistant"])
    allowance(http, agency, quota="100")
    day = date(TODAY.year, 1, 1)
    response = order(http, agency, "150", day)
    assert response.status_code == 422
    assert "Quota annuel dépassé : il reste 100 livrets sur 100 cette année." in text(response)


def test_groupists_order_through_the_bo(org, login, agency):
    # « Via le BO : Pour les groupistes seulement »
    http = login(org["bo_assistant"])
    allowance(http, agency, **{"allowance-groupist": "y"})
    assert order(http, agency, "10", TODAY).status_code == 302
    assert db.session.scalars(select(BookletOrder.channel)).one() == "bo"
    # Changing the quota updates the same allowance.
    allowance(http, agency, quota="300")
    row = db.session.scalars(select(BookletAllowance)).one()
    assert row.yearly_quota == 300 and row.groupist is False


def test_no_quota_no_order(org, login, agency):
    response = order(login(org["bo_assistant"]), agency, "10", TODAY, "FRAM ASSUR")
    assert response.status_code == 422
    assert "Aucun quota n'est défini pour cette agence et ce contrat." in text(response)


@pytest.mark.parametrize(("data", "messages"), [
    ({}, ["Choisissez l'agence.", "Choisissez le contrat.", "Indiquez une quantité positive.",
          "Ce champ est obligatoire."]),
    ({"order-quantity": "abc", "order-ordered_on": "hier"}, ["entier", "date"]),
    ({"order-quantity": "-3"}, ["Entre 1 et 1 000 000 livrets."]),
    ({"order-ordered_on": "0001-01-01"}, ["Indiquez une date entre 1900 et 2100."]),
    ({"order-quantity": "10000000"}, ["Entre 1 et 1 000 000 livrets."]),
    ({"order-client_id": "999999"}, ["Agence introuvable."]),
    ({"order-contract_id": "abc"}, ["contrat"]),
    ({"order-ordered_on": (TODAY + timedelta(days=1)).isoformat()},
     ["La commande ne peut pas être datée dans le futur."]),
])
def test_order_refusals(org, login, agency, data, messages):
    http = login(org["bo_assistant"])
    allowance(http, agency)
    base = {"order-client_id": agency.id, "order-contract_id": contract_id("SECUR PLUS"),
            "order-quantity": "10", "order-ordered_on": TODAY.isoformat()} if data else {}
    response = http.post("/bo/booklets/orders", data={**base, **data})
    assert response.status_code == 422
    for message in messages:
        assert message.lower() in text(response).lower()
    assert db.session.scalars(select(BookletOrder)).all() == []


@pytest.mark.parametrize(("data", "message"), [
    ({"allowance-yearly_quota": ""}, "Ce champ est obligatoire."),
    ({"allowance-yearly_quota": "abc"}, "entier"),
    ({"allowance-yearly_quota": "0"}, "Entre 1 et 1 000 000 livrets."),
    ({"allowance-client_id": "abc"}, "Choisissez l'agence."),
])
def test_allowance_refusals(org, login, agency, data, message):
    http = login(org["bo_assistant"])
    response = http.post("/bo/booklets/allowances", data={
        "allowance-client_id": agency.id, "allowance-contract_id": contract_id("INTEGRAL"),
        "allowance-yearly_quota": "500", **data})
    assert response.status_code == 422 and message.lower() in text(response).lower()
    assert db.session.scalars(select(BookletAllowance)).all() == []


def test_two_orders_at_once_stay_within_the_quota(app, org, agency):
    """#19: two orders of 700 against a quota of 1 200, checked at the same time on two
    real connections, were both accepted. The second now waits for the first (a lock on
    the agency's allowance) and is refused."""
    import threading

    from sqlalchemy import event

    from webapp.auth.models import User
    from webapp.backoffice.booklets.services import (
        AllowanceInput,
        OrderInput,
        record_order,
        save_allowance,
    )
    from webapp.clients.models import Client
    from webapp.errors import Refused

    contract = db.session.get(BookletContract, contract_id("SECUR PLUS"))
    save_allowance(AllowanceInput(agency, contract, 1200))
    db.session.commit()
    day, ids = date(TODAY.year, 1, 1), (org["bo_assistant"].id, agency.id, contract.id)
    writing, outcome = threading.Event(), {}

    def second_order():
        with app.app_context():
            user, client, booklets = (db.session.get(model, pk) for model, pk in
                                      zip((User, Client, BookletContract), ids, strict=True))
            try:
                record_order(OrderInput(client, booklets, 700, day), user, TODAY)
                db.session.commit()
                outcome["second"] = "accepted"
            except Refused as refusal:
                db.session.rollback()
                outcome["second"] = refusal.message
            finally:
                db.session.remove()

    second = threading.Thread(target=second_order)

    def tell_when_writing(_conn, _cursor, statement, *_args):
        # The second order's first write: from here on it can only wait for the first.
        if threading.current_thread() is second and statement.lstrip()[:6] in (
                "UPDATE", "INSERT"):
            writing.set()

    event.listen(db.engine, "before_cursor_execute", tell_when_writing)
    try:
        record_order(OrderInput(agency, contract, 700, day), org["bo_assistant"], TODAY)
        second.start()
        assert writing.wait(timeout=60)
        db.session.commit()
        second.join(timeout=60)
    finally:
        event.remove(db.engine, "before_cursor_execute", tell_when_writing)
    assert outcome["second"] == (
        "Quota annuel dépassé : il reste 500 livrets sur 1\u202f200 cette année.")
    assert db.session.scalars(select(BookletOrder.quantity)).all() == [700]
