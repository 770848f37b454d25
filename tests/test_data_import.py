"""`flask data import`: validation of the whole file, all-or-nothing load, idempotence."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.documents import DROP, edited
from webapp.auth.models import Branch, Role, Team, User
from webapp.auth.services import open_session
from webapp.clients.models import AdvisorPeriod, Client
from webapp.extensions import db
from webapp.history import AuditRow

PASSWORD = "un-mot-de-passe-solide"
VALID = json.loads((Path(__file__).parent / "data" / "valid.json").read_text("utf-8"))
MODELS = (Team, User, Branch, Client, AdvisorPeriod, AuditRow)


@pytest.fixture
def run_import(runner, tmp_path):
    """``run_import(doc)`` writes ``doc`` to a file and imports it; returns the result."""

    def run(doc, name="import.json"):
        path = tmp_path / name
        path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
        result = runner.invoke(args=["data", "import", str(path)])
        db.session.expire_all()
        return result

    return run


def doc_with(**changes):
    """A copy of VALID; ``changes`` maps ``"clients.0.phone"`` to a new value."""
    return edited(VALID, changes)


def counts():
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def client(key) -> Client:
    return db.session.scalar(select(Client).where(Client.key == key))


def test_valid_file_loads(run_import):
    result = run_import(VALID)
    assert result.exit_code == 0, result.output
    assert "Clients : 3 créations, 0 mise à jour, 0 sans changement" in result.output
    assert {k: v for k, v in counts().items() if k != "AuditRow"} == {
        "Team": 2, "User": 4, "Branch": 1, "Client": 3, "AdvisorPeriod": 2}
    ouest, lyon = (db.session.scalar(select(Team).where(Team.key == k))
                   for k in ("t-ouest", "t-lyon"))
    assert lyon.parent is ouest and lyon.path == f"/{ouest.id}/{lyon.id}/"
    marc = db.session.scalar(select(User).where(User.key == "u-marc"))
    assert marc.email == "marc@example.fr" and marc.team is lyon and marc.role == Role.ADVISOR
    assert marc.check_password(PASSWORD)
    anne = client("c-1")
    assert (anne.phone, anne.phone_key, anne.phone_is_mobile) == (
        "+33 6 12 34 56 78", "0612345678", True)
    assert (anne.name_key, anne.name_key_rev, anne.email_key) == (
        "roux anne", "anne roux", "anne.roux@example.fr")
    assert anne.branch.name == "Laval" and anne.advisor is marc
    assert [(p.advisor, p.ended_on) for p in anne.advisor_periods] == [(marc, None)]
    elodie = client("c-2")
    assert elodie.name_key == "d aubigne elodie" and elodie.phone2_key == "0798765432"
    assert elodie.referred_by is client("c-3") and elodie.language == "pt"
    assert client("c-3").advisor is None and client("c-3").advisor_periods == []
    actors = db.session.scalars(select(AuditRow.actor).distinct()).all()
    assert actors == ["import"]


def test_user_without_password_cannot_log_in(run_import):
    assert run_import(VALID).exit_code == 0
    claire = db.session.scalar(select(User).where(User.key == "u-claire"))
    assert claire.password_hash.startswith("!")
    assert not claire.check_password("") and not claire.check_password(claire.password_hash)


def test_importing_twice_changes_nothing(run_import):
    assert run_import(VALID).exit_code == 0
    before = counts()
    stamps = {c.key: (c.updated_at, c.version) for c in db.session.scalars(select(Client))}
    result = run_import(VALID)
    assert result.exit_code == 0, result.output
    assert "Clients : 0 création, 0 mise à jour, 3 sans changement" in result.output
    assert "Utilisateurs : 0 création, 0 mise à jour, 4 sans changement" in result.output
    assert counts() == before
    assert {c.key: (c.updated_at, c.version)
            for c in db.session.scalars(select(Client))} == stamps


def test_reimport_with_one_changed_field_changes_only_that_field(run_import):
    assert run_import(VALID).exit_code == 0
    last_audit = db.session.scalar(select(func.max(AuditRow.id)))
    version = client("c-1").version
    result = run_import(doc_with(**{"clients.0.city": "Nantes"}))
    assert "Clients : 0 création, 1 mise à jour, 2 sans changement" in result.output
    rows = db.session.scalars(select(AuditRow).where(AuditRow.id > last_audit)).all()
    assert [(r.object_type, r.field, r.old, r.new, r.actor) for r in rows] == [
        ("client", "city", None, "Nantes", "import")]
    assert client("c-1").city == "Nantes" and client("c-1").version == version + 1


def test_advisor_change_goes_to_the_advisor_history(run_import):
    assert run_import(VALID).exit_code == 0
    run_import(doc_with(**{"clients.0.advisor": "u-claire"}))
    periods = client("c-1").advisor_periods
    assert sorted((p.advisor.key, p.ended_on is None) for p in periods) == [
        ("u-claire", True), ("u-marc", False)]


def test_absent_field_keeps_its_value_and_null_clears_it(run_import):
    assert run_import(VALID).exit_code == 0
    run_import(doc_with(**{"clients.0.email": DROP, "clients.0.phone": None}))
    anne = client("c-1")
    assert anne.email == "anne.roux@example.fr"
    assert (anne.phone, anne.phone_key, anne.phone_is_mobile) == (None, None, None)


def test_references_may_point_to_the_database(run_import):
    assert run_import(VALID).exit_code == 0
    doc = {"format": "pilote/v1", "clients": [
        {"key": "c-9", "first_name": "Zoé", "last_name": "Marchand", "advisor": "u-marc",
         "branch": "b-laval", "referred_by": "c-1"}]}
    result = run_import(doc)
    assert result.exit_code == 0, result.output
    assert client("c-9").advisor.key == "u-marc" and client("c-9").referred_by.key == "c-1"


def test_changed_password_is_rehashed_and_sessions_closed(run_import):
    assert run_import(VALID).exit_code == 0
    marc = db.session.scalar(select(User).where(User.key == "u-marc"))
    session = open_session(marc, "Firefox", "10.0.0.1")
    db.session.commit()
    run_import(doc_with(**{"users.0.password": "un-autre-mot-de-passe"}))
    db.session.refresh(session)
    assert marc.check_password("un-autre-mot-de-passe") and session.ended_at is not None


def test_several_errors_load_nothing_and_are_all_listed(run_import):
    doc = doc_with(**{
        "teams.0.parent": "t-nowhere",
        "users.1.email": "claire@",
        "branches.0.name": DROP,
        "clients.0.phone": "06 12",
        "clients.0.fax": "0145678912",
        "clients.1.advisor": "u9",
        "clients.2.first_name": "Unknown",
    })
    result = run_import(doc)
    assert result.exit_code == 1
    errors = [line.strip() for line in result.output.splitlines()[1:]]
    assert errors == [
        'teams[0].parent: équipe inconnue « t-nowhere »',
        'users[1].email: adresse e-mail invalide',
        'branches[0].name: champ obligatoire',
        'clients[0].fax: champ inconnu',
        'clients[0].phone: Numéro de téléphone invalide.',
        'clients[2].first_name: « Unknown » n\'est pas un vrai nom : saisissez le nom du client',
        'clients[1].advisor: utilisateur inconnu « u9 »',
    ]
    assert "Import refusé : 7 erreurs, rien n'a été importé." in result.output
    assert set(counts().values()) == {0}


@pytest.mark.parametrize(("changes", "expected"), [
    ({"clients.1.fax": "x"}, "clients[1].fax: champ inconnu"),
    ({"clients.1.advisor": "u9"}, 'clients[1].advisor: utilisateur inconnu « u9 »'),
    ({"clients.1.branch": "b-x"}, 'clients[1].branch: succursale inconnue « b-x »'),
    ({"clients.1.referred_by": "c-2"},
     "clients[1].referred_by: un client ne peut pas se recommander lui-même"),
    ({"clients.1.advisor": "u-bruno"},
     "clients[1].advisor: « u-bruno » n'est ni conseiller ni responsable"),
    ({"clients.0.phone": "12"}, "clients[0].phone: Numéro de téléphone invalide."),
    ({"clients.0.phone": "abc"}, "clients[0].phone: Numéro de téléphone illisible."),
    ({"clients.2.last_name": "  Undefined "},
     "clients[2].last_name: « Undefined » n'est pas un vrai nom : saisissez le nom du client"),
    ({"clients.2.last_name": ""}, "clients[2].last_name: champ obligatoire"),
    ({"clients.2.language": "xx"},
     "clients[2].language: valeur inconnue « xx » (valeurs possibles : "
     "fr, en, es, de, it, pt, ar)"),
    ({"clients.2.key": "c-1"}, "clients[2].key: clé en double (déjà utilisée par clients[0])"),
    ({"clients.2.first_name": 42}, "clients[2].first_name: texte attendu"),
    ({"clients.2.city": "x" * 81}, "clients[2].city: 80 caractères au plus"),
    ({"clients.2": "Paul"}, "clients[2]: objet attendu"),
    ({"clients": {"key": "c-1"}}, "clients: liste attendue"),
    ({"users.2.role": "boss"}, "users[2].role: valeur inconnue « boss » (valeurs possibles : "
                               "admin, manager, advisor, bdc_agent, bo_assistant)"),
    ({"users.1.operations_access": "most"}, "users[1].operations_access: valeur inconnue "
                                            "« most » (valeurs possibles : none, own, team, all)"),
    ({"users.1.active": "yes"}, "users[1].active: true ou false attendu"),
    ({"users.1.email": "MARC@example.fr"},
     "users[1].email: adresse déjà utilisée par users[0]"),
    ({"users.1.team": None}, "users[1].team: équipe obligatoire (sauf pour un administrateur)"),
    ({"users.0.password": "court"},
     "users[0].password: le mot de passe doit compter entre 10 et 200 caractères"),
    ({"branches.1": {"key": "b-2", "name": "Laval"}},
     "branches[1].name: nom déjà utilisé par branches[0]"),
    ({"format": "pilote/v2"},
     "format: format « pilote/v2 » non pris en charge (attendu : « pilote/v1 »)"),
    ({"format": DROP}, "format: champ obligatoire (« pilote/v1 »)"),
    ({"meetings": []}, "meetings: section inconnue"),
    ({"teams.1.parent": "t-lyon"},
     "teams[0].parent: cycle dans la hiérarchie des équipes : t-lyon → t-ouest → t-lyon"),
    ({"teams.1.parent": "t-ouest"},
     "teams[1].parent: cycle dans la hiérarchie des équipes : t-ouest → t-ouest"),
])
def test_each_error_is_reported_with_its_path(run_import, changes, expected):
    result = run_import(doc_with(**changes))
    assert result.exit_code == 1
    assert f"  {expected}\n" in result.output
    assert set(counts().values()) == {0}


def test_cycle_through_the_database_is_refused(run_import):
    assert run_import(VALID).exit_code == 0
    doc = {"format": "pilote/v1", "teams": [{"key": "t-ouest", "name": "Région Ouest",
                                             "parent": "t-lyon"}]}
    result = run_import(doc)
    assert result.exit_code == 1
    assert "teams[0].parent: cycle dans la hiérarchie des équipes : t-ouest → t-lyon → " \
           "t-ouest" in result.output


def test_moving_a_team_rewrites_the_paths_below_it(run_import):
    doc = doc_with(**{"teams.2": {"key": "t-nord", "name": "Région Nord"}})
    assert run_import(doc).exit_code == 0
    assert run_import(doc_with(**{"teams.0.parent": "t-nord", "teams.2": {
        "key": "t-nord", "name": "Région Nord"}})).exit_code == 0
    nord, lyon = (db.session.scalar(select(Team).where(Team.key == k))
                  for k in ("t-nord", "t-lyon"))
    assert lyon.path == f"/{nord.id}/{lyon.id}/"


def test_email_of_another_account_is_refused(run_import, make_user):
    make_user(email="claire@example.fr")
    result = run_import(VALID)
    assert "users[1].email: adresse déjà utilisée par un autre compte" in result.output


@pytest.mark.parametrize(("content", "expected"), [
    ("{", "JSON illisible (ligne 1, colonne 2)"),
    ("[]", "$: objet JSON attendu"),
    ('{"format": "pilote/v1"}', None),
])
def test_unreadable_or_empty_files(run_import, content, expected):
    result = run_import(content)
    if expected is None:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 1 and expected in result.output
