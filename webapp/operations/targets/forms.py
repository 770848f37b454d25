"""Forms that put clients in an operation: one client, a client query, from a client file."""


from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import InputRequired

from webapp import clock
from webapp.choices import options
from webapp.clients.models import Client
from webapp.clients.picker import ClientPickerField
from webapp.fields import money_field
from webapp.operations.models import Operation
from webapp.operations.targets.queries import addable_operations, assignable_advisors

REQUIRED = "Ce champ est obligatoire."


def potential_field():
    return money_field("Potentiel (€)",
                       "Le potentiel doit être compris entre 0 et 999 999 999 999,99 €.")


def entry_date_field():
    return DateField("Date d'entrée", default=clock.today,
                     validators=[InputRequired(REQUIRED)])


class TargetFields(FlaskForm):
    """Potential, entry date and advisor (by default, the client's)."""

    potential = potential_field()
    entry_date = entry_date_field()
    advisor_id = SelectField("Conseiller", coerce=int, default=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.advisor_id.choices = options([(0, "Le conseiller du client"),
                                           *assignable_advisors()])

    def chosen_client(self) -> Client | None:
        raise NotImplementedError

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        client = self.chosen_client()
        if not self.advisor_id.data and client.advisor_id is None:
            self.advisor_id.errors.append("Ce client n'a pas de conseiller : choisissez-en un.")
            return False
        return True


class TargetForm(TargetFields):
    """One client, picked with the client picker, put in a given operation (whether it
    is still open and the client not already in it: the service's checks)."""

    client_id = ClientPickerField("Client", required="Choisissez un client.")

    def __init__(self, *args, operation: Operation, **kwargs):
        super().__init__(*args, **kwargs)
        self.operation = operation

    @property
    def client(self) -> Client | None:
        return self.client_id.client

    def chosen_client(self) -> Client | None:
        return self.client


class ClientTargetForm(TargetFields):
    """From a client file: the operation to put the client in."""

    operation_id = SelectField("Opération", coerce=int,
                               validators=[InputRequired("Choisissez une opération.")])

    def __init__(self, *args, client: Client, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.operations = {op.id: op for op in addable_operations(user, client)}
        self.operation_id.choices = options(
            [(op.id, op.name) for op in self.operations.values()])

    def chosen_client(self) -> Client | None:
        return self.client

    @property
    def operation(self) -> Operation | None:
        return self.operations.get(self.operation_id.data)


class BulkTargetForm(FlaskForm):
    """A client query's result put in the operation: a common potential and entry date
    (the query's filters travel as plain hidden inputs, read like the client list's)."""

    potential = potential_field()
    entry_date = entry_date_field()
