"""The new-contract checklist (slide 7), one form per section, each saved on its own:
every field may stay empty while the sheet is being filled; completeness is the rule's."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, Length, NumberRange, Optional, ValidationError

from webapp.backoffice.checklist.rules import (
    BILLING_BASES,
    BOOKLET_FORMATS,
    SECTION_FIELDS,
    SUBSCRIPTION_FORMATS,
    effective_date_error,
    parse_chiefs,
    parse_day_month,
)
from webapp.choices import options
from webapp.clients.rules import parse_phone
from webapp.fields import money_field

EMAIL = "Adresse e-mail invalide."


def _blank(pairs):
    return [*options([("", "— À préciser —")]), *options(pairs)]


def _phone(_form, field):
    if field.data:
        try:
            field.data = parse_phone(field.data).display
        except ValueError as error:
            raise ValidationError(str(error)) from error


class _SectionForm(FlaskForm):
    section = ""

    def values(self) -> dict[str, object]:
        """The section's fields as the sheet stores them (blank text is None)."""
        return {name: _clean(self[name].data) for name in SECTION_FIELDS[self.section]}


def _clean(value):
    if isinstance(value, str):
        return value.strip() or None
    return value


class ContactsForm(_SectionForm):
    """« Coordonnées complètes, Interlocuteur principal, Adresse postale général,
    Téléphone »."""

    section = "contacts"
    contact_name = StringField("Interlocuteur principal", validators=[Optional(),
                                                                       Length(max=120)])
    address = StringField("Adresse postale générale", validators=[Optional(), Length(max=250)])
    phone = StringField("Téléphone", validators=[Optional(), Length(max=30), _phone])
    email = EmailField("E-mail général", validators=[Optional(), Length(max=254), Email(EMAIL)])


class ContractForm(_SectionForm):
    """« Code Fram, Date d'effet du contrat, Date d'échéance (exercice comptable), Chiffre
    d'affaires + Année ou exercice comptable »."""

    section = "contract"
    fram_code = StringField("Code Fram", validators=[Optional(), Length(max=30)])
    effective_date = DateField("Date d'effet du contrat", validators=[Optional()])
    fiscal_year_end = StringField(
        "Clôture de l'exercice comptable (jour/mois)", validators=[Optional(), Length(max=5)],
        render_kw={"placeholder": "31/12", "inputmode": "numeric", "autocomplete": "off"})
    revenue = money_field("Chiffre d'affaires (€)", "Le chiffre d'affaires doit être positif.")
    revenue_year = IntegerField("Année ou exercice du chiffre d'affaires", validators=[
        Optional(), NumberRange(1990, 2100, "Indiquez une année entre 1990 et 2100.")])

    def validate_effective_date(self, field):
        if error := effective_date_error(field.data):
            raise ValidationError(error)

    def validate_fiscal_year_end(self, field):
        if field.data:
            try:
                day, month = parse_day_month(field.data)
            except ValueError as error:
                raise ValidationError(str(error)) from error
            field.data = f"{day:02d}/{month:02d}"


class BillingForm(_SectionForm):
    """« Facturation : base départ ou base souscription ; Contact comptabilité (nom/prénom +
    téléphone) »."""

    section = "billing"
    billing_basis = SelectField("Base de facturation", choices=_blank(BILLING_BASES),
                                default="")
    accounting_name = StringField("Contact comptabilité : nom et prénom",
                                  validators=[Optional(), Length(max=120)])
    accounting_phone = StringField("Contact comptabilité : téléphone",
                                   validators=[Optional(), Length(max=30), _phone])


class SubscriptionForm(_SectionForm):
    """« Format de souscription : Extranet / EDI / WEBSERVICE » and, on the Extranet, the
    reception e-mail « si différente de la générale », the login preference and the CHEF /
    SUPERCHEF people."""

    section = "subscription"
    subscription_format = SelectField("Format de souscription",
                                      choices=_blank(SUBSCRIPTION_FORMATS), default="")
    reception_same = BooleanField("Identique à l'adresse générale")
    reception_email = EmailField("Adresse de réception des souscriptions",
                                 validators=[Optional(), Length(max=254), Email(EMAIL)])
    login_preference = StringField("Préférence login et mot de passe",
                                   validators=[Optional(), Length(max=200)])
    chiefs = TextAreaField("Personnes en statut CHEF et/ou SUPERCHEF (une par ligne)",
                           validators=[Optional(), Length(max=2000)],
                           render_kw={"placeholder": "Marie Dupont : SUPERCHEF"})

    def validate_chiefs(self, field):
        if field.data:
            try:
                parse_chiefs(field.data)
            except ValueError as error:
                raise ValidationError(str(error)) from error

    def values(self) -> dict[str, object]:
        """The same address as the general one needs no second copy."""
        values = super().values()
        if values["reception_same"]:
            values["reception_email"] = None
        return values


class BookletsForm(_SectionForm):
    """« Type et quantité de livret ; Format démat ou papier ; Préciser les besoins »."""

    section = "booklets"
    booklet_type = SelectField("Type de livret", default="")
    booklet_format = SelectField("Format", choices=_blank(BOOKLET_FORMATS), default="")
    booklet_quantity = IntegerField("Quantité", validators=[
        Optional(), NumberRange(1, 1_000_000, "Indiquez une quantité entre 1 et 1 000 000.")])
    booklet_needs = TextAreaField("Besoins précisés", validators=[Optional(),
                                                                  Length(max=2000)])

    def __init__(self, *args, contracts: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.booklet_type.choices = _blank((name, name) for name in contracts)


class LogoForm(FlaskForm):
    file = FileField("Logo du client en HD (PNG, JPEG ou WebP)",
                     validators=[FileRequired("Choisissez le fichier du logo.")])


SECTION_FORMS = {"contacts": ContactsForm, "contract": ContractForm, "billing": BillingForm,
                 "subscription": SubscriptionForm, "booklets": BookletsForm}
