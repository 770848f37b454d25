"""The client file form."""

from dataclasses import dataclass

from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from webapp.auth.models import Branch, Role, User
from webapp.auth.scope import scoped
from webapp.choices import label_of, options
from webapp.clients.models import Civility, Client, Language
from webapp.clients.rules import parse_phone
from webapp.clients.services import PLAIN, AccountInput, ClientInput
from webapp.database import french_order
from webapp.dates import DayField
from webapp.extensions import db
from webapp.fields import money_field
from webapp.ids import MAX_ID

REQUIRED = "Ce champ est obligatoire."


def advisor_choices():
    """Advisors the viewer may assign; an advisor only themselves (never "nobody", which
    would hide the file from them)."""
    if current_user.role == Role.ADVISOR:
        return options([(current_user.id, current_user.name)])
    advisors = db.session.execute(
        scoped(select(User.id, User.name), User)
        .where(User.active, User.role.in_([Role.ADVISOR, Role.MANAGER]))
        .order_by(french_order(User.name), User.id)
    ).all()
    return options([(0, "— Aucun conseiller —"), *((a.id, a.name) for a in advisors)])


def branch_choices(blank="— Aucune —"):
    rows = db.session.execute(
        select(Branch.id, Branch.name).order_by(french_order(Branch.name))).all()
    return options([(0, blank), *((b.id, b.name) for b in rows)])


EDITABLE = ("civility", "first_name", "last_name", "email", "phone", "phone2", "address",
            "postal_code", "city", "language", "branch_id", "advisor_id", "referred_by_id",
            "notes")


@dataclass(frozen=True)
class Difference:
    label: str
    theirs: str
    mine: str


def _blank(value):
    if value in ("", 0):
        return None
    return value.strip() if isinstance(value, str) else value


def _shown(field, value) -> str:
    if value in (None, "", 0):
        return "—"
    choices = getattr(field, "choices", None)
    return label_of(choices, value, str(value)) if choices else str(value)


class ClientForm(FlaskForm):
    version = HiddenField()
    civility = SelectField("Civilité", choices=[*options([("", "—")]), *Civility.choices()],
                           default="")
    first_name = StringField("Prénom", validators=[DataRequired(REQUIRED), Length(max=80)])
    last_name = StringField("Nom", validators=[DataRequired(REQUIRED), Length(max=80)])
    email = EmailField("E-mail", validators=[
        Optional(), Length(max=254), Email("Adresse e-mail invalide.")])
    phone = StringField("Téléphone", validators=[Optional(), Length(max=30)])
    phone2 = StringField("Autre téléphone", validators=[Optional(), Length(max=30)])
    address = StringField("Adresse", validators=[Optional(), Length(max=200)])
    postal_code = StringField("Code postal", validators=[Optional(), Length(max=12)])
    city = StringField("Ville", validators=[Optional(), Length(max=80)])
    language = SelectField("Langue", choices=Language.choices(), default="fr")
    branch_id = SelectField("Succursale", coerce=int, default=0)
    advisor_id = SelectField("Conseiller", coerce=int, default=0)
    referred_by_id = IntegerField("Recommandé par", validators=[
        Optional(), NumberRange(1, MAX_ID, "Client introuvable.")])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=5000)])

    def __init__(self, *args, client: Client | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.branch_id.choices = branch_choices()
        self.advisor_id.choices = advisor_choices()
        if client is None and not self.is_submitted() and current_user.role in (
                Role.ADVISOR, Role.MANAGER):
            self.advisor_id.data = current_user.id
        self.phones = {}

    def _check_phone(self, field):
        if field.data:
            try:
                self.phones[field.short_name] = parse_phone(field.data)
            except ValueError as error:
                raise ValidationError(str(error)) from error

    validate_phone = _check_phone
    validate_phone2 = _check_phone

    def referrer(self) -> Client | None:
        """The recommending client as chosen in the form, if the viewer may see it."""
        if not self.referred_by_id.data or not 0 < self.referred_by_id.data <= MAX_ID:
            return None
        return db.session.scalar(
            scoped(select(Client).where(Client.id == self.referred_by_id.data), Client))

    def validate_referred_by_id(self, field):
        if field.data is not None and self.referrer() is None and not field.errors:
            raise ValidationError("Client introuvable.")

    def differences(self, client: Client) -> list["Difference"]:
        """The fields where the saved file (changed by someone else meanwhile) differs
        from what was typed: both values, shown side by side."""
        found = []
        for name in EDITABLE:
            field, saved = self[name], getattr(client, name)
            typed = self.phones[name].display if name in self.phones else field.data
            if _blank(typed) != _blank(saved):
                found.append(Difference(str(field.label.text), _shown(field, saved),
                                        _shown(field, typed)))
        return found

    def values(self) -> ClientInput:
        """The typed file (real names, no self-recommendation: ``save_client``)."""
        typed = {name: getattr(self, name).data for name in PLAIN}
        return ClientInput(**typed, phone=self.phones.get("phone"),
                           phone2=self.phones.get("phone2"), language=self.language.data,
                           advisor_id=self.advisor_id.data or None)


class AccountForm(FlaskForm):
    """An account or contract the client holds."""

    number = StringField("Numéro", validators=[DataRequired(REQUIRED), Length(max=40)])
    product = StringField("Produit", validators=[DataRequired(REQUIRED), Length(max=120)])
    opened_on = DayField("Ouvert le", validators=[Optional()])
    amount = money_field("Montant (€)", "Le montant doit être positif.")

    def values(self) -> AccountInput:
        return AccountInput(number=self.number.data, product=self.product.data,
                            opened_on=self.opened_on.data, amount=self.amount.data)


# Field labels for the history table, taken from the form so they never diverge.
FIELD_LABELS = {name: f.args[0] for name, f in vars(ClientForm).items()
                if isinstance(f, UnboundField) and f.args} | {
    "phone_is_mobile": "Téléphone mobile", "phone2_is_mobile": "Autre téléphone mobile",
    "key": "Clé externe"}
