"""Commercial gestures (slide 10): asked with the agency's evidence, decided by the
designated manager, processed by the BO with an answer to the agency."""

from decimal import Decimal

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from webapp.backoffice.forms import PeriodForm, agency_field
from webapp.backoffice.gestures.rules import GestureStatus, gesture_error
from webapp.backoffice.gestures.services import GestureInput
from webapp.choices import options
from webapp.fields import MAX_MONEY, MONEY, FrenchDecimalField

__all__ = ["AnswerForm", "DecisionForm", "GestureForm", "PeriodForm"]


class GestureForm(FlaskForm):
    client_id = agency_field()
    amount = FrenchDecimalField(
        "Montant du geste (€)", validators=[
            InputRequired("Indiquez le montant du geste (positif)."),
            NumberRange(max=MAX_MONEY, message="Montant trop élevé.")],
        limit=Decimal("1e30"), message=MONEY,
        render_kw={"inputmode": "decimal", "autocomplete": "off"})
    reason = TextAreaField("Motif", validators=[DataRequired("Indiquez le motif du geste."),
                                                Length(max=5000)])
    evidence = MultipleFileField("Justificatifs de l'agence (PDF, PNG ou JPEG)")

    @property
    def client(self):
        return self.client_id.client

    def files(self) -> list:
        return [f for f in (self.evidence.data or []) if f and f.filename]

    def values(self) -> GestureInput:
        return GestureInput(self.client, self.amount.data, self.reason.data,
                            tuple(self.files()))

    def validate_amount(self, field):
        if field.errors:
            return
        if field.data is None or field.data <= 0:
            raise ValidationError(gesture_error(field.data, 1))

    def validate_evidence(self, field):
        if error := gesture_error(1, len(self.files())):
            raise ValidationError(error)


class DecisionForm(FlaskForm):
    version = HiddenField()
    decision = SelectField("Décision", default="", choices=options([
        ("", "— Choisissez —"), (GestureStatus.VALIDATED, "Valider le geste"),
        (GestureStatus.REFUSED, "Refuser le geste")]))
    note = TextAreaField("Commentaire", validators=[Optional(), Length(max=2000)])

    def validate_decision(self, field):
        if not field.data:
            raise ValidationError("Choisissez de valider ou de refuser.")


class AnswerForm(FlaskForm):
    """« La réponse est adressée à l'agence avec en copie le commercial »."""

    version = HiddenField()
    answer = TextAreaField("Réponse à l'agence", validators=[
        DataRequired("Écrivez la réponse à l'agence."), Length(max=5000)])
