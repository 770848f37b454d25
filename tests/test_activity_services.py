"""The write services of tasks, rejets, appointments and discovery, refusals included."""

from datetime import UTC, datetime, timedelta

import pytest

from webapp.activities.tasks.models import Task, TaskKind, TaskStatus
from webapp.activities.tasks.services import create_task, hand_back, set_status
from webapp.errors import Refused
from webapp.extensions import db

SOON = datetime(2031, 3, 4, 9, 30, tzinfo=UTC)


def test_create_task_the_contract(org, make_client):
    client = make_client(advisor=org["advisor"])
    task = create_task(client.id, " Envoyer le devis ", SOON, org["advisor"].id,
                       notes="Pavé visibilité")
    db.session.commit()
    stored = db.session.get(Task, task.id)
    assert (stored.subject, stored.kind, stored.status) == (
        "Envoyer le devis", TaskKind.TASK, TaskStatus.TODO)
    assert stored.due_at == SOON and stored.assignee_id == org["advisor"].id


@pytest.mark.parametrize("subject, kind, notes", [
    ("", TaskKind.TASK, ""), ("x" * 201, TaskKind.TASK, ""), ("Rejet", TaskKind.REJET, " ")])
def test_create_task_refusals(org, make_client, subject, kind, notes):
    client = make_client(advisor=org["advisor"])
    with pytest.raises(Refused):
        create_task(client.id, subject, SOON, org["advisor"].id, kind=kind, notes=notes)


def test_create_task_refuses_an_unknown_assignee(org, make_client):
    with pytest.raises(Refused):
        create_task(make_client().id, "Appeler", SOON, 999_999)


def test_hand_back_enriches_and_returns_to_the_issuer(org, make_client, make_rejet):
    client = make_client(advisor=org["advisor"])
    rejet = make_rejet(client, org["advisor"], org["bo_assistant"])
    hand_back(rejet, "Signature obtenue, bon renvoyé", org["advisor"])
    db.session.commit()
    assert rejet.assignee_id == org["bo_assistant"].id
    assert rejet.status == TaskStatus.IN_PROGRESS
    assert rejet.notes.startswith("Bon de commande sans signature\n[")
    assert rejet.notes.endswith("Marc Petit] Signature obtenue, bon renvoyé")


def test_hand_back_refused_without_comment_or_by_someone_else(org, make_client, make_rejet):
    rejet = make_rejet(make_client(advisor=org["advisor"]), org["advisor"], org["bo_assistant"])
    with pytest.raises(Refused):
        hand_back(rejet, "  ", org["advisor"])
    with pytest.raises(Refused):
        hand_back(rejet, "Vu", org["other_advisor"])
    set_status(rejet, TaskStatus.DONE)
    assert rejet.done_at is not None
    with pytest.raises(Refused):
        hand_back(rejet, "Vu", org["advisor"])


def test_a_plain_task_is_not_handed_back(org, make_client, make_task):
    task = make_task(make_client(advisor=org["advisor"]), org["advisor"],
                     issuer_id=org["manager"].id)
    with pytest.raises(Refused):
        hand_back(task, "Vu", org["advisor"])
    assert task.due_at > datetime.now(UTC) - timedelta(minutes=1)
