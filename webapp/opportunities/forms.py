"""The opportunity form (seed 003 « Comment bien remplir l'opportunité »), also used, cut
down to the missing fields, by the dialog a refused move opens."""


from dataclasses import dataclass

from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import Email, Length, NumberRange, Optional, ValidationError

from webapp import clock
from webapp.auth.models import Branch, Role, User
from webapp.auth.scope import scoped
from webapp.choices import label_of, options
from webapp.clients.models import Client, Language
from webapp.clients.picker import ClientPickerField
from webapp.dates import DayField
from webapp.extensions import db
from webapp.fields import money_field
from webapp.opportunities.models import LostReason, OpportunityType
from webapp.opportunities.rules import NeedsConfirmation, default_name, mobile_phone, name_error
from webapp.opportunities.services import blank_to_none

REQUIRED = "Ce champ est obligatoire."
# Fields of the form that are not columns of the opportunity.
FORM_ONLY = {"version", "csrf_token", "phone_confirmed"}
NONE = 0
YEAR = "Indiquez une année entre 1950 et {max}."
OWNER_ROLES = (Role.BDC_AGENT, Role.MANAGER, Role.ADVISOR, Role.ADMIN)


def user_choices(roles, blank: str, keep: int | None = None):
    """Active users of ``roles`` the viewer sees, and the current value (never refused)."""
    rows = db.session.execute(
        scoped(select(User.id, User.name), User)
        .where((User.active & User.role.in_(roles)) | (User.id == (keep or -1)))
        .order_by(User.name)).all()
    return options([(NONE, blank), *((r.id, r.name) for r in rows)])


def branch_choices(blank="— Aucune —"):
    rows = db.session.execute(select(Branch.id, Branch.name).order_by(Branch.name)).all()
    return options([(NONE, blank), *((b.id, b.name) for b in rows)])


def type_choices():
    rows = db.session.execute(select(OpportunityType.id, OpportunityType.name)
                              .order_by(OpportunityType.position)).all()
    return options((t.id, t.name) for t in rows)


def reason_choices():
    rows = db.session.execute(select(LostReason.id, LostReason.name)
                              .order_by(LostReason.position)).all()
    return options([(NONE, "—"), *((r.id, r.name) for r in rows)])


def filter_choices() -> dict:
    """The choices of the board's and the list's filters."""
    return {"owners": user_choices(OWNER_ROLES, "Tous"), "branches": branch_choices("Toutes"),
            "types": [*options([(NONE, "Tous")]), *type_choices()]}


def _max_year() -> int:
    return clock.today().year + 2


@dataclass(frozen=True)
class FieldClash:
    """A field someone else changed meanwhile: its label, their value, the one typed."""

    label: str
    theirs: str
    mine: str


