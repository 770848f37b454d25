"""Commercial gestures (slide 10): asked with the agency's evidence, decided by the
designated manager, processed by the BO with an answer to the agency."""

from decimal import Decimal

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from sqlalchemy import select
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from webapp.auth.scope import scoped
from webapp.backoffice.gestures.rules import GestureStatus, gesture_error
from webapp.choices import options
from webapp.clients.models import Client
from webapp.extensions import db
from webapp.fields import MAX_MONEY, MONEY, FrenchDecimalField


class GestureForm(FlaskForm):
    client_id = HiddenField("Agence")
    amount = FrenchDecimalField(
        "Montant du geste (€)", validators=[
            InputRequired("Indiquez le montant du geste (positif)."),
            NumberRange(max=MAX_MONEY, message="Montant trop élevé.")],
        limit=Decimal("1e30"), message=MONEY,
        render_kw={"inputmode": "decimal", "autocomplete": "off"})
    reason = TextAreaField("Motif", validators=[DataRequired("Indiquez le motif du geste."),
                                                Length(max=5000)])
    evidence = MultipleFileField("Justificatifs de l'agence (PDF, PNG ou JPEG)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        raw = str(self.client_id.data or "")
        self.client = (db.session.scalar(scoped(select(Client).where(Client.id == int(raw)),
                                                Client))
                       if raw.isdigit() and len(raw) <= 12 else None)

    def files(self) -> list:
        return [f for f in (self.evidence.data or []) if f and f.filename]

    def validate_client_id(self, field):
        if not str(field.data or "").isdigit():
            raise ValidationError("Choisissez l'agence.")
        if self.client is None:
            raise ValidationError("Agence introuvable.")

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


class PeriodForm(FlaskForm):
    """The period of the tally (« Le montant de chaque geste est comptabilisé »)."""

    class Meta:
        csrf = False

    start = DateField("Du", validators=[Optional()])
    end = DateField("Au", validators=[Optional()])
