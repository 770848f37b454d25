"""A task on a client (or one of its opportunities): subject, due instant, assignee,
status, notes. A rejet (seed 001, slide 43: « Le rejet est une tâche dans le CRM ») is a
task of kind « rejet », sent by its issuer to a rep with the reason."""

from datetime import UTC, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import User
from webapp.auth.scope import owned_by, scope_for
from webapp.choices import LabelledEnum
from webapp.clients.models import Client
from webapp.database import UTCDateTime
from webapp.extensions import db
from webapp.history import Audited


def _now():
    return datetime.now(UTC)


class TaskKind(LabelledEnum):
    TASK = "task", "Tâche"
    REJET = "rejet", "Rejet"
    CONFIRM = "confirm", "Confirmation de RDV"


class TaskStatus(LabelledEnum):
    TODO = "todo", "À faire"
    IN_PROGRESS = "doing", "En cours"
    DONE = "done", "Terminée"


class Task(Audited, db.Model):
    __tablename__ = "activity_task"
    __table_args__ = (
        # « Mes tâches »: the open tasks of one assignee by due instant.
        Index("ix_activity_task_assignee_status_due", "assignee_id", "status", "due_at"),
        Index("ix_activity_task_client_created", "client_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    opportunity_id: Mapped[int | None] = mapped_column(
        ForeignKey("opportunity.id", ondelete="SET NULL"), index=True)
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointment.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default=TaskKind.TASK)
    subject: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default=TaskStatus.TODO)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    issuer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    client: Mapped[Client] = relationship()
    assignee: Mapped[User] = relationship(foreign_keys=[assignee_id])
    issuer: Mapped[User | None] = relationship(foreign_keys=[issuer_id])

    @property
    def kind_label(self) -> str:
        return TaskKind.labels().get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return TaskStatus.labels().get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        return self.status != TaskStatus.DONE


@scope_for(Task)
def _tasks(user: User):
    """A rep sees the tasks assigned to them and those they issued; a manager those of
    their group; the BDC, the BO and the admin every task."""
    condition = owned_by(Task.assignee_id, user, user.role.client_access)
    return condition | (Task.issuer_id == user.id)
