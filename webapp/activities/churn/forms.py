"""The churn form of the client file."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length

from webapp.activities.churn.models import ChurnReason, ChurnScope
from webapp.activities.churn.rules import LABEL_MAX
from webapp.choices import options
from webapp.dates import DayField


class ChurnForm(FlaskForm):
    scope = SelectField("Type de chute", choices=ChurnScope.choices(),
                        default=ChurnScope.TOTAL.value)
    day = DayField("Date de chute", validators=[InputRequired("La date de chute est obligatoire.")])
    reason = SelectField("Motif de chute", choices=options(
        [("", "— Choisissez —"), *((r.value, r.label) for r in ChurnReason)]))
    account_id = SelectField("Compte concerné", coerce=int, default=0)
    product_id = SelectField("Produit chuté", coerce=int, default=0)
    range_label = StringField("Gamme chutée", validators=[Length(max=LABEL_MAX)])
    suborder_label = StringField("Sous-commande de la proposition",
                                 validators=[Length(max=LABEL_MAX)])

    def __init__(self, *args, accounts=(), products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.account_id.choices = options([(0, "— Aucun —"), *((a.id, str(a)) for a in accounts)])
        self.product_id.choices = options([(0, "— Aucun —"), *((p.id, p.label) for p in products)])

    def values(self) -> dict:
        return {"scope": self.scope.data, "day": self.day.data, "reason": self.reason.data,
                "account_id": self.account_id.data or None,
                "product_id": self.product_id.data or None,
                "range_label": self.range_label.data, "suborder_label": self.suborder_label.data}
