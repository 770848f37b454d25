"""The admin's product form."""

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from webapp.activities.catalogue.rules import KEY_MAX, LABEL_MAX, RANGE_MAX
from webapp.fields import FrenchDecimalField, money_field


class ProductForm(FlaskForm):
    key = StringField("Référence", validators=[DataRequired("La référence est obligatoire."),
                                               Length(max=KEY_MAX)])
    label = StringField("Libellé", validators=[DataRequired("Le libellé est obligatoire."),
                                               Length(max=LABEL_MAX)])
    range = StringField("Gamme", validators=[Length(max=RANGE_MAX)],
                        render_kw={"placeholder": "ex. Imprimé, Internet, Display"})
    unit_price_ht = money_field("Prix unitaire HT (€)", "Le prix est un montant de 0 ou plus.")
    vat_rate = FrenchDecimalField("Taux de TVA (%)", validators=[
        InputRequired("Le taux de TVA est obligatoire.")], limit=Decimal(1000),
        render_kw={"inputmode": "decimal"})
    active = BooleanField("Proposé sur les devis", default=True)

    def values(self) -> dict:
        return {name: self[name].data for name in
                ("key", "label", "range", "unit_price_ht", "vat_rate", "active")}
