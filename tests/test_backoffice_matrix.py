"""The routing matrix (slide 3 « Quelles demandes, à qui ? »), editable by the admin."""

import html

import pytest
from sqlalchemy import select

from webapp.auth.models import Role
from webapp.backoffice.models import Designation, RequestType, RoutingEntry
from webapp.extensions import db


def text(response) -> str:
    return html.unescape(response.text)


def r1() -> RequestType:
    return db.session.scalar(select(RequestType).where(RequestType.name == "Cotation R1"))


def test_matrix_shows_the_seeds_lines_to_the_admin_only(org, login):
    page = login(org["admin"]).get("/bo/matrix")
    assert page.status_code == 200
    body = text(page)
    assert "Récapitulatif : À : Chris (tarification) · copie : David" in body
    assert "Mise en place partenariat (R2 validé)" in body
    assert "avec la fiche de mise en place" in body
    for role in ("manager", "advisor", "bo_assistant"):
        assert login(org[role]).get("/bo/matrix").status_code == 403
        assert login(org[role]).post(f"/bo/matrix/{r1().id}", data={}).status_code == 403


def test_admin_names_the_people_and_the_intake_follows(org, login, make_user):
    chris = make_user(Role.MANAGER, name="Chris Tarif")
    david = make_user(Role.MANAGER, name="David Leroy")
    http = login(org["admin"])
    response = http.post(f"/bo/matrix/{r1().id}", data={
        "name": "Cotation R1", "workflow": "r1", "active": "y", "addressees": [chris.id],
        "copies": [david.id]})
    assert response.status_code == 302
    assert {(e.user_id, e.copy) for e in r1().routes} == {(chris.id, False), (david.id, True)}
    assert r1().to_bo is False  # unchecked box
    body = text(http.get(f"/bo/matrix/{r1().id}"))
    assert "Historique" in body
    # Changing the people keeps the entries that stay.
    kept = db.session.scalar(select(RoutingEntry.id).where(RoutingEntry.user_id == chris.id))
    http.post(f"/bo/matrix/{r1().id}", data={
        "name": "Cotation R1", "workflow": "r1", "active": "y", "addressees": [chris.id],
        "copies": []})
    assert [(e.id, e.copy) for e in r1().routes] == [(kept, False)]
    form = text(login(org["advisor"]).get("/bo/requests/new", headers={"HX-Request": "true"},
                                          query_string={"type_id": r1().id}))
    assert "Pas de copie prévue pour ce type de demande." in form


def test_new_type_goes_last(org, login):
    response = login(org["admin"]).post("/bo/matrix/new", data={
        "name": "Demande de devis groupe", "workflow": "simple", "to_bo": "y", "active": "y"})
    assert response.status_code == 302
    new = db.session.scalar(select(RequestType).where(
        RequestType.name == "Demande de devis groupe"))
    assert new.position == 9 and new.to_bo and new.routes == []


@pytest.mark.parametrize(("data", "message"), [
    ({"name": ""}, "Ce champ est obligatoire."),
    ({"name": "x" * 81}, "80"),
    ({"name": "Log agences"}, "Ce type de demande existe déjà."),
    ({"workflow": "nope"}, "choix"),
    ({"addressees": ["x"]}, "Choix invalide."),
    ({"addressees": ["999999"]}, "Choisissez parmi les personnes proposées."),
    ({"same": True}, "Une même personne ne peut pas être destinataire et en copie."),
])
def test_type_form_refusals(org, login, data, message):
    form = {"name": "Cotation R1", "workflow": "r1", "active": "y", **data}
    if form.pop("same", None):
        form |= {"addressees": [org["manager"].id], "copies": [org["manager"].id]}
    response = login(org["admin"]).post(f"/bo/matrix/{r1().id}", data=form)
    assert response.status_code == 422 and message.lower() in text(response).lower()
    assert r1().routes == [] and r1().workflow == "r1"


def test_unknown_type_is_404(org, login):
    assert login(org["admin"]).get("/bo/matrix/999999").status_code == 404


def test_gesture_validators(org, login):
    http = login(org["admin"])
    response = http.post("/bo/matrix/validators", data={"validators_ids": [org["manager"].id]})
    assert response.status_code == 302
    assert db.session.scalars(select(Designation.user_id)).all() == [org["manager"].id]
    # An advisor is not a manager: refused; "x" is not an id.
    for bad in ([org["advisor"].id], ["x"]):
        assert http.post("/bo/matrix/validators",
                         data={"validators_ids": bad}).status_code == 422
    assert http.post("/bo/matrix/validators", data={}).status_code == 302
    assert db.session.scalars(select(Designation)).all() == []
