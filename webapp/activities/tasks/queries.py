"""Reads of tasks: « Mes tâches » (due today, overdue), my open rejets, the group's tasks
(scoped) filtered by subject, status and kind."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Request
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from webapp import clock
from webapp.activities.tasks.models import Task, TaskKind, TaskStatus, is_open
from webapp.auth.models import User
from webapp.auth.scope import scoped
from webapp.extensions import db

BOX_LIMIT = 20


def end_of_today() -> datetime:
    """The next local midnight, as a UTC instant."""
    return clock.day_start(clock.today() + timedelta(days=1))


def _open_for(user_id: int) -> Select:
    return select(Task).where(Task.assignee_id == user_id, is_open())


def my_tasks(user: User, limit: int = BOX_LIMIT) -> list[Task]:
    """« Mes tâches »: my open tasks (not rejets) due before the end of today, overdue
    first (earliest due first); the index (assignee, status, due) serves it."""
    stmt = (_open_for(user.id).where(Task.due_at < end_of_today(), Task.kind != TaskKind.REJET)
            .options(joinedload(Task.client)).order_by(Task.due_at, Task.id).limit(limit))
    return db.session.scalars(stmt).all()


def my_rejets(user: User, limit: int = BOX_LIMIT) -> list[Task]:
    """The open rejets handed to me, oldest due first."""
    stmt = (_open_for(user.id).where(Task.kind == TaskKind.REJET)
            .options(joinedload(Task.client), joinedload(Task.issuer))
            .order_by(Task.due_at, Task.id).limit(limit))
    return db.session.scalars(stmt).all()


def client_open_tasks(client_id: int) -> list[Task]:
    """The client file's « activités en cours »: its open tasks and rejets the viewer sees."""
    stmt = scoped(select(Task).where(Task.client_id == client_id,
                                     is_open()), Task)
    return db.session.scalars(stmt.options(joinedload(Task.assignee))
                              .order_by(Task.due_at, Task.id).limit(50)).all()


@dataclass(frozen=True)
class TaskFilters:
    """The group list's filters (« objet contient rejet, statut différent de terminée »)."""

    subject: str = ""
    status: str = ""  # a TaskStatus, "open" (not terminée) or "" (all)
    kind: str = ""

    @classmethod
    def from_args(cls, args: Request.args) -> "TaskFilters":
        status = args.get("status", "open")
        return cls(subject=(args.get("subject") or "").strip()[:100],
                   status=status if status in (*TaskStatus.labels(), "open", "") else "open",
                   kind=args.get("kind", "") if args.get("kind") in TaskKind.labels() else "")

    def as_args(self) -> dict:
        return {"subject": self.subject, "status": self.status, "kind": self.kind}


def group_tasks(filters: TaskFilters) -> Select:
    """The tasks the viewer sees (a manager: their group's), filtered, by due instant."""
    stmt = scoped(select(Task), Task)
    if filters.subject:
        stmt = stmt.where(Task.subject.ilike(f"%{_escape(filters.subject)}%", escape="\\"))
    if filters.status == "open":
        stmt = stmt.where(is_open())
    elif filters.status:
        stmt = stmt.where(Task.status == filters.status)
    if filters.kind:
        stmt = stmt.where(Task.kind == filters.kind)
    return stmt.options(joinedload(Task.client), joinedload(Task.assignee)).order_by(
        Task.due_at, Task.id)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def now() -> datetime:
    return datetime.now(UTC)
