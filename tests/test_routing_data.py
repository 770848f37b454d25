"""The routing sections of pilote/v1: request types, companies, the competence table and
requests with their feedback; idempotent, the screens' rules, an export round trip."""

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from webapp import clock
from webapp.extensions import db
from webapp.routing import queries
from webapp.routing.models import ClientRequest, ClientRequestType, Company, RoutingProfile

VALID = json.loads((Path(__file__).parent / "data" / "valid.json").read_text("utf-8"))


def document(**changes) -> dict:
    sent = (datetime.now(UTC) - timedelta(days=10)).isoformat()
    day = (clock.today() - timedelta(days=9)).isoformat()
    doc = copy.deepcopy(VALID) | {
        "routing_request_types": [
            {"key": "rt-rachat", "name": "Demande de rachat", "ends_contract": True},
            {"key": "rt-clause", "name": "Changement de clause bénéficiaire"}],
        "routing_companies": [{"key": "co-generali", "name": "Generali"},
                              {"key": "co-abeille", "name": "Abeille Assurances"}],
        "routing_competences": [
            {"key": "p-marc", "advisor": "u-marc", "volunteer": True, "sectors": "69, 01",
             "max_open": 10, "competences": [["rt-rachat", "co-generali"],
                                             ["rt-clause", "co-abeille"]]}],
        "routing_requests": [
            {"key": "r-1", "client": "c-1", "channel": "phone", "type": "rt-rachat",
             "company": "co-generali", "description": "Rachat partiel", "advisor": "u-marc",
             "author": "u-bruno", "transmitted_at": sent,
             "feedback": [{"kind": "call", "done_on": day, "note": "Rappelé"},
                          {"kind": "money_pitch", "done_on": day}],
             "closed_on": day},
            {"key": "r-2", "client": "c-3", "channel": "email", "type": "rt-clause",
             "company": "co-abeille", "advisor": "u-marc", "transmitted_at": sent}],
    }
    for path, value in changes.items():
        section, index, name = path.split(".")
        doc[section][int(index)][name] = value
    return doc


@pytest.fixture
def run_import(runner, tmp_path):
    def run(doc):
        path = tmp_path / "import.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        result = runner.invoke(args=["data", "import", str(path)])
        db.session.expire_all()
        return result

    return run


def test_routing_sections_load_and_reimport_changes_nothing(run_import):
    result = run_import(document())
    assert result.exit_code == 0, result.output
    # The default « Demande de rachat » and « Generali » are adopted by name.
    assert "Types de demande client : 1 création, 0 mise à jour, 1 sans changement" \
        in result.output
    assert "Demandes clients : 2 créations" in result.output
    assert db.session.scalar(select(func.count(ClientRequestType.id))) == 6
    profile = db.session.scalar(select(RoutingProfile))
    assert (profile.sectors, profile.max_open, len(profile.competences)) == ("69, 01", 10, 2)
    first = db.session.scalar(select(ClientRequest).where(ClientRequest.key == "r-1"))
    assert [a.kind for a in first.actions] == ["call", "money_pitch"]
    assert first.closed_on is not None and first.answered_on == first.actions[0].done_on
    marc = first.advisor_id
    # r-1: answered in time (+2), Money Pitch (+1); r-2: no feedback after 10 days (−3).
    assert queries.scores() == {marc: 0}
    again = run_import(document())
    assert again.exit_code == 0, again.output
    assert "Demandes clients : 0 création, 0 mise à jour, 2 sans changement" in again.output
    assert "Tableau des compétences : 0 création, 0 mise à jour, 1 sans changement" \
        in again.output


@pytest.mark.parametrize("change, error", [
    ({"routing_requests.0.type": "rt-x"}, "routing_requests[0].type: type inconnu « rt-x »"),
    ({"routing_requests.0.channel": "fax"}, "routing_requests[0].channel: valeur inconnue"),
    ({"routing_requests.0.feedback": [{"kind": "call", "done_on": "2000-01-01"}]},
     "routing_requests[0].feedback: action datée avant la transmission"),
    ({"routing_competences.0.sectors": "Lyon"},
     "routing_competences[0].sectors: Secteur « LYON » illisible"),
    ({"routing_competences.0.competences": [["rt-rachat", "co-x"]]},
     "routing_competences[0].competences: type ou compagnie inconnus"),
    ({"routing_companies.1.name": "Generali"}, "routing_companies[1].name: nom déjà utilisé"),
])
def test_import_applies_the_rules(run_import, change, error):
    result = run_import(document(**change))
    assert result.exit_code == 1
    assert any(line.strip().startswith(error) for line in result.output.splitlines()), \
        result.output
    assert db.session.scalar(select(func.count(ClientRequest.id))) == 0


def test_export_round_trip(runner, run_import, tmp_path):
    assert run_import(document()).exit_code == 0
    first = tmp_path / "first.json"
    assert runner.invoke(args=["data", "export", str(first)]).exit_code == 0
    exported = json.loads(first.read_text(encoding="utf-8"))
    assert {c["name"] for c in exported["routing_companies"]} >= {"Abeille Assurances"}
    assert exported["routing_requests"][0]["feedback"][0]["note"] == "Rappelé"
    db.session.remove()
    db.drop_all()
    db.create_all()
    assert runner.invoke(args=["data", "import", str(first)]).exit_code == 0
    again = tmp_path / "second.json"
    assert runner.invoke(args=["data", "export", str(again)]).exit_code == 0
    assert again.read_bytes() == first.read_bytes()
    assert db.session.scalar(select(Company.id).where(Company.name == "Abeille Assurances"))


def test_demo_has_a_competence_table_requests_in_every_state_and_orphans(runner):
    from webapp.auth.models import Role, User
    from webapp.clients.models import Client
    from webapp.routing.tracking import queries as tracking

    result = runner.invoke(args=["data", "demo", "--scale", "90"])
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
    counts = tracking.counts(tracking.Filters(), admin, clock.today())
    assert all(counts[state] > 0 for state in ("waiting", "overdue", "answered", "closed")), \
        counts
    assert db.session.scalar(select(func.count(RoutingProfile.id).filter(
        RoutingProfile.volunteer.is_(True)))) > 0
    assert db.session.scalar(select(func.count(Client.id)).where(
        Client.advisor_id.is_(None))) >= 10
    assert queries.scores()
