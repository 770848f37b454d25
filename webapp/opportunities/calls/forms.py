"""The call forms: « Programmer un appel », and the notes of a call made."""

from dataclasses import dataclass
from datetime import datetime

from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from webapp.opportunities.forms import OWNER_ROLES, REQUIRED, user_choices
from webapp.opportunities.meetings.forms import WHEN, LocalDateTimeField


@dataclass(frozen=True)
class CallInput:
    """A call to schedule: when, about what, who calls."""

    scheduled_at: datetime  # aware, UTC
    subject: str
    assigned_to_id: int


class CallForm(FlaskForm):
    """« Programmer un appel »."""

    scheduled_at = LocalDateTimeField("Date et heure de l'appel",
                                      validators=[InputRequired(WHEN)])
    subject = StringField("Objet", default="Appel de suivi",
                          validators=[DataRequired(REQUIRED), Length(max=200)])
    assigned_to_id = SelectField("Qui appelle", coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.assigned_to_id.choices = user_choices(OWNER_ROLES, "— Choisir —")
        if not self.is_submitted():
            self.assigned_to_id.data = current_user.id

    def validate_assigned_to_id(self, field):
        if not field.data:
            raise ValidationError("Choisissez qui passe l'appel.")

    def values(self) -> CallInput:
        return CallInput(self.scheduled_at.data, self.subject.data.strip(),
                         self.assigned_to_id.data)


class CallDoneForm(FlaskForm):
    """The call was made: its notes go to the opportunity's remarks."""

    notes = TextAreaField("Notes de l'appel", validators=[
        DataRequired("Saisissez vos notes : elles vont dans les remarques de "
                     "l'opportunité."), Length(max=5000)])
