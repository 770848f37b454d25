"""Booklets (slide 8): an agency's yearly quota of a contract, and an order."""

from datetime import date

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from webapp.auth.scope import scoped
from webapp.backoffice.booklets import queries
from webapp.backoffice.booklets.rules import order_error
from webapp.choices import options
from webapp.clients.models import Client
from webapp.extensions import db

REQUIRED = "Ce champ est obligatoire."


class _AgencyContract(FlaskForm):
    """An agency (a client file, chosen with the picker) and one of the contracts."""

    client_id = HiddenField("Agence")
    contract_id = SelectField("Contrat", coerce=int, default=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.contracts = queries.contracts()
        self.contract_id.choices = options([(0, "— Choisissez —"),
                                            *((c.id, c.name) for c in self.contracts)])
        raw = str(self.client_id.data or "")
        self.client = (db.session.scalar(scoped(select(Client).where(Client.id == int(raw)),
                                                Client))
                       if raw.isdigit() and len(raw) <= 12 else None)
        self.contract = next((c for c in self.contracts if c.id == self.contract_id.data),
                             None)

    def validate_client_id(self, field):
        if not str(field.data or "").isdigit():
            raise ValidationError("Choisissez l'agence.")
        if self.client is None:
            raise ValidationError("Agence introuvable.")

    def validate_contract_id(self, field):
        if self.contract is None:
            raise ValidationError("Choisissez le contrat.")


class AllowanceForm(_AgencyContract):
    yearly_quota = IntegerField("Quota annuel (livrets)", validators=[
        InputRequired(REQUIRED), NumberRange(1, 1_000_000, "Entre 1 et 1 000 000 livrets.")])
    groupist = BooleanField("Agence groupiste (commande par le BO)")


class OrderForm(_AgencyContract):
    quantity = IntegerField("Quantité", validators=[
        InputRequired("Indiquez une quantité positive."),
        NumberRange(1, 1_000_000, "Entre 1 et 1 000 000 livrets.")])
    ordered_on = DateField("Date de la commande", validators=[InputRequired(REQUIRED)])

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.allowance = (queries.allowance_of(self.client.id, self.contract.id)
                          if self.client and self.contract else None)

    def validate_ordered_on(self, field):
        if field.data and field.data > self.today:
            raise ValidationError("La commande ne peut pas être datée dans le futur.")

    def validate(self, extra_validators=None) -> bool:
        """The fields first, then the rule on the whole order: quota and delay."""
        if not super().validate(extra_validators):
            return False
        day = self.ordered_on.data
        error = order_error(
            self.quantity.data, self.allowance.yearly_quota if self.allowance else None,
            queries.ordered_in(self.client.id, self.contract.id, day.year),
            queries.last_order(self.client.id, self.contract.id), day)
        if error:
            self.quantity.errors.append(error)
            return False
        return True
