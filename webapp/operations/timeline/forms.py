"""Forms of the per-client timeline: a step's record (by the step's kind), an unplanned
event, an attachment, the conclusion and the accounts of a success."""


from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from webapp.choices import options
from webapp.fields import money_field
from webapp.operations.models import (
    ConclusionKind,
    RecordStatus,
    Step,
    StepKind,
    StepRecord,
    Target,
)
from webapp.operations.rules import conclusion_error
from webapp.operations.timeline.queries import Progress
from webapp.operations.timeline.services import ConclusionInput, EventInput, RecordInput

REQUIRED = "Ce champ est obligatoire."
# Which fields each kind of step asks for (« la fenêtre qui s'ouvre dépend de la nature de
# l'étape »); every kind has a status, a date and notes.
KIND_FIELDS = {
    StepKind.TASK: {"actions"},
    StepKind.MEETING: {"time", "place"},
    StepKind.REMINDER: set(),
    StepKind.FOLLOWUP: set(),
    StepKind.MAIL: set(),
}
OPTIONAL_FIELDS = {"actions", "time", "place"}


class StepRecordForm(FlaskForm):
    """A step done or planned for a target; the fields depend on the step's kind."""

    status = SelectField("Statut", choices=RecordStatus.choices(), default=RecordStatus.PLANNED)
    day = DateField("Date", validators=[DataRequired(REQUIRED)])
    time = StringField("Heure", validators=[
        Optional(), Regexp(r"^([01]\d|2[0-3]):[0-5]\d$",
                           message="Indiquez l'heure au format HH:MM (ex. 14:30).")])
    place = StringField("Lieu", validators=[Optional(), Length(max=200)])
    actions = SelectMultipleField("Actions réalisées", coerce=int, validate_choice=True)
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=5000)])

    def __init__(self, *args, step: Step, progress: Progress, record: StepRecord | None = None,
                 **kwargs):
        if record is not None and "data" not in kwargs:
            kwargs["data"] = {"status": record.status, "day": record.day, "time": record.time,
                              "place": record.place, "notes": record.notes,
                              "actions": sorted(record.checked)}
        super().__init__(*args, **kwargs)
        self.step, self.progress, self.record = step, progress, record
        for name in OPTIONAL_FIELDS - KIND_FIELDS[StepKind(step.kind)]:
            delattr(self, name)
        if "actions" in self:
            self.actions.choices = options((a.id, a.label) for a in step.actions)
        if step.kind == StepKind.FOLLOWUP:
            self.notes.label.text = "Compte rendu"

    def values(self) -> RecordInput:
        """What was typed, for ``services.record_step`` / ``update_step_record``."""
        return RecordInput(
            status=self.status.data, day=self.day.data,
            time=self.time.data if "time" in self else None,
            place=self.place.data if "place" in self else None,
            notes=self.notes.data,
            checked=frozenset(self.actions.data or []) if "actions" in self else frozenset())


class EventForm(FlaskForm):
    """An unplanned event (an extra meeting…): it never counts as a step done."""

    kind = SelectField("Nature", choices=StepKind.choices(), default=StepKind.MEETING)
    title = StringField("Intitulé", validators=[DataRequired(REQUIRED), Length(max=200)])
    status = SelectField("Statut", choices=RecordStatus.choices(), default=RecordStatus.DONE)
    day = DateField("Date", validators=[DataRequired(REQUIRED)])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=5000)])

    def __init__(self, *args, record: StepRecord | None = None, **kwargs):
        if record is not None and "data" not in kwargs:
            kwargs["data"] = {"kind": record.kind, "title": record.title,
                              "status": record.status, "day": record.day,
                              "notes": record.notes}
        super().__init__(*args, **kwargs)
        self.record = record

    def values(self) -> EventInput:
        """What was typed, for ``services.record_event`` / ``update_event``."""
        return EventInput(kind=self.kind.data, title=self.title.data, status=self.status.data,
                          day=self.day.data, notes=self.notes.data)


class AttachmentForm(FlaskForm):
    file = FileField("Pièce jointe (PDF, PNG ou JPEG)",
                     validators=[FileRequired("Choisissez un fichier.")])


class ConclusionFields(FlaskForm):
    """A conclusion: kind, date, amount collected; success is what the conclusion kind says
    (Vente, Signature). One client's (the timeline) or many at once (Supervision)."""

    conclusion_kind_id = SelectField("Conclusion", coerce=int,
                                     validators=[DataRequired(REQUIRED)])
    conclusion_date = DateField("Date de la conclusion", validators=[DataRequired(REQUIRED)])
    # The lower bound is rules.conclusion_error's, as for the import.
    amount = money_field("Montant collecté (€)", "Ce montant est trop élevé.", minimum=None)

    def __init__(self, *args, kinds: list[ConclusionKind], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        self.conclusion_kind_id.choices = options(
            [(0, "— Choisir —"),
             *((k.id, f"{k.name} ({'succès' if k.positive else 'échec'})") for k in kinds)])

    def values(self) -> ConclusionInput:
        """What was chosen, for ``services.conclude`` (or the bulk conclusion)."""
        return ConclusionInput(kind=self.kind(), day=self.conclusion_date.data,
                               amount=self.amount.data)

    def kind(self) -> ConclusionKind | None:
        return next((k for k in self.kinds if k.id == self.conclusion_kind_id.data), None)

    def validate_conclusion_kind_id(self, field):
        if self.kind() is None:
            raise ValidationError("Choisissez une conclusion de la liste.")

    def validate(self, extra_validators=None) -> bool:
        """The amount against the kind: ≥ 0 (rules.conclusion_error, success being what the
        kind says, a success needs its amount)."""
        valid = super().validate(extra_validators)
        kind, amount = self.kind(), self.amount
        if kind is None or amount.errors:
            return valid
        if error := conclusion_error(amount.data, kind.positive, kind.positive):
            amount.errors.append(error)
        return valid and not amount.errors


class ConclusionForm(ConclusionFields):
    """« Terminé » for this client, with the version it was read at."""

    version = HiddenField()

    def __init__(self, *args, target: Target, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target


class AccountsForm(FlaskForm):
    """The client's accounts a successful conclusion is linked to."""

    accounts = SelectMultipleField("Comptes liés à la vente", coerce=int)

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.accounts.choices = options((a.id, str(a)) for a in accounts)


class VersionForm(FlaskForm):
    """Only the version seen (reopening a conclusion)."""

    version = HiddenField()
