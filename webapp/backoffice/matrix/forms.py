"""The routing matrix (« Quoi ? A qui ? Copie ? », slide 3) as the admin edits it."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from webapp.auth.models import Role
from webapp.backoffice.forms import CheckboxesField
from webapp.backoffice.matrix.queries import people
from webapp.backoffice.matrix.services import TypeInput
from webapp.backoffice.models import RequestType
from webapp.backoffice.requests.rules import WORKFLOWS
from webapp.choices import options


class TypeForm(FlaskForm):
    name = StringField("Demande", validators=[DataRequired("Ce champ est obligatoire."),
                                              Length(max=80)])
    workflow = SelectField("Déroulement", default="simple",
                           choices=options((w.key, w.label) for w in WORKFLOWS.values()))
    to_bo = BooleanField("Adressée à la file du BO", default=True)
    checklist = BooleanField("Avec la fiche de mise en place d'un nouveau contrat")
    active = BooleanField("Proposée aux commerciaux", default=True)
    addressees = CheckboxesField("À qui ? (personnes nommées)")
    copies = CheckboxesField("Copie ? (proposées, jamais imposées)")

    def __init__(self, *args, request_type: RequestType | None = None, **kwargs):
        if request_type is not None and "data" not in kwargs:
            kwargs["obj"] = request_type
            kwargs["data"] = {
                "addressees": [e.user_id for e in request_type.routes if not e.copy],
                "copies": [e.user_id for e in request_type.routes if e.copy]}
        super().__init__(*args, **kwargs)
        self.request_type = request_type
        self.people = people()
        self.addressees.choices = self.copies.choices = options(
            (u.id, f"{u.name} ({u.role.label})") for u in self.people)

    def values(self) -> TypeInput:
        return TypeInput(
            name=self.name.data, workflow=self.workflow.data, to_bo=self.to_bo.data,
            checklist=self.checklist.data, active=self.active.data,
            addressees=tuple(self.addressees.data or ()), copies=tuple(self.copies.data or ()))

    def _known(self, field):
        if set(field.data or []) - {u.id for u in self.people}:
            raise ValidationError("Choisissez parmi les personnes proposées.")

    validate_addressees = _known

    def validate_copies(self, field):
        self._known(field)
        if set(field.data or []) & set(self.addressees.data or []):
            raise ValidationError("Une même personne ne peut pas être destinataire et en "
                                  "copie.")


class ValidatorsForm(FlaskForm):
    """« traités par le BO après validation de David »: who validates gestures."""

    validators_ids = CheckboxesField("Valident les gestes commerciaux")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = [u for u in people() if u.role in (Role.MANAGER, Role.ADMIN)]
        self.validators_ids.choices = options((u.id, u.name) for u in self.people)

    def validate_validators_ids(self, field):
        if set(field.data or []) - {u.id for u in self.people}:
            raise ValidationError("Choisissez parmi les responsables proposés.")
