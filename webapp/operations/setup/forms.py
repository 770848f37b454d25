"""Forms of the operations' set-up: the operation, its objective split, its steps."""

from decimal import Decimal

from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from webapp.auth.models import Role, User
from webapp.auth.scope import scoped
from webapp.choices import options
from webapp.extensions import db
from webapp.fields import FrenchDecimalField
from webapp.operations.models import AdvisorObjective, Operation, StepKind
from webapp.operations.rules import Share, creation_errors, dates_error, share_error
from webapp.operations.setup.services import ActionInput, OperationInput, StepInput

REQUIRED = "Ce champ est obligatoire."
RESPONSIBLE_ROLES = (Role.MANAGER, Role.ADVISOR, Role.ADMIN)
SHARE_ROLES = (Role.MANAGER, Role.ADVISOR)


def responsible_choices(keep: int | None = None):
    """Active managers, advisors and admins the viewer sees; the viewer and the current
    responsible are always offered (the form never rejects what it shows)."""
    ids = {current_user.id} | ({keep} if keep else set())
    rows = db.session.execute(
        scoped(select(User.id, User.name), User)
        .where((User.active & User.role.in_(RESPONSIBLE_ROLES)) | User.id.in_(ids))
        .order_by(User.name)).all()
    return options((r.id, r.name) for r in rows)


def advisor_choices(operation: Operation):
    """Active advisors and managers the viewer sees who have no share yet."""
    taken = select(AdvisorObjective.advisor_id).where(
        AdvisorObjective.operation_id == operation.id)
    rows = db.session.execute(
        scoped(select(User.id, User.name), User)
        .where(User.active, User.role.in_(SHARE_ROLES), User.id.not_in(taken))
        .order_by(User.name)).all()
    return options((r.id, r.name) for r in rows)


class _OperationFields(FlaskForm):
    name = StringField("Nom", validators=[Length(max=200)])
    responsible_id = SelectField("Responsable", coerce=int)
    objective = FrenchDecimalField("Objectif (€)", validators=[Optional()])
    start = DateField("Date de début", validators=[Optional()])
    end = DateField("Date de fin", validators=[Optional()])
    notify_start = BooleanField("Avertir les conseillers du début de l'opération")
    notify_on = DateField("Date de la notification", validators=[Optional()])

    def __init__(self, *args, responsible_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.responsible_id.choices = responsible_choices(responsible_id)
        if not self.is_submitted() and responsible_id is None:
            self.responsible_id.data = current_user.id

    def validate_objective(self, field):
        if field.data is not None and field.data < 0:
            raise ValidationError("L'objectif ne peut pas être négatif.")

    def _add_error(self, field, message: str) -> None:
        if not field.errors:  # a date that did not parse already says so
            field.errors = [*field.errors, message]

    def _dates_field(self):
        return self.start if self.start.data is None else self.end

    def operation_values(self, archived: bool = False) -> OperationInput:
        """The operation's settings as typed."""
        return OperationInput(
            name=self.name.data or "", responsible_id=self.responsible_id.data,
            start=self.start.data, end=self.end.data, objective=self.objective.data,
            notify_start=bool(self.notify_start.data), notify_on=self.notify_on.data,
            archived=archived)


class NewOperationForm(_OperationFields):
    """The operation and its first step, which becomes the sale step: « au minimum un nom,
    une date de début et de fin, et au moins une étape (l'étape de vente) »."""

    step_name = StringField("Nom de la première étape", validators=[Length(max=200)])
    step_kind = SelectField("Type de l'étape", choices=StepKind.choices(), default="task")
    step_mandatory = BooleanField("Étape obligatoire", default=True)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        has_step = bool((self.step_name.data or "").strip())
        bad = [(self.name, not (self.name.data or "").strip()),
               (self._dates_field(), dates_error(self.start.data, self.end.data)),
               (self.step_name, not has_step)]
        failing = [field for field, wrong in bad if wrong]
        errors = creation_errors(self.name.data, self.start.data, self.end.data,
                                 1 if has_step else 0, has_step)
        for field, message in zip(failing, errors, strict=True):
            self._add_error(field, message)
        return valid and not errors

    def values(self) -> tuple[OperationInput, StepInput]:
        """The operation and its first step, for ``services.create_operation``."""
        return self.operation_values(), StepInput(
            name=self.step_name.data or "", kind=self.step_kind.data,
            mandatory=bool(self.step_mandatory.data))


class OperationForm(_OperationFields):
    version = HiddenField()
    archived = BooleanField("Archivée (n'apparaît plus dans le suivi, ne reçoit plus de "
                            "clients)")

    def validate_name(self, field):
        if not (field.data or "").strip():
            raise ValidationError("Donnez un nom à l'opération.")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if error := dates_error(self.start.data, self.end.data):
            self._add_error(self._dates_field(), error)
            return False
        return valid

    def values(self) -> OperationInput:
        """The settings as typed, for ``services.save_operation``."""
        return self.operation_values(archived=bool(self.archived.data))


class _ShareFields(FlaskForm):
    amount = FrenchDecimalField("Montant (€)", validators=[Optional()])
    percent = FrenchDecimalField("Part (%)", validators=[Optional()], limit=Decimal(1000),
                          places=4)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and (error := share_error(self.share())):
            self.amount.errors = [*self.amount.errors, error]
            return False
        return valid

    def share(self) -> Share:
        return Share(amount=self.amount.data, percent=self.percent.data)


class ShareForm(_ShareFields):
    """One advisor's share (a row of the dialog)."""


class NewShareForm(_ShareFields):
    advisor_id = SelectField("Conseiller", coerce=int, validate_choice=True)

    def __init__(self, *args, operation: Operation, **kwargs):
        super().__init__(*args, **kwargs)
        self.advisor_id.choices = advisor_choices(operation)


class StepForm(FlaskForm):
    name = StringField("Nom de l'étape", validators=[DataRequired(REQUIRED), Length(max=200)])
    kind = SelectField("Type", choices=StepKind.choices(), default="task")
    mandatory = BooleanField("Étape obligatoire", default=True)
    propose_next = BooleanField("Proposer l'étape suivante à la validation de celle-ci")
    instructions = TextAreaField("Informations sur l'étape (consignes aux conseillers)",
                                 validators=[Optional(), Length(max=5000)])

    def values(self) -> StepInput:
        """The step's settings as typed."""
        return StepInput(name=self.name.data or "", kind=self.kind.data,
                         mandatory=bool(self.mandatory.data),
                         propose_next=bool(self.propose_next.data),
                         instructions=self.instructions.data)


class ActionForm(FlaskForm):
    label = StringField("Nouvelle action", validators=[DataRequired(REQUIRED),
                                                       Length(max=200)])
    mandatory = BooleanField("Obligatoire")

    def values(self) -> ActionInput:
        """The action as typed."""
        return ActionInput(label=self.label.data or "", mandatory=bool(self.mandatory.data))


class DocumentForm(FlaskForm):
    file = FileField("Joindre un document (PDF, PNG, JPEG)",
                     validators=[FileRequired("Choisissez un fichier.")])


class SaleStepForm(FlaskForm):
    sale_step_id = SelectField("Étape de vente", coerce=int)

    def __init__(self, *args, operation: Operation, **kwargs):
        super().__init__(*args, **kwargs)
        self.sale_step_id.choices = options((s.id, f"{s.position}. {s.name}")
                                            for s in operation.steps)
        if not self.is_submitted():
            self.sale_step_id.data = operation.sale_step_id
