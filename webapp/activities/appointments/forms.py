"""The appointment form (« un nouvel évènement »), and the visit's closing dialog."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from webapp.activities.appointments.rules import DURATION_MAX, DURATION_MIN, PLACE_MISSING
from webapp.activities.appointments.services import AppointmentInput
from webapp.activities.moments import LocalMomentField

REQUIRED = "Ce champ est obligatoire."


class AppointmentForm(FlaskForm):
    version = HiddenField()
    subject = StringField("Objet", validators=[InputRequired(REQUIRED), Length(max=200)])
    starts_at = LocalMomentField("Date et heure", validators=[InputRequired(REQUIRED)])
    duration_minutes = IntegerField("Durée (minutes)", default=60, validators=[
        InputRequired(REQUIRED), NumberRange(DURATION_MIN, DURATION_MAX,
                                             "Entre 15 et 480 minutes.")])
    virtual = BooleanField("Rendez-vous virtuel (visio, téléphone)")
    place = StringField("Lieu", validators=[Length(max=200)])  # checked by validate_place
    notes = TextAreaField("Notes (vues par le client dans l'invitation)",
                          validators=[Optional(), Length(max=2000)])

    def validate_place(self, field):
        if not self.virtual.data and not (field.data or "").strip():
            raise ValidationError(PLACE_MISSING)

    def values(self) -> AppointmentInput:
        return AppointmentInput(subject=self.subject.data, starts_at=self.starts_at.utc(),
                                duration_minutes=self.duration_minutes.data,
                                virtual=bool(self.virtual.data), place=self.place.data,
                                notes=self.notes.data)
