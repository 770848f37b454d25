"""Forms of the tracking: a feedback action, closing, a contract-breaking review."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from webapp.choices import options
from webapp.dates import DayField
from webapp.routing import queries
from webapp.routing.models import ActionKind
from webapp.routing.tracking.services import FeedbackInput


class FeedbackForm(FlaskForm):
    kind = SelectField("Action menée", choices=ActionKind.choices(), validate_choice=False)
    done_on = DayField("Le", validators=[InputRequired("Indiquez la date de l'action.")])
    company_id = SelectField("Compagnie (affaire nouvelle, contrat clôturé)", coerce=int,
                             default=0, validate_choice=False)
    note = StringField("Précision", validators=[Optional(), Length(max=500)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.companies = queries.companies()
        self.company_id.choices = options([(0, "— Celle de la demande —"),
                                           *((c.id, c.name) for c in self.companies)])

    def validate_kind(self, field):
        if field.data not in ActionKind.labels():
            raise ValidationError("Choisissez l'action menée.")

    def validate_company_id(self, field):
        if field.data and self.company is None:
            raise ValidationError("Compagnie introuvable.")

    @property
    def company(self):
        return next((c for c in self.companies if c.id == self.company_id.data), None)

    def values(self) -> FeedbackInput:
        return FeedbackInput(kind=self.kind.data, done_on=self.done_on.data,
                             company=self.company, note=self.note.data or "")


class CloseForm(FlaskForm):
    version = IntegerField(validators=[InputRequired("Version manquante : rechargez la page.")])


class ReviewForm(FlaskForm):
    decision = HiddenField(validators=[DataRequired("Choisissez : confirmer ou écarter.")])

    def validate_decision(self, field):
        if field.data not in ("confirm", "dismiss"):
            raise ValidationError("Choisissez : confirmer ou écarter.")
