"""Writes of tasks and rejets: create (the contract other domains call), change, set the
status, hand a rejet back to its issuer. Services take values, raise ``Refused``, flush."""

from dataclasses import dataclass
from datetime import UTC, datetime

from webapp import clock
from webapp.activities.tasks.models import Task, TaskKind, TaskStatus
from webapp.activities.tasks.rules import enriched, hand_back_error, task_error
from webapp.auth.models import User
from webapp.errors import Refused
from webapp.extensions import db


def _status_changed(task: Task, status: str) -> None:
    task.status = TaskStatus(status)
    task.done_at = datetime.now(UTC) if task.status == TaskStatus.DONE else None


def create_task(client_id: int, subject: str, due_at: datetime, assignee_id: int, *,
                kind: TaskKind = TaskKind.TASK, notes: str = "", issuer_id: int | None = None,
                opportunity_id: int | None = None) -> Task:
    """A new task « à faire » on the client (and the opportunity), due at ``due_at`` (an
    aware instant), for ``assignee_id``. A rejet needs its reason in ``notes``."""
    if error := task_error(subject, kind, notes):
        raise Refused(error)
    if db.session.get(User, assignee_id) is None:
        raise Refused("Choisissez à qui confier la tâche.")
    task = Task(client_id=client_id, subject=subject.strip(), due_at=due_at,
                assignee_id=assignee_id, kind=TaskKind(kind), notes=(notes or "").strip(),
                issuer_id=issuer_id, opportunity_id=opportunity_id, status=TaskStatus.TODO)
    db.session.add(task)
    db.session.flush()
    return task


@dataclass(frozen=True)
class TaskChange:
    """A task as edited: the form's ``values()``."""

    subject: str
    due_at: datetime
    assignee_id: int
    status: str
    notes: str = ""


def update_task(task: Task, values: TaskChange) -> Task:
    """Change a task's subject, due instant, assignee, status and notes."""
    if error := task_error(values.subject, task.kind, values.notes):
        raise Refused(error)
    if db.session.get(User, values.assignee_id) is None:
        raise Refused("Choisissez à qui confier la tâche.")
    task.subject, task.due_at = values.subject.strip(), values.due_at
    task.assignee_id, task.notes = values.assignee_id, (values.notes or "").strip()
    if values.status != task.status:
        _status_changed(task, values.status)
    db.session.flush()
    return task


def set_status(task: Task, status: str) -> Task:
    """« À faire », « en cours » or « terminée »."""
    if status not in TaskStatus.labels():
        raise Refused("Statut inconnu.")
    _status_changed(task, status)
    db.session.flush()
    return task


def hand_back(task: Task, comment: str, user: User) -> Task:
    """Process a rejet in one action (slide 43): the comment enriched, the rejet handed
    back to its issuer (« en cours », for them to close)."""
    if error := hand_back_error(task.kind, task.status, task.issuer_id, task.assignee_id,
                                user.id, comment):
        raise Refused(error)
    now = datetime.now(UTC)
    task.notes = enriched(task.notes, comment, user.name, now.astimezone(clock.zone()))
    task.assignee_id = task.issuer_id
    task.status = TaskStatus.IN_PROGRESS
    db.session.flush()
    return task