class OpportunityForm(FlaskForm):
    """Every field of the opportunity; the client's file fills what is left blank."""

    version = HiddenField()
    client_id = ClientPickerField(
        "Fiche client", required="Associez la fiche client : recherchez-la ou créez-la.")
    type_id = SelectField("Type", coerce=int)
    name = StringField("Nom de l'opportunité", validators=[Length(max=160)],
                       description="Prénom et nom du client, comme sa fiche.")
    phone = StringField("Téléphone cellulaire", validators=[Optional(), Length(max=30)])
    phone_confirmed = BooleanField("C'est un cellulaire")
    email = EmailField("Courriel", validators=[
        Optional(), Length(max=254), Email("Adresse e-mail invalide.")])
    branch_id = SelectField("Succursale du rendez-vous", coerce=int, default=NONE)
    language = SelectField("Langue", default="")
    owner_id = SelectField("Gestionnaire de l'opportunité", coerce=int, default=NONE)
    spex_id = SelectField("Spécialiste expérience client (SPEX)", coerce=int, default=NONE)
    sales_director_id = SelectField("DV (directeur des ventes en poste)", coerce=int,
                                    default=NONE)
    purpose = StringField("Finalité", validators=[Optional(), Length(max=200)])
    amount = money_field("Montant potentiel (€)", "Le montant doit être positif.")
    probability = IntegerField("Probabilité (%)", validators=[
        Optional(), NumberRange(0, 100, "Indiquez un pourcentage entre 0 et 100.")])
    expected_close_on = DayField("Date de clôture prévue", validators=[Optional()])
    vehicle_make = StringField("Marque", validators=[Optional(), Length(max=60)])
    vehicle_model = StringField("Modèle", validators=[Optional(), Length(max=60)])
    vehicle_year = IntegerField("Année", validators=[Optional()])
    stock_number = StringField("No stock", validators=[Optional(), Length(max=30)])
    vehicle_notes = TextAreaField("Notes véhicule recherché",
                                  validators=[Optional(), Length(max=5000)])
    has_trade_in = BooleanField("Le client a un véhicule d'échange")
    trade_make = StringField("Marque reprise", validators=[Optional(), Length(max=60)])
    trade_model = StringField("Modèle reprise", validators=[Optional(), Length(max=60)])
    trade_year = IntegerField("Année reprise", validators=[Optional()])
    trade_odometer = IntegerField("Odomètre reprise (km)", validators=[
        Optional(), NumberRange(0, 2_000_000, "Indiquez un kilométrage entre 0 et "
                                              "2 000 000.")])
    follow_up_on = DayField("Date du suivi à faire", validators=[Optional()])
    remarks = TextAreaField("Remarques", validators=[Optional(), Length(max=20000)])
    lost_reason_id = SelectField("Raison de la perte", coerce=int, default=NONE)
    sale_date = DayField("Date de vente", validators=[Optional()])
    delivery_date = DayField("Date de livraison", validators=[Optional()])

    def __init__(self, *args, opportunity=None, only: tuple[str, ...] | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.opportunity = opportunity
        self.parsed_phone = None
        self.phone_needs_confirmation = False
        if only is not None:  # the dialog of a refused move: the missing fields only
            keep = set(only) | {"version", "csrf_token"}
            if "phone" in keep:
                keep.add("phone_confirmed")
            for name in [f.short_name for f in self if f.short_name not in keep]:
                delattr(self, name)
        if "type_id" in self:
            self.type_id.choices = type_choices()
        if "branch_id" in self:
            self.branch_id.choices = branch_choices()
        if "language" in self:
            self.language.choices = [*options([("", "—")]), *Language.choices()]
        for name, roles, blank in (("owner_id", OWNER_ROLES, "— Personne —"),
                                   ("spex_id", (Role.ADVISOR,), "— À attribuer —"),
                                   ("sales_director_id", (Role.MANAGER,), "— À choisir —")):
            if name in self:
                current = getattr(opportunity, name, None) if opportunity else None
                getattr(self, name).choices = user_choices(roles, blank, current)
        if "lost_reason_id" in self:
            self.lost_reason_id.choices = reason_choices()
        if opportunity is None and not self.is_submitted() and "owner_id" in self:
            # « S'assurer de mettre son nom dans "Gestionnaire de l'opportunité" »
            self.owner_id.data = current_user.id

    # --- the client file --------------------------------------------------------------

    def client(self) -> Client | None:
        """The client file chosen (or the opportunity's), if the viewer may see it."""
        if "client_id" in self:
            return self.client_id.client
        return self.opportunity.client if self.opportunity is not None else None

    def validate(self, extra_validators=None) -> bool:
        """The client file fills what was left blank (what was typed always wins): the
        name (« Nom de l'opportunité : Nom du client »), a mobile, the e-mail, the
        language, the branch."""
        client = self.client() if "client_id" in self else None
        if client is not None:
            mobile = (client.phone if client.phone_is_mobile else
                      client.phone2 if client.phone2_is_mobile else None)
            for name, value in (("name", default_name(client.first_name, client.last_name)),
                                ("phone", mobile), ("email", client.email),
                                ("language", client.language),
                                ("branch_id", client.branch_id)):
                field = getattr(self, name)
                if field.data in (None, "", NONE) and value not in (None, ""):
                    field.data, field.raw_data = value, [str(value)]
        return super().validate(extra_validators)

    def validate_name(self, field):
        client = self.client()
        if client is not None:
            error = name_error(field.data, client.first_name, client.last_name)
        else:
            error = name_error(field.data, None, None)
        if error:
            raise ValidationError(error)

    def validate_phone(self, field):
        if not field.data:
            return
        try:
            self.parsed_phone = mobile_phone(field.data, self.phone_confirmed.data)
        except NeedsConfirmation as error:
            self.phone_needs_confirmation = True
            raise ValidationError(str(error)) from error
        except ValueError as error:
            raise ValidationError(str(error)) from error

    def values(self) -> dict:
        """The validated fields as the opportunity's columns (blanks and « — » as None;
        the phone as parsed, with its mobile flag), only those the form shows."""
        values = {}
        for field in self:
            if field.short_name in FORM_ONLY:
                continue
            data = field.data
            values[field.short_name] = data if isinstance(data, bool) else blank_to_none(data)
        if "client_id" in self:
            values["client_id"] = self.client_id.client_id
        if "phone" in self:
            phone = self.parsed_phone
            values["phone"] = phone.display if phone else None
            values["phone_is_mobile"] = phone.is_mobile if phone else None
        return values

    def conflict_rows(self, opportunity, names: list[str]) -> list[FieldClash]:
        """The fields ``names`` as the saved record has them and as they were typed."""
        typed = self.values()
        return [FieldClash(str(self[name].label.text),
                           self._shown(name, getattr(opportunity, name)),
                           self._shown(name, typed[name])) for name in names]

    def _shown(self, name: str, value) -> str:
        if value in (None, "", 0):
            return "—"
        choices = getattr(self[name], "choices", None)
        return label_of(choices, value, str(value)) if choices else str(value)

    def _check_year(self, field):
        if field.data is not None and not 1950 <= field.data <= _max_year():
            raise ValidationError(YEAR.format(max=_max_year()))

    validate_vehicle_year = _check_year
    validate_trade_year = _check_year


class ActionForm(FlaskForm):
    """Actions without fields (copy an expired opportunity): the CSRF token only."""


# Field labels for the history table, taken from the form so they never diverge.
FIELD_LABELS = {name: f.args[0] for name, f in vars(OpportunityForm).items()
                if isinstance(f, UnboundField) and f.args} | {
    "stage_id": "Étape", "phone_is_mobile": "Téléphone cellulaire confirmé",
    "key": "Clé externe", "copied_from_id": "Copiée de", "created_by_id": "Créée par"}
