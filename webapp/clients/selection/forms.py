"""Forms of the query builder's actions. The criteria and the ticked rows travel beside
them as plain inputs (read by ``rules.parse_criteria`` like the URL's); the forms' own
fields carry a prefix (``act-``), so that « Conseiller » the criterion and « Conseiller »
the action never mix."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from webapp import clock
from webapp.choices import options
from webapp.clients.selection.queries import operations_to_add
from webapp.dates import DayField
from webapp.fields import money_field
from webapp.operations.targets.queries import assignable_advisors

REQUIRED = "Ce champ est obligatoire."
PREFIX = "act"


class SaveQueryForm(FlaskForm):
    name = StringField("Nom de la requête", validators=[DataRequired(REQUIRED),
                                                         Length(max=120)])
    shared = BooleanField("Partagée avec mon équipe")

    def values(self) -> dict:
        return {"name": self.name.data.strip(), "shared": bool(self.shared.data)}


class _Confirmed(FlaskForm):
    """``expected``: the number of changes the preview announced (absent: a preview)."""

    expected = IntegerField(validators=[Optional(), NumberRange(min=0, max=10**7)])


class AddToOperationForm(_Confirmed):
    operation_id = SelectField("Opération", coerce=int,
                               validators=[InputRequired("Choisissez une opération.")])
    entry_date = DayField("Date d'entrée", default=clock.today,
                          validators=[InputRequired(REQUIRED)])
    potential = money_field("Potentiel (€) pour chaque client",
                            "Le potentiel doit être compris entre 0 et 999 999 999 999,99 €.")
    advisor_id = SelectField("Conseiller dans l'opération", coerce=int, default=0)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, prefix=PREFIX, **kwargs)
        self.operations = {op.id: op for op in operations_to_add(user)}
        self.operation_id.choices = options(
            [(op.id, op.name) for op in self.operations.values()])
        self.advisor_id.choices = options([(0, "Le conseiller de chaque client"),
                                           *assignable_advisors()])

    @property
    def operation(self):
        return self.operations.get(self.operation_id.data)

    def values(self) -> dict:
        return {"entry_date": self.entry_date.data, "potential": self.potential.data,
                "advisor_id": self.advisor_id.data or None,
                "expected": self.expected.data}


class AssignForm(_Confirmed):
    advisor_id = SelectField("Nouveau conseiller", coerce=int,
                             validators=[InputRequired("Choisissez un conseiller.")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix=PREFIX, **kwargs)
        self.advisor_id.choices = options(assignable_advisors())

    def values(self) -> dict:
        return {"advisor_id": self.advisor_id.data, "expected": self.expected.data}
