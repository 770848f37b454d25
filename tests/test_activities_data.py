"""The ``appointments``, ``tasks`` and ``discoveries`` sections of pilote/v1: loaded
through the services (no invitation for an imported appointment), idempotent on keys,
checked as the screens check, exported back."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.documents import edited
from webapp.activities.appointments.models import Appointment
from webapp.activities.discovery.models import Discovery
from webapp.activities.tasks.models import Task, TaskKind, TaskStatus
from webapp.extensions import db
from webapp.notifications.models import OutboxMessage

VALID = json.loads((Path(__file__).parent / "data" / "valid.json").read_text("utf-8"))
ACTIVITIES = {
    "appointments": [
        {"key": "r-1", "client": "c-1", "rep": "u-marc", "subject": "Présentation du pavé",
         "starts_at": "2031-03-04T10:30:00+01:00", "duration_minutes": 45,
         "place": "12 rue des Lilas", "status": "planned"},
        {"key": "r-2", "client": "c-2", "rep": "u-claire", "subject": "Bilan annuel",
         "starts_at": "2031-03-05T09:00:00+01:00", "virtual": True, "status": "cancelled"}],
    "tasks": [
        {"key": "t-1", "client": "c-1", "subject": "Envoyer la plaquette",
         "due_at": "2031-03-01T09:00:00+01:00", "assignee": "u-marc", "status": "todo"},
        {"key": "t-2", "client": "c-1", "kind": "rejet", "subject": "Rejet commande 42",
         "due_at": "2031-03-02T09:00:00+01:00", "assignee": "u-marc", "issuer": "u-bruno",
         "notes": "Signature manquante", "status": "doing"}],
    "discoveries": [
        {"key": "d-1", "client": "c-1", "activity": "Fleuriste", "projects": "Site",
         "next": "Revoir dans 3 mois"}],
}


def doc(changes=None):
    return edited({**VALID, **ACTIVITIES}, changes or {})


@pytest.fixture
def run_import(runner, tmp_path):
    def run(document):
        path = tmp_path / "import.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        result = runner.invoke(args=["data", "import", str(path)])
        db.session.expire_all()
        return result

    return run


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_load_reimport_and_change(run_import):
    result = run_import(doc())
    assert result.exit_code == 0, result.output
    assert "Rendez-vous : 2 créations" in result.output
    assert "Tâches : 2 créations" in result.output and "Découvertes : 1 création" in result.output
    first = db.session.scalar(select(Appointment).where(Appointment.key == "r-1"))
    assert first.duration_minutes == 45 and first.starts_at.hour == 9  # UTC
    assert db.session.scalar(select(Appointment).where(Appointment.key == "r-2")).cancelled
    assert _count(OutboxMessage) == 0  # no invitation for history
    rejet = db.session.scalar(select(Task).where(Task.key == "t-2"))
    assert (rejet.kind, rejet.status, rejet.issuer.name) == (
        TaskKind.REJET, TaskStatus.IN_PROGRESS, "Bruno Dubois")
    assert _count(Task) == 4  # two typed, two « confirmer le RDV »
    assert len(db.session.scalars(select(Discovery)).one().items) == 3
    again = run_import(doc())
    assert "Rendez-vous : 0 création, 0 mise à jour, 2 sans changement" in again.output
    assert "Tâches : 0 création, 0 mise à jour, 2 sans changement" in again.output
    assert "Découvertes : 0 création, 0 mise à jour, 1 sans changement" in again.output
    changed = run_import(doc({"tasks.0.status": "done",
                              "appointments.0.starts_at": "2031-03-04T11:00:00+01:00"}))
    assert "Tâches : 0 création, 1 mise à jour, 1 sans changement" in changed.output
    assert "Rendez-vous : 0 création, 1 mise à jour, 1 sans changement" in changed.output
    assert _count(Task) == 4 and _count(OutboxMessage) == 0


@pytest.mark.parametrize(("change", "error"), [
    ({"tasks.1.notes": None}, "tasks[1].notes: un rejet indique son motif"),
    ({"tasks.0.kind": "confirm"}, "tasks[0].kind: valeur inconnue « confirm »"),
    ({"tasks.0.assignee": "u-9"}, "tasks[0].assignee: utilisateur inconnu « u-9 »"),
    ({"tasks.0.due_at": "2031-03-01T09:00:00"}, "tasks[0].due_at: fuseau horaire manquant"),
    ({"appointments.0.place": None}, "appointments[0].place: lieu obligatoire"),
    ({"appointments.0.duration_minutes": 5}, "appointments[0].duration_minutes: durée"),
    ({"discoveries.0.next": None}, "discoveries[0].client: renseignez au moins 3 thèmes"),
])
def test_refusals(run_import, change, error):
    result = run_import(doc(change))
    assert result.exit_code != 0 and error in result.output, result.output
    assert _count(Task) == 0 and _count(Appointment) == 0


def test_export_round_trip(run_import, runner, tmp_path):
    run_import(doc())
    out = tmp_path / "export.json"
    result = runner.invoke(args=["data", "export", str(out)])
    assert result.exit_code == 0, result.output
    exported = json.loads(out.read_text("utf-8"))
    assert [t["key"] for t in exported["tasks"]] == ["t-1", "t-2"]  # no « confirmer »
    assert exported["appointments"][0]["starts_at"] == "2031-03-04T09:30:00+00:00"
    assert exported["discoveries"][0]["projects"] == "Site"
    again = run_import(exported)
    assert "Tâches : 0 création, 0 mise à jour, 2 sans changement" in again.output


def test_demo_gives_every_rep_a_week(runner):
    from webapp.activities.appointments.rules import week_of
    from webapp.auth.models import Role, User
    from webapp.clock import day_start, today
    result = runner.invoke(args=["data", "demo", "--scale", "120"])
    assert result.exit_code == 0, result.output
    assert "rendez-vous :" in result.output and "rejets :" in result.output
    monday, sunday = week_of(today())
    reps_with_clients = db.session.scalars(select(User.id).where(
        User.role == Role.ADVISOR, User.id.in_(select(Appointment.rep_id)))).all()
    assert len(reps_with_clients) >= 10
    starts = db.session.scalars(select(Appointment.starts_at)).all()
    assert all(day_start(monday) <= s < day_start(sunday) for s in starts)
    assert db.session.scalar(select(func.count()).select_from(Task).where(
        Task.kind == TaskKind.REJET)) >= 3
    assert _count(OutboxMessage) == 0
