"""Booklets (slide 8): an agency's yearly quota of a contract, and an order."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from webapp.backoffice.booklets import queries
from webapp.backoffice.booklets.services import AllowanceInput, OrderInput
from webapp.backoffice.forms import REQUIRED, agency_field
from webapp.choices import options
from webapp.dates import DayField


class _AgencyContract(FlaskForm):
    """An agency (a client file, chosen with the picker) and one of the contracts."""

    client_id = agency_field()
    contract_id = SelectField("Contrat", coerce=int, default=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.contracts = queries.contracts()
        self.contract_id.choices = options([(0, "— Choisissez —"),
                                            *((c.id, c.name) for c in self.contracts)])
        self.contract = next((c for c in self.contracts if c.id == self.contract_id.data),
                             None)

    @property
    def client(self):
        return self.client_id.client

    def validate_contract_id(self, field):
        if self.contract is None:
            raise ValidationError("Choisissez le contrat.")


class AllowanceForm(_AgencyContract):
    yearly_quota = IntegerField("Quota annuel (livrets)", validators=[
        InputRequired(REQUIRED), NumberRange(1, 1_000_000, "Entre 1 et 1 000 000 livrets.")])
    groupist = BooleanField("Agence groupiste (commande par le BO)")

    def values(self) -> AllowanceInput:
        return AllowanceInput(self.client, self.contract, self.yearly_quota.data,
                              self.groupist.data)


class OrderForm(_AgencyContract):
    quantity = IntegerField("Quantité", validators=[
        InputRequired("Indiquez une quantité positive."),
        NumberRange(1, 1_000_000, "Entre 1 et 1 000 000 livrets.")])
    ordered_on = DayField("Date de la commande", validators=[InputRequired(REQUIRED)])

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_ordered_on(self, field):
        if field.data and field.data > self.today:
            raise ValidationError("La commande ne peut pas être datée dans le futur.")

    def values(self) -> OrderInput:
        return OrderInput(self.client, self.contract, self.quantity.data,
                          self.ordered_on.data)
