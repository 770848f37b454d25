"""Administration of users and teams: forms, bad input, hierarchy paths, history."""

import html

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from webapp.auth.models import Role, Team, User
from webapp.extensions import db

USER = {"email": "nina@example.fr", "name": "Nina Garnier", "role": "advisor",
        "operations_access": "own", "active": "y", "password": "un mot de passe sûr"}


@pytest.fixture
def admin(org, login):
    return login(org["admin"])


def test_create_user_then_log_in(app, org, admin):
    response = admin.post("/admin/users/new", data={**USER, "team_id": org["lyon"].id})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "nina@example.fr"))
    assert user.password_hash.startswith("$argon2")
    login = app.test_client().post("/login", data={"email": "nina@example.fr",
                                                   "password": "un mot de passe sûr"})
    assert login.status_code == 302
    history = admin.get(f"/admin/users/{user.id}").text
    assert "Historique" in history and "••••" in history and "$argon2" not in history


@pytest.mark.parametrize(("data", "message"), [
    ({"email": ""}, "Ce champ est obligatoire."),
    ({"email": "nope"}, "Adresse e-mail invalide."),
    ({"email": "marc@example.fr"}, "déjà utilisée"),
    ({"name": "x" * 121}, "120 caract"),
    ({"password": ""}, "Ce champ est obligatoire."),
    ({"password": "court"}, "entre 10 et 200"),
    ({"role": "pirate"}, "choix valide"),
    ({"team_id": "abc"}, "ne peut pas être converti"),
    ({"team_id": "9999"}, "choix valide"),
    ({"team_id": "0"}, "Choisissez l'équipe"),
])
def test_user_form_bad_input(org, admin, data, message):
    response = admin.post("/admin/users/new", data={**USER, "team_id": org["lyon"].id, **data})
    assert response.status_code == 422
    assert message in html.unescape(response.text)
    assert 'value="Nina Garnier"' in response.text or "name" in data
    assert db.session.scalar(select(User).where(User.name == "Nina Garnier")) is None


def test_deactivating_a_user_ends_their_sessions(app, org, admin):
    marc = org["advisor"]
    http = app.test_client()
    http.post("/login", data={"email": marc.email, "password": PASSWORD})
    assert http.get("/").status_code == 200
    response = admin.post(f"/admin/users/{marc.id}", data={
        **USER, "email": marc.email, "name": marc.name, "team_id": org["lyon"].id,
        "active": "", "password": ""})
    assert response.status_code == 302
    assert http.get("/").status_code == 302


def test_team_hierarchy_paths_follow_moves(org, admin):
    response = admin.post("/admin/teams/new", data={"name": "Agence Angers",
                                                    "parent_id": org["nantes"].id})
    assert response.status_code == 302
    angers = db.session.scalar(select(Team).where(Team.name == "Agence Angers"))
    region, nantes = org["region"], org["nantes"]
    assert angers.path == f"/{region.id}/{nantes.id}/{angers.id}/"
    # Move Nantes to the root: Angers' path follows.
    assert admin.post(f"/admin/teams/{nantes.id}", data={"name": "Agence Nantes",
                                                          "parent_id": 0}).status_code == 302
    db.session.refresh(angers)
    assert angers.path == f"/{nantes.id}/{angers.id}/"


@pytest.mark.parametrize(("data", "message"), [
    ({"name": ""}, "Ce champ est obligatoire."),
    ({"name": "x" * 121}, "120 caract"),
    ({"parent_id": "abc"}, "ne peut pas être converti"),
    ({"parent_id": "9999"}, "choix valide"),
    ({"parent_id": "-1"}, "choix valide"),  # issue 19: was a 500
    ({"parent_id": "99999999999999999999"}, "choix valide"),
])
@pytest.mark.parametrize("url", ["/admin/teams/new", "/admin/teams/2"])
def test_team_form_bad_input(org, admin, data, message, url):
    response = admin.post(url, data={"name": "Agence Tours", "parent_id": 0,
                                                    **data})
    assert response.status_code == 422
    assert message in response.text


def test_team_cannot_move_under_itself(org, admin):
    region, lyon = org["region"], org["lyon"]
    response = admin.post(f"/admin/teams/{region.id}", data={"name": region.name,
                                                              "parent_id": lyon.id})
    assert response.status_code == 422
    assert "une de ses sous-équipes" in response.text


def test_non_admin_cannot_post_admin_forms(org, login):
    http = login(org["manager"])
    assert http.post("/admin/users/new", data=USER).status_code == 403
    assert http.post("/admin/teams/new", data={"name": "X"}).status_code == 403
    assert db.session.scalar(select(User).where(User.email == USER["email"])) is None


def test_roles_have_french_labels():
    assert [r.label for r in Role] == ["Administrateur", "Responsable", "Conseiller",
                                       "Agent BDC", "Assistant back-office"]


def test_user_list_sorts_names_the_french_way(org, admin, make_user):
    make_user(team=org["lyon"], name="Édouard Vidal")
    make_user(team=org["lyon"], name="Thomas Roy")
    page = admin.get("/admin/users").text
    names = ("Alice Admin", "Bruno Dubois", "Claire Martin", "Édouard Vidal", "Léa Bernard",
             "Thomas Roy")
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)
