"""Direct tests of the account and team services (the screens, the import and the demo
write through them), refusals included."""

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from webapp.auth.models import Access, Branch, Role, Team, User
from webapp.auth.services import (
    BranchInput,
    TeamInput,
    UserInput,
    authenticate,
    open_session,
    save_branch,
    save_team,
    save_user,
    session_user,
)
from webapp.extensions import db
from webapp.forms import FieldRefused
from webapp.history import AuditRow, cli_actor


def _nina(**changes) -> UserInput:
    values = {"email": " Nina@Example.fr ", "name": " Nina Garnier ", "role": Role.ADVISOR,
              "team_id": None, "password": "un mot de passe sûr"}
    return UserInput(**{**values, **changes})


def test_save_user_creates_an_account_that_logs_in(org):
    user = save_user(User(), _nina(team_id=org["lyon"].id))
    db.session.commit()
    assert (user.email, user.name, user.team, user.operations_access) == (
        "nina@example.fr", "Nina Garnier", org["lyon"], Access.OWN)
    assert authenticate("NINA@example.fr", "un mot de passe sûr") is user
    assert authenticate("nina@example.fr", "autre chose") is None


def test_save_user_refuses_a_taken_address_whatever_its_case(org):
    with pytest.raises(FieldRefused) as refused:
        save_user(User(), _nina(email="MARC@example.fr", team_id=org["lyon"].id))
    assert refused.value.field == "email" and refused.value.status == 422
    assert refused.value.message == "Cette adresse est déjà utilisée par un autre compte."


def test_save_user_keeps_its_own_address(org):
    marc = org["advisor"]
    save_user(marc, _nina(email=marc.email, name="Marc Petit", team_id=org["lyon"].id,
                          password=None))
    assert marc.email == "marc@example.fr" and marc.check_password(PASSWORD)


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.MANAGER, Role.BDC_AGENT,
                                  Role.BO_ASSISTANT])
def test_save_user_refuses_an_account_without_team_but_an_admin(org, role):
    with pytest.raises(FieldRefused) as refused:
        save_user(User(), _nina(role=role))
    assert refused.value.field == "team_id"
    assert refused.value.message == "Choisissez l'équipe de cet utilisateur."
    assert save_user(User(), _nina(role=Role.ADMIN)).team_id is None


def test_deactivation_and_new_password_end_the_sessions(org):
    marc = org["advisor"]
    first = open_session(marc, "Firefox", "10.0.0.1")
    same = _nina(email=marc.email, name=marc.name, team_id=org["lyon"].id, password=PASSWORD)
    save_user(marc, same)  # the same password again: nothing to hash, sessions kept
    assert first.ended_at is None and session_user(marc.session_key) is marc
    save_user(marc, _nina(email=marc.email, team_id=org["lyon"].id, password="nouveau mdp 1"))
    assert first.ended_at is not None and marc.check_password("nouveau mdp 1")
    second = open_session(marc, "Firefox", "10.0.0.1")
    save_user(marc, _nina(email=marc.email, team_id=org["lyon"].id, password=None,
                          active=False))
    assert second.ended_at is not None and not marc.active
    assert authenticate(marc.email, "nouveau mdp 1") is None


def test_a_new_account_without_password_cannot_log_in(org):
    user = save_user(User(), _nina(team_id=org["lyon"].id, password=None))
    assert user.password_hash.startswith("!")
    assert authenticate(user.email, "") is None and not user.check_password(user.password_hash)


def test_save_user_takes_a_ready_hash(org):
    hashed = org["advisor"].password_hash
    user = save_user(User(), _nina(team_id=org["lyon"].id, password=None,
                                   password_hash=hashed))
    assert user.check_password(PASSWORD)


def test_authenticate_upgrades_an_old_hash(app, make_user):
    user = make_user(email="old@example.fr")
    app.config["PASSWORD_HASH_PROFILE"] = "RFC_9106_LOW_MEMORY"
    old = user.password_hash
    assert authenticate("old@example.fr", PASSWORD) is user
    assert user.password_hash != old and "m=65536" in user.password_hash


def test_authenticate_an_unknown_address_costs_an_argon2_verification(org, monkeypatch):
    from webapp.auth import services

    verified = []
    real = services.verify_password
    monkeypatch.setattr(services, "verify_password",
                        lambda h, p: verified.append(h) or real(h, p))
    assert authenticate("personne@example.fr", PASSWORD) is None
    assert len(verified) == 1 and verified[0].startswith("$argon2")


def test_save_team_places_renames_and_moves(org):
    region, nantes = org["region"], org["nantes"]
    angers = save_team(Team(), TeamInput(" Agence Angers ", nantes.id))
    assert angers.name == "Agence Angers"
    assert angers.path == f"/{region.id}/{nantes.id}/{angers.id}/"
    save_team(nantes, TeamInput("Agence Nantes Graslin", None))
    assert nantes.name == "Agence Nantes Graslin" and angers.path == f"/{nantes.id}/{angers.id}/"


@pytest.mark.parametrize("under", ["region", "lyon"])
def test_save_team_refuses_a_cycle(org, under):
    region = org["region"]
    with pytest.raises(FieldRefused) as refused:
        save_team(region, TeamInput(region.name, org[under].id))
    assert refused.value.field == "parent_id" and refused.value.status == 422
    assert "une de ses sous-équipes" in refused.value.message


def test_services_write_history_with_the_cli_actor(org):
    token = cli_actor.set("import")
    try:
        team = save_team(Team(), TeamInput("Agence Tours", org["region"].id))
    finally:
        cli_actor.reset(token)
    actors = db.session.scalars(select(AuditRow.actor).where(
        AuditRow.object_type == "team", AuditRow.object_id == team.id)).all()
    assert actors and set(actors) == {"import"}
    assert db.session.scalar(select(func.count()).select_from(Team)) == 4


def test_save_branch_keeps_names_unique(org, make_branch):
    laval = make_branch("Laval")
    angers = save_branch(Branch(), BranchInput(" Angers "))
    assert angers.name == "Angers"
    save_branch(laval, BranchInput("Laval"))  # its own name again: fine
    with pytest.raises(FieldRefused) as refused:
        save_branch(angers, BranchInput("Laval"))
    assert refused.value.field == "name" and refused.value.status == 422
    assert refused.value.message == "Ce nom est déjà celui d'une autre succursale."
