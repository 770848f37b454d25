"""The « Clore la visite » dialog: the next appointment's fields and the next
opportunity's."""

from sqlalchemy import select
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from webapp.activities.appointments.forms import AppointmentForm
from webapp.activities.visits import NextOpportunity
from webapp.dates import DayField
from webapp.extensions import db
from webapp.fields import money_field
from webapp.opportunities.models import OpportunityType

REQUIRED = "Ce champ est obligatoire."


def type_choices() -> list[tuple[int, str]]:
    return [(t.id, t.name) for t in db.session.scalars(
        select(OpportunityType).order_by(OpportunityType.position, OpportunityType.name))]


class CloseVisitForm(AppointmentForm):
    opportunity_name = StringField("Nom de l'opportunité", validators=[
        InputRequired(REQUIRED), Length(max=160)])
    type_id = SelectField("Type d'opportunité", coerce=int)
    purpose = StringField("Finalité", validators=[Optional(), Length(max=200)])
    amount = money_field("Montant potentiel (€)", "Indiquez un montant positif.")
    probability = IntegerField("Probabilité (%)", validators=[
        Optional(), NumberRange(0, 100, "Entre 0 et 100.")])
    expected_close_on = DayField("Date prévisionnelle de clôture", validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type_id.choices = type_choices()

    def opportunity(self) -> NextOpportunity:
        return NextOpportunity(name=self.opportunity_name.data, type_id=self.type_id.data,
                               purpose=self.purpose.data or None, amount=self.amount.data,
                               probability=self.probability.data,
                               expected_close_on=self.expected_close_on.data)
