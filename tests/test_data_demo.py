"""`flask data demo`: bulk demo data that the screens' rules accept."""

import json
import re
from collections import Counter

import pytest
from sqlalchemy import func, select

from webapp.auth.models import Role, User
from webapp.clients.models import AdvisorPeriod, Client
from webapp.clients.rules import parse_phone, search_key
from webapp.extensions import db
from webapp.history import AuditRow

LOGIN = re.compile(r"^  (\S+@\S+) / (\S+)  \((.+), (.+)\)$", re.M)


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["data", "demo", "--scale", "200"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result


def test_demo_prints_each_steps_duration(demo):
    """What the scale's time goes to, step by step (the 1 000 000 seed's budget)."""
    steps = re.search(r"^Étapes : (.+)\.$", demo.output, re.M).group(1).split(", ")
    assert [step.split()[0] for step in steps] == [
        "people", "clients", "accounts", "operations", "opportunities", "activities",
        "sales", "proposals", "routing", "commit", "analyze"]


def test_demo_creates_clients_with_valid_phones_and_keys(demo):
    clients = db.session.scalars(select(Client)).all()
    assert len(clients) == 200
    for c in clients:
        for slot in ("phone", "phone2"):
            if getattr(c, slot):
                parsed = parse_phone(getattr(c, slot))
                assert parsed.display == getattr(c, slot)
                assert (parsed.key, parsed.is_mobile) == (
                    getattr(c, f"{slot}_key"), getattr(c, f"{slot}_is_mobile"))
        assert c.name_key == search_key(f"{c.last_name} {c.first_name}")
        assert c.name_key_rev == search_key(f"{c.first_name} {c.last_name}")
        assert c.email_key == (c.email.lower() if c.email else None)
    mobiles = sum(c.phone_is_mobile for c in clients)
    assert 0.7 < mobiles / 200 < 0.9
    assert {c.phone_key[:2] for c in clients if not c.phone_is_mobile} <= {
        "01", "02", "03", "04", "05"}


def test_demo_builds_the_hierarchy_and_advisor_history(demo):
    roles = Counter(db.session.scalars(select(User.role).where(User.active)))
    assert roles[Role.ADMIN] == 1 and roles[Role.MANAGER] >= 2
    assert roles[Role.BDC_AGENT] == 2 and roles[Role.BO_ASSISTANT] == 2
    assert roles[Role.ADVISOR] >= 6 * 6
    advised = db.session.scalars(select(Client).where(Client.advisor_id.is_not(None))).all()
    for c in advised:
        current = [p for p in c.advisor_periods if p.ended_on is None]
        assert [p.advisor_id for p in current] == [c.advisor_id]
    assert db.session.scalar(select(func.count()).select_from(AdvisorPeriod).where(
        AdvisorPeriod.ended_on.is_not(None))) > 0
    depths = Counter(u.team.depth for u in db.session.scalars(
        select(User).where(User.role == Role.MANAGER)))
    assert depths[1] >= 1 and depths[2] >= 1  # région and agence managers


def test_demo_rows_are_not_audited(demo):
    assert db.session.scalar(select(func.count()).select_from(AuditRow)) == 0


def test_demo_logins_work(demo, app):
    logins = LOGIN.findall(demo.output)
    assert ("admin@pilote.demo", "demo-pilote-2026", "Administrateur", "—") in logins
    by_role = {role: (email, password) for email, password, role, _team in logins}
    assert set(by_role) == {r.label for r in Role}
    for email, password in by_role.values():
        response = app.test_client().post("/login", data={"email": email,
                                                          "password": password})
        assert response.status_code == 302, email


def test_demo_data_passes_the_import_rules(demo, runner, tmp_path):
    """Exported and re-imported into an empty database, the demo is accepted as is."""
    path = tmp_path / "demo.json"
    assert runner.invoke(args=["data", "export", str(path)]).exit_code == 0
    db.session.remove()
    db.drop_all()
    db.create_all()
    result = runner.invoke(args=["data", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Clients : 200 créations" in result.output
    assert len(json.loads(path.read_text())["clients"]) == 200


def test_demo_refuses_a_database_with_data(runner, make_team):
    make_team()
    result = runner.invoke(args=["data", "demo", "--scale", "10"])
    assert result.exit_code == 1
    assert "La base contient déjà des données" in result.output
    assert db.session.scalar(select(func.count()).select_from(Client)) == 0


def test_demo_is_reproducible(demo, runner):
    first = db.session.execute(select(Client.key, Client.first_name, Client.last_name,
                                      Client.phone).order_by(Client.id)).all()
    db.session.remove()
    db.drop_all()
    db.create_all()
    assert runner.invoke(args=["data", "demo", "--scale", "200"]).exit_code == 0
    assert db.session.execute(select(Client.key, Client.first_name, Client.last_name,
                                     Client.phone).order_by(Client.id)).all() == first
