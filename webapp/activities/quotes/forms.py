"""Quote forms: a new quote (object, validity), a line, the client's answer."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from webapp.activities.quotes.rules import QUANTITY_MAX, TITLE_MAX
from webapp.choices import options
from webapp.dates import DayField


class QuoteForm(FlaskForm):
    title = StringField("Objet du devis", validators=[
        DataRequired("L'objet du devis est obligatoire."), Length(max=TITLE_MAX)],
        render_kw={"placeholder": "ex. Pavé activité Opticiens départemental S2"})
    valid_until = DayField("Valable jusqu'au", validators=[
        InputRequired("La date de validité est obligatoire.")])

    def values(self) -> dict:
        return {"title": self.title.data, "valid_until": self.valid_until.data}


class LineForm(FlaskForm):
    product_id = SelectField("Produit", coerce=int, default=0)
    quantity = IntegerField("Quantité", default=1, validators=[
        InputRequired("La quantité est obligatoire."),
        NumberRange(1, QUANTITY_MAX, f"La quantité est un nombre entier de 1 à {QUANTITY_MAX}.")],
        render_kw={"inputmode": "numeric"})
    version = HiddenField()


class DecisionForm(FlaskForm):
    decision = SelectField("Réponse du client",
                           choices=options([("accepted", "Accepté"), ("refused", "Refusé")]))
    version = HiddenField()


class VersionForm(FlaskForm):
    """The version of the quote as shown: an action on a quote changed meanwhile is 409."""

    version = HiddenField()
