"""The forms of « Préparer mes visites »: the period of the proposals, the clients chosen."""

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField

from webapp.choices import options
from webapp.ids import id_param

PERIODS = [("today", "Aujourd'hui"), ("week", "Cette semaine")]


class PeriodForm(FlaskForm):
    """The period of the proposals (a GET filter: no CSRF)."""

    class Meta:
        csrf = False

    period = SelectField("Période", choices=options(PERIODS), default="today")


class PrepareForm(FlaskForm):
    """The clients chosen (ids; the route loads them within the user's scope)."""

    clients = SelectMultipleField("Clients à préparer", coerce=id_param,
                                  validate_choice=False)

    def values(self) -> list[int]:
        return list(dict.fromkeys(self.clients.data or []))
