"""Forms that put clients in an operation: one client, a client query, from a client file."""


from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import InputRequired, ValidationError

from webapp import clock
from webapp.choices import options
from webapp.clients.models import Client
from webapp.clients.picker import visible_client
from webapp.fields import money_field
from webapp.operations.models import Operation
from webapp.operations.rules import can_add_targets
from webapp.operations.targets.queries import (
    addable_operations,
    assignable_advisors,
    has_target,
)
from webapp.operations.targets.services import ALREADY, ARCHIVED

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
    """One client, picked with the client picker, put in a given operation."""

    client_id = IntegerField("Client", validators=[InputRequired("Choisissez un client.")])

    def __init__(self, *args, operation: Operation, **kwargs):
        super().__init__(*args, **kwargs)
        self.operation = operation
        self.client = None

    def chosen_client(self) -> Client | None:
        return self.client

    def validate_client_id(self, field):
        self.client = visible_client(field.data)
        if self.client is None:
            raise ValidationError("Client introuvable.")
        if has_target(self.operation.id, self.client.id):
            raise ValidationError(ALREADY)

    def validate(self, extra_validators=None) -> bool:
        if not can_add_targets(self.operation.archived):
            self.form_errors.append(ARCHIVED)
            super().validate(extra_validators)
            return False
        return super().validate(extra_validators)


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

    def validate_operation_id(self, field):
        if has_target(field.data, self.client.id):
            raise ValidationError(ALREADY)


class BulkTargetForm(FlaskForm):
    """A client query's result put in the operation: a common potential and entry date
    (the query's filters travel as plain hidden inputs, read like the client list's)."""

    potential = potential_field()
    entry_date = entry_date_field()
