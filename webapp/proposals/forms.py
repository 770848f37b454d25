"""Forms of proposals: the proposal (name, plan), a duplicate, a sub-order, a product
line, a removal, the signature (mobile, billing, IBAN), the code, a rejet, a total churn.
Fields only; the services judge the rest."""

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from webapp.activities.catalogue.models import Product
from webapp.choices import options
from webapp.dates import DayField
from webapp.extensions import db
from webapp.fields import money_field
from webapp.proposals import links, rules, services
from webapp.proposals.models import Billing, LineState
from webapp.proposals.signature.services import SigningInput

NAME = "Donnez à la proposition un nom évocateur pour le client."


def at_most(length: int) -> str:
    return f"{length:,} caractères au plus.".replace(",", "\u202f")


class ProposalForm(FlaskForm):
    name = StringField("Nom de la proposition", validators=[
        DataRequired(NAME), Length(max=120, message=at_most(120))])
    plan_count = IntegerField("Nombre d'échéances", default=1, validators=[
        InputRequired("Saisissez le nombre d'échéances."),
        NumberRange(1, rules.MAX_PLAN, f"Entre 1 et {rules.MAX_PLAN} échéances.")])
    plan_start = DayField("Première échéance", validators=[Optional()])

    def values(self, opportunity_id=None) -> services.ProposalInput:
        return services.ProposalInput(name=self.name.data, plan_count=self.plan_count.data,
                                      plan_start=self.plan_start.data,
                                      opportunity_id=opportunity_id)


class DuplicateForm(FlaskForm):
    name = StringField("Nom de la simulation", validators=[
        Optional(), Length(max=120, message=at_most(120))])


class SubOrderForm(FlaskForm):
    number = StringField("N° de sous-commande", validators=[
        DataRequired("Saisissez le numéro de la sous-commande (001, 101 …)."),
        Regexp(r"^\d{3}$", message="Trois chiffres : 001, 101, 201 …")])
    mo = StringField("N° de MO", validators=[
        Optional(), Length(max=20, message=at_most(20))])
    range_label = StringField("Gamme", validators=[
        Optional(), Length(max=120, message=at_most(120))])
    churned = BooleanField("Chutée en totalité")

    def values(self) -> services.SubOrderInput:
        return services.SubOrderInput(number=self.number.data, mo=self.mo.data or "",
                                      range_label=self.range_label.data or "",
                                      churned=self.churned.data)


class LineForm(FlaskForm):
    product_id = SelectField("Produit", coerce=int, validate_choice=True)
    state = SelectField("État", choices=LineState.choices(), default=LineState.NEW)
    amount_ht = money_field("Montant HT (vide : prix du catalogue)",
                            "Le montant doit rester entre −1 000 000 000 000 € et "
                            "1 000 000 000 000 €.", minimum=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        products = db.session.execute(select(Product.id, Product.label).where(
            Product.active).order_by(Product.range, Product.label)).all()
        self.product_id.choices = options([(0, "— Choisir un produit —"), *products])

    def validate_product_id(self, field):
        if not field.data:
            raise ValidationError("Choisissez un produit du catalogue.")

    def values(self) -> services.LineInput:
        return services.LineInput(product=db.session.get(Product, self.product_id.data),
                                  state=self.state.data, amount_ht=self.amount_ht.data)


class RemoveForm(FlaskForm):
    """A removal (its churn's reason, when the client held the product) or a plain
    action button (the CSRF token only)."""

    reason = SelectField("Motif de la chute", choices=links.REASONS.choices(),
                         default=links.DEFAULT_REASON)


class ChurnedForm(FlaskForm):
    churned = BooleanField("Chutée en totalité")


class SigningForm(FlaskForm):
    mobile = StringField("Mobile du client (code SMS)", validators=[
        DataRequired("Saisissez le numéro de mobile du client."),
        Length(max=30, message=at_most(30))])
    billing = SelectField("Facture", choices=Billing.choices(), default=Billing.EMAIL)
    iban = StringField("IBAN (autorisation de prélèvement)", validators=[
        DataRequired("Saisissez l'IBAN du compte à prélever."),
        Length(max=50, message=at_most(50))])

    def values(self) -> SigningInput:
        return SigningInput(mobile=self.mobile.data, billing=self.billing.data, iban=self.iban.data)


class CodeForm(FlaskForm):
    code = StringField("Code reçu par SMS", validators=[
        DataRequired("Saisissez le code reçu par SMS."),
        Regexp(r"^\s*\d{6}\s*$", message="Le code a six chiffres.")],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"})


class RejectForm(FlaskForm):
    reason = TextAreaField("Motif du rejet", validators=[
        DataRequired("Saisissez le motif du rejet."),
        Length(max=2000, message=at_most(2000))])


class TotalChurnForm(FlaskForm):
    day = DayField("Date de la chute", validators=[InputRequired("Saisissez la date de la chute.")])
    reason = SelectField("Motif de la chute", choices=links.REASONS.choices(),
                         default=links.DEFAULT_REASON)
