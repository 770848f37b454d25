"""The meeting form (seed 003 « Création d'une réunion »), and the date-and-time field
of meetings and calls."""

from datetime import UTC

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from webapp import clock
from webapp.auth.models import Role
from webapp.choices import options
from webapp.clients.models import Language
from webapp.opportunities.forms import NONE, REQUIRED, branch_choices, user_choices
from webapp.opportunities.meetings.services import COLUMNS, MeetingInput
from webapp.opportunities.models import Device, ESign, Meeting, MeetingCategory, MeetingStatus
from webapp.opportunities.rules import DepositKind, schedule_error
from webapp.opportunities.services import blank_to_none

DATETIME = "%Y-%m-%dT%H:%M"
WHEN = "Indiquez la date et l'heure."


class LocalDateTimeField(DateTimeLocalField):
    """A date and time typed in the app's time zone (Europe/Paris); ``data`` is the aware
    UTC instant stored, shown back in the app's time zone. Outside 2000 … five years from
    now it is refused (rules.schedule_error)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=DATETIME, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is None:
            return
        error = schedule_error(self.data, clock.today())
        if error:
            self.data = None
            raise ValueError(error)
        self.data = self.data.replace(tzinfo=clock.zone()).astimezone(UTC)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        if self.data is None:
            return ""
        aware = self.data if self.data.tzinfo else self.data.replace(tzinfo=UTC)
        return aware.astimezone(clock.zone()).strftime(DATETIME)


class MeetingForm(FlaskForm):
    version = HiddenField()
    starts_at = LocalDateTimeField("Date et heure", validators=[InputRequired(WHEN)])
    duration_minutes = IntegerField("Durée (minutes)", default=60, validators=[
        InputRequired(REQUIRED), NumberRange(15, 480, "Entre 15 et 480 minutes.")])
    category = SelectField("Catégorie de réunion", choices=MeetingCategory.choices(),
                           default=MeetingCategory.MEETING)
    virtual = BooleanField("Rendez-vous virtuel")
    device = SelectField("Téléphone du client (si virtuel)",
                         choices=[*options([("", "—")]), *Device.choices()], default="")
    branch_id = SelectField("Succursale", coerce=int, default=NONE)
    language = SelectField("Langue", choices=Language.choices(), default="fr")
    stock_numbers = StringField("No de stock", validators=[Optional(), Length(max=200)],
                                description="Un ou plusieurs, séparés par des virgules ; "
                                            "vide pour un rendez-vous inventaire.")
    deposit_kind = SelectField("Dépôt", choices=[*options([("", "Aucun dépôt")]),
                                                 *DepositKind.choices()], default="")
    receipt = FileField("Reçu du dépôt (PDF ou image)")
    esign_status = SelectField("DocuSign", choices=[*options([("", "—")]), *ESign.choices()],
                               default="")
    transfer = BooleanField("Transfert")
    status = SelectField("Statut", choices=MeetingStatus.choices(),
                         default=MeetingStatus.PLANNED)
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    spex_id = SelectField("SPEX attitré au rendez-vous", coerce=int, default=NONE)

    def __init__(self, *args, meeting: Meeting | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.branch_id.choices = branch_choices("— Choisir —")
        self.spex_id.choices = user_choices((Role.ADVISOR,), "— Choisir —",
                                            meeting.spex_id if meeting else None)

    def validate_branch_id(self, field):
        if not field.data:
            raise ValidationError("Choisissez la succursale où aura lieu le rendez-vous.")

    def validate_spex_id(self, field):
        if not field.data:
            raise ValidationError("Choisissez le SPEX attitré au rendez-vous.")

    def validate_device(self, field):
        if self.virtual.data and not field.data:
            raise ValidationError("Si virtuel : indiquez si le client a un iPhone ou un "
                                  "Android.")

    @property
    def uploaded(self):
        data = self.receipt.data
        return data if data is not None and getattr(data, "filename", "") else None

    def values(self) -> MeetingInput:
        """The meeting as typed (blanks as None), with the file just uploaded if any."""
        typed = {name: getattr(self, name).data for name in COLUMNS}
        return MeetingInput(**{name: value if isinstance(value, bool) else blank_to_none(value)
                               for name, value in typed.items()}, receipt=self.uploaded)
