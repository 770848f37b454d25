"""The settings' forms: a stage (name, nature, expiry, requirements, date recorded), the
name of a type or a lost reason, a SPEX or DV of a branch. The rules are those of rules.py
(the services check them again)."""

from flask import request
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from webapp.auth.models import Role
from webapp.choices import options
from webapp.extensions import db
from webapp.opportunities.forms import NONE, REQUIRED, branch_choices, user_choices
from webapp.opportunities.models import Duty, Stage
from webapp.opportunities.rules import (
    MAX_EXPIRY_DAYS,
    REQUIREMENTS,
    STAMPS,
    TAKEN,
    Nature,
    StageSettings,
    first_stage_error,
    name_taken,
    stage_nature,
    stage_settings_errors,
)
from webapp.opportunities.settings.services import StageInput


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _names(model, exclude_id: int | None) -> list[str]:
    return db.session.scalars(select(model.name).where(model.id != (exclude_id or -1))).all()


class StageForm(FlaskForm):
    """Add or change a stage; ``stage`` is the one changed (None: a new one, put last)."""

    name = StringField("Nom", filters=[_strip],
                       validators=[DataRequired(REQUIRED), Length(max=80)])
    description = TextAreaField("Description", filters=[_strip],
                                validators=[Optional(), Length(max=200)])
    nature = RadioField("Nature", choices=Nature.choices(), default=Nature.OPEN)
    expires_after_days = IntegerField(
        "Expire après (jours)", validators=[Optional(), NumberRange(
            1, MAX_EXPIRY_DAYS, f"Indiquez un nombre de jours entre 1 et {MAX_EXPIRY_DAYS}.")],
        description="Vide : l'opportunité n'expire pas dans cette étape. Compté depuis sa "
                    "création ; expirée, aucune réunion ne peut y être créée.")
    relaunch_after_days = IntegerField(
        "Relance automatique après (jours)", validators=[Optional(), NumberRange(
            1, MAX_EXPIRY_DAYS, f"Indiquez un nombre de jours entre 1 et {MAX_EXPIRY_DAYS}.")],
        description="Étape perdue seulement (« Perdu BDC : relance automatique ») : le "
                    "gestionnaire reçoit une alerte pour relancer le client, ce nombre de "
                    "jours après l'entrée dans l'étape. Vide : pas de relance.")
    required = SelectMultipleField(
        "Champs exigés pour entrer dans l'étape",
        choices=options((key, requirement.label) for key, requirement in REQUIREMENTS.items()))
    stamps = RadioField("Date enregistrée à l'entrée",
                        choices=options([("", "Aucune"), *STAMPS.items()]), default="")

    def __init__(self, *args, stage: Stage | None = None, first: bool = False, **kwargs):
        if stage is not None and request.method == "GET":  # a POST brings its own values
            kwargs.setdefault("data", {
                "name": stage.name, "description": stage.description,
                "nature": stage_nature(stage.won, stage.lost, stage.invalid),
                "expires_after_days": stage.expires_after_days,
                "relaunch_after_days": stage.relaunch_after_days,
                "required": list(stage.requirements), "stamps": stage.stamps or ""})
        super().__init__(*args, **kwargs)
        self.stage = stage
        self.first = first

    def validate_name(self, field):
        if name_taken(field.data, _names(Stage, self.stage.id if self.stage else None)):
            raise ValidationError(TAKEN)

    def validate(self, extra_validators=None) -> bool:
        """The fields, then the rules between them (rules.stage_settings_errors), and
        the first stage's (it receives the new opportunities)."""
        valid = super().validate(extra_validators)
        if self.nature.errors or self.required.errors or self.stamps.errors:
            return False
        settings = self.values().settings
        errors = stage_settings_errors(settings)
        for name, message in errors.items():
            if not getattr(self, name).errors:
                getattr(self, name).errors.append(message)
        if self.first and not errors:
            error = first_stage_error(self.name.data or "", settings)
            if error:
                self.form_errors.append(error)
                return False
        return valid and not errors

    def values(self) -> StageInput:
        return StageInput(self.name.data, self.description.data or None, StageSettings(
            self.nature.data, self.expires_after_days.data, tuple(self.required.data or ()),
            self.stamps.data or None, self.relaunch_after_days.data))


class NamedItemForm(FlaskForm):
    """The name of a type or a lost reason, unique whatever the case."""

    name = StringField("Nom", filters=[_strip], validators=[DataRequired(REQUIRED)])

    def __init__(self, *args, spec, item=None, **kwargs):
        if item is not None and request.method == "GET":
            kwargs.setdefault("data", {"name": item.name})
        super().__init__(*args, **kwargs)
        self.spec, self.item = spec, item
        # The length of the list's column (types: 80, reasons: 120), shown as maxlength.
        self.name.validators = [*self.name.validators, Length(max=spec.max_length)]
        self.name.flags.maxlength = spec.max_length

    def validate_name(self, field):
        if name_taken(field.data, _names(self.spec.model, self.item.id if self.item else None)):
            raise ValidationError(TAKEN)


class StaffForm(FlaskForm):
    """A SPEX joins a branch's rotation, or a DV its DV group (the role and the duplicate
    are the service's to refuse)."""

    branch_id = SelectField("Succursale", coerce=int, default=NONE)
    duty = SelectField("Rôle", choices=Duty.choices(), default=Duty.SPEX)
    user_id = SelectField("Utilisateur", coerce=int, default=NONE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch_id.choices = branch_choices("— Choisir —")
        self.user_id.choices = user_choices((Role.ADVISOR, Role.MANAGER), "— Choisir —")

    def validate_branch_id(self, field):
        if not field.data:
            raise ValidationError("Choisissez la succursale.")

    def validate_user_id(self, field):
        if not field.data:
            raise ValidationError("Choisissez l'utilisateur.")
