"""Incentives (slide 9): a sale entered by hand, a sales file imported, the period."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import InputRequired, Length, NumberRange

from webapp.backoffice.forms import REQUIRED, PeriodForm
from webapp.backoffice.incentives.rules import SaleLine
from webapp.dates import DayField
from webapp.fields import MAX_MONEY, MONEY, FrenchDecimalField

__all__ = ["ImportForm", "PeriodForm", "SaleForm"]


class SaleForm(FlaskForm):
    sold_on = DayField("Date de la vente", validators=[InputRequired(REQUIRED)])
    agency = StringField("Agence", validators=[InputRequired(REQUIRED), Length(max=120)])
    seller = StringField("Vendeur", validators=[InputRequired(REQUIRED), Length(max=120)])
    policy = StringField("N° de police", validators=[InputRequired(REQUIRED), Length(max=40)])
    amount = FrenchDecimalField(
        "Incentive de la police (€)", message=MONEY, render_kw={"inputmode": "decimal"},
        validators=[InputRequired(REQUIRED), NumberRange(
            min=0, max=MAX_MONEY, message="Le montant doit être positif ou nul.")])

    def values(self) -> SaleLine:
        return SaleLine(self.sold_on.data, self.agency.data, self.seller.data,
                        self.policy.data, self.amount.data)


class ImportForm(FlaskForm):
    file = FileField("Fichier des ventes (CSV : date;agence;vendeur;police;montant)",
                     validators=[FileRequired("Choisissez le fichier des ventes.")])
