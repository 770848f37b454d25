"""Tasks and rejets on the client file: creation, change, one-click status, the rejet's
processing (enriched and handed back to its issuer), « Mes tâches » and the group's
list (scoped, filtered by subject and status)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from webapp.activities.tasks.models import Task, TaskKind, TaskStatus
from webapp.extensions import db

NOW = datetime.now(UTC)


@pytest.fixture
def anne(org, make_client):
    return make_client(advisor=org["advisor"], email="anne.roux@example.com")


def posted(org, **changes) -> dict:
    return {"kind": "task", "subject": "Envoyer la plaquette", "due_at": "2031-03-04T09:00",
            "assignee_id": str(org["advisor"].id), "status": "todo", "notes": "", **changes}


def test_new_task_on_the_client(org, login, anne):
    http = login(org["advisor"])
    page = http.get(f"/activities/clients/{anne.id}/tasks/new")
    assert page.status_code == 200 and "Nouvelle tâche pour Anne Roux" in page.text
    assert http.post(f"/activities/clients/{anne.id}/tasks/new",
                     data=posted(org)).status_code == 302
    task = db.session.scalars(select(Task)).one()
    assert task.due_at == datetime(2031, 3, 4, 8, 0, tzinfo=UTC)  # 09:00 in Paris
    assert task.issuer_id == org["advisor"].id and task.kind == TaskKind.TASK


BAD = [
    ({"subject": ""}, "Ce champ est obligatoire."),
    ({"subject": "x" * 201}, "200"),
    ({"due_at": "bientôt"}, "pas une date/heure valide"),
    ({"assignee_id": "abc"}, "hoix"),
    ({"kind": "rejet", "notes": ""}, "motif"),
    ({"kind": "rappel"}, "hoix"),
]


def test_new_task_bad_input(org, login, anne):
    http = login(org["advisor"])
    for changes, message in [*BAD, ({"assignee_id": org["other_advisor"].id},
                                    "hoix")]:
        response = http.post(f"/activities/clients/{anne.id}/tasks/new",
                             data=posted(org, **changes))
        assert response.status_code == 422, changes
        assert message in response.text.replace("&#39;", "'"), changes
    assert db.session.scalars(select(Task)).all() == []


def test_change_and_conflict(org, login, anne, make_task):
    task = make_task(anne, org["advisor"])
    http = login(org["advisor"])
    assert http.get(f"/activities/tasks/{task.id}").status_code == 200
    ok = http.post(f"/activities/tasks/{task.id}", data=posted(
        org, subject="Rappeler lundi", status="doing", version=task.version))
    assert ok.status_code == 302
    stale = http.post(f"/activities/tasks/{task.id}", data=posted(org, version=1))
    assert stale.status_code == 409
    assert db.session.get(Task, task.id).subject == "Rappeler lundi"


def test_one_click_done(org, login, anne, make_task):
    task = make_task(anne, org["advisor"])
    http = login(org["advisor"])
    response = http.post(f"/activities/tasks/{task.id}/status",
                         data={"status": "done", "next": "https://evil.example/"})
    assert response.status_code == 302 and response.location == f"/clients/{anne.id}"
    assert db.session.get(Task, task.id).status == TaskStatus.DONE
    assert http.post(f"/activities/tasks/{task.id}/status",
                     data={"status": "fini"}).status_code == 422


def test_process_a_rejet(org, login, anne, make_rejet):
    rejet = make_rejet(anne, org["advisor"], org["bo_assistant"])
    http = login(org["advisor"])
    page = http.get(f"/activities/tasks/{rejet.id}")
    assert "Enrichir et rendre à Sophie Laurent" in page.text
    empty = http.post(f"/activities/tasks/{rejet.id}/hand-back", data={"comment": ""})
    assert empty.status_code == 422 and "Enrichissez le commentaire" in empty.text
    done = http.post(f"/activities/tasks/{rejet.id}/hand-back",
                     data={"comment": "Bon signé renvoyé"}, follow_redirects=True)
    assert "Rejet rendu à Sophie Laurent." in done.text
    rejet = db.session.get(Task, rejet.id)
    assert rejet.assignee_id == org["bo_assistant"].id and rejet.status == TaskStatus.IN_PROGRESS
    assert "Bon signé renvoyé" in rejet.notes and "Bon de commande sans signature" in rejet.notes
    again = http.post(f"/activities/tasks/{rejet.id}/hand-back", data={"comment": "Encore"})
    assert again.status_code == 404  # no longer the rep's: out of their scope


def test_home_box_shows_today_overdue_and_rejets(org, login, anne, make_task, make_rejet):
    make_task(anne, org["advisor"], subject="En retard", due_at=NOW - timedelta(days=2))
    make_task(anne, org["advisor"], subject="Tout à l'heure", due_at=NOW + timedelta(minutes=1))
    make_task(anne, org["advisor"], subject="Le mois prochain", due_at=NOW + timedelta(days=40))
    make_task(anne, org["other_advisor"], subject="Pas à moi", due_at=NOW)
    make_rejet(anne, org["advisor"], org["bo_assistant"])
    http = login(org["advisor"])
    assert 'id="box-tasks"' in http.get("/").text
    box = http.get("/activities/tasks/box").text
    assert "En retard" in box and "Tout à l&#39;heure" in box and "Rejets à traiter (1)" in box
    assert "Le mois prochain" not in box and "Pas à moi" not in box
    assert box.index("En retard") < box.index("Tout à l&#39;heure")


def test_manager_sees_the_group_open_rejets(org, login, make_client, make_task, make_rejet):
    anne = make_client(advisor=org["advisor"])
    lea_client = make_client(first_name="Paul", advisor=org["other_advisor"])
    make_rejet(anne, org["advisor"], org["bo_assistant"])
    closed = make_rejet(anne, org["advisor"], org["bo_assistant"])
    closed.status = TaskStatus.DONE
    make_rejet(lea_client, org["other_advisor"], org["bo_assistant"])
    make_task(anne, org["advisor"], subject="Appeler pour le rejet du mois")
    db.session.commit()
    page = login(org["manager"]).get("/activities/tasks?kind=rejet&status=open")
    assert page.status_code == 200
    assert page.text.count("Rejet : commande 2027-0042") == 1  # Léa's (Nantes) not shown
    by_subject = login(org["manager"]).get("/activities/tasks?subject=rejet&status=open")
    assert by_subject.text.count("Rejet : commande 2027-0042") == 1
    assert "Appeler pour le rejet du mois" in by_subject.text
    assert login(org["manager"]).get(
        "/activities/tasks?status=zzz&kind=%00&subject=" + "x" * 500).status_code == 200


def test_someone_elses_task_is_404(org, login, anne, make_task):
    task = make_task(anne, org["advisor"])
    other = login(org["other_advisor"])
    assert other.get(f"/activities/tasks/{task.id}").status_code == 404
    assert other.post(f"/activities/tasks/{task.id}/status",
                      data={"status": "done"}).status_code == 404
    assert other.get(f"/activities/clients/{anne.id}/tasks/new").status_code == 404


def test_task_on_one_of_the_clients_opportunities(org, login, anne, make_client,
                                                  make_opportunity):
    opportunity = make_opportunity(anne, owner=org["advisor"])
    other = make_opportunity(make_client(first_name="Paul", advisor=org["advisor"]),
                             owner=org["advisor"])
    hidden = make_opportunity(anne)  # nobody of Marc's: not his to see
    http = login(org["advisor"])
    page = http.get(f"/activities/clients/{anne.id}/tasks/new?opportunity={opportunity.id}")
    assert page.status_code == 200 and "Sur l'opportunité" in page.text
    assert http.post(f"/activities/clients/{anne.id}/tasks/new?opportunity={opportunity.id}",
                     data=posted(org)).status_code == 302
    assert db.session.scalars(select(Task)).one().opportunity_id == opportunity.id
    for stranger in (other, hidden):
        assert http.get(f"/activities/clients/{anne.id}/tasks/new?opportunity={stranger.id}"
                        ).status_code == 404
    assert http.get(f"/activities/clients/{anne.id}/tasks/new?opportunity=abc"
                    ).status_code == 200
