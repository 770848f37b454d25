"""`flask data export`: the pilote/v1 format, round trip through an empty database."""

import json
from pathlib import Path

from sqlalchemy import func, select

from webapp.auth.models import Team, User
from webapp.clients.models import Client
from webapp.data.registry import SECTIONS
from webapp.extensions import db
from webapp.history import AuditRow

VALID = json.loads((Path(__file__).parent / "data" / "valid.json").read_text("utf-8"))


def _export(runner, path):
    result = runner.invoke(args=["data", "export", str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(path.read_text(encoding="utf-8"))


def _import(runner, path):
    result = runner.invoke(args=["data", "import", str(path)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result


def _empty_database():
    db.session.remove()
    db.drop_all()
    db.create_all()


def test_round_trip_through_an_empty_database(runner, tmp_path):
    source = tmp_path / "source.json"
    source.write_text(json.dumps(VALID), encoding="utf-8")
    _import(runner, source)
    first = _export(runner, tmp_path / "first.json")
    _empty_database()
    _import(runner, tmp_path / "first.json")
    second = _export(runner, tmp_path / "second.json")
    assert second == first
    assert (tmp_path / "first.json").read_bytes() == (tmp_path / "second.json").read_bytes()


def test_export_content(runner, tmp_path):
    source = tmp_path / "source.json"
    source.write_text(json.dumps(VALID), encoding="utf-8")
    _import(runner, source)
    doc = _export(runner, tmp_path / "out.json")
    assert doc["format"] == "pilote/v1"
    assert [t["key"] for t in doc["teams"]] == ["t-lyon", "t-ouest"]
    assert all("password" not in user for user in doc["users"])
    marc = next(u for u in doc["users"] if u["key"] == "u-marc")
    assert marc == {"key": "u-marc", "email": "marc@example.fr", "name": "Marc Petit",
                    "team": "t-lyon", "role": "advisor", "manage_operations": False,
                    "operations_access": "own", "active": True}
    elodie = next(c for c in doc["clients"] if c["key"] == "c-2")
    assert elodie["phone"] == "+33145678912" and elodie["phone2"] == "+33798765432"
    assert elodie["referred_by"] == "c-3" and elodie["advisor"] == "u-claire"


def test_objects_without_key_get_stable_keys(runner, tmp_path, org, make_client):
    """Screens create objects without keys: the export names them, and remembers it, so
    re-importing the export into the same database changes nothing."""
    anne = make_client(advisor=org["advisor"], phone="0612345678")
    first = _export(runner, tmp_path / "first.json")
    assert {"key": f"client-{anne.id}", "advisor": f"user-{org['advisor'].id}"}.items() \
        <= first["clients"][0].items()
    lyon = next(t for t in first["teams"] if t["name"] == "Agence Lyon")
    assert lyon == {"key": f"team-{org['lyon'].id}", "name": "Agence Lyon",
                    "parent": f"team-{org['region'].id}"}
    audit_rows = db.session.scalar(select(func.count()).select_from(AuditRow))
    result = _import(runner, tmp_path / "first.json")
    assert "Clients : 0 création, 0 mise à jour, 1 sans changement" in result.output
    assert db.session.scalar(select(func.count()).select_from(AuditRow)) == audit_rows
    assert _export(runner, tmp_path / "second.json") == first


def test_generated_key_already_taken_gets_a_suffix(runner, tmp_path, make_team):
    first = make_team("Région Ouest")
    make_team("Agence Lyon", key=f"team-{first.id}")
    doc = _export(runner, tmp_path / "out.json")
    assert sorted(t["key"] for t in doc["teams"]) == [f"team-{first.id}",
                                                     f"team-{first.id}-2"]
    assert db.session.scalar(select(func.count()).select_from(Team).where(
        Team.key.is_(None))) == 0


def test_export_of_an_empty_database(runner, tmp_path):
    doc = _export(runner, tmp_path / "out.json")
    # The routing sections export their default data (request types, companies) only.
    assert {k: v for k, v in doc.items() if not k.startswith("routing_")} == (
        {"format": "pilote/v1"} | {section.name: [] for section in SECTIONS
                                   if not section.name.startswith("routing_")})
    assert doc["routing_competences"] == doc["routing_requests"] == []
    assert list(doc)[:7] == ["format", "teams", "users", "branches", "clients", "operations",
                             "opportunities"]
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert db.session.scalar(select(func.count()).select_from(Client)) == 0
