"""The task form (new task or rejet, change), the rejet's hand-back, the list filters."""

from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from webapp.activities.moments import LocalMomentField
from webapp.activities.tasks.models import TaskKind, TaskStatus
from webapp.activities.tasks.services import TaskChange
from webapp.auth.models import Role, User
from webapp.auth.scope import scoped
from webapp.choices import options
from webapp.database import french_order
from webapp.extensions import db

REQUIRED = "Ce champ est obligatoire."
NEW_KINDS = (TaskKind.TASK, TaskKind.REJET)


def assignee_choices(keep: int | None = None) -> list:
    """The reps and managers the viewer sees (and the current assignee)."""
    users = db.session.execute(scoped(
        select(User.id, User.name).where(
            (User.active.is_(True) & User.role.in_((Role.ADVISOR, Role.MANAGER)))
            | (User.id == (keep or 0)) | (User.id == current_user.id)), User)
        .order_by(french_order(User.name))).all()
    return options((u.id, u.name) for u in users)


class TaskForm(FlaskForm):
    version = HiddenField()
    kind = SelectField("Type", choices=options((k.value, k.label) for k in NEW_KINDS),
                       default=TaskKind.TASK)
    subject = StringField("Objet", validators=[InputRequired(REQUIRED), Length(max=200)])
    due_at = LocalMomentField("Échéance (date et heure)", validators=[InputRequired(REQUIRED)])
    assignee_id = SelectField("Confiée à", coerce=int)
    status = SelectField("Statut", choices=TaskStatus.choices(), default=TaskStatus.TODO)
    notes = TextAreaField("Notes (le motif, pour un rejet)",
                          validators=[Optional(), Length(max=5000)])

    def __init__(self, *args, keep_assignee: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignee_id.choices = assignee_choices(keep_assignee)

    def creation(self) -> dict:
        """The ``create_task`` arguments."""
        return {"subject": self.subject.data, "due_at": self.due_at.utc(),
                "assignee_id": self.assignee_id.data, "kind": TaskKind(self.kind.data),
                "notes": self.notes.data or ""}

    def values(self) -> TaskChange:
        return TaskChange(subject=self.subject.data, due_at=self.due_at.utc(),
                          assignee_id=self.assignee_id.data, status=self.status.data,
                          notes=self.notes.data or "")


class HandBackForm(FlaskForm):
    comment = TextAreaField("Commentaire (ce que vous avez fait)", validators=[
        InputRequired("Enrichissez le commentaire avant de rendre le rejet."),
        Length(max=2000)])

    def values(self) -> str:
        return self.comment.data


class StatusForm(FlaskForm):
    status = SelectField("Statut", choices=TaskStatus.choices())
