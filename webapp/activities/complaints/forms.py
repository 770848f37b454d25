"""The complaint form (slide 44's fields) and the status move."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from webapp.activities.complaints.models import ComplaintOrigin, ComplaintStatus
from webapp.activities.complaints.rules import (
    COMMENT_MAX,
    ORDER_MAX,
    VINTAGE_MAX,
    VINTAGE_MIN,
)
from webapp.activities.complaints.services import ComplaintInput

COMMENT_HINT = ("Un commentaire factuel, pertinent et objectif, qui reflète la voix du client : "
                "ni jugement de valeur, ni informations personnelles, ni remarque sur d'autres "
                "services. Le client peut en demander l'accès (CNIL).")


class ComplaintForm(FlaskForm):
    vintage = IntegerField("Millésime", validators=[
        InputRequired("Le millésime est obligatoire."),
        NumberRange(VINTAGE_MIN, VINTAGE_MAX,
                    f"Le millésime est une année entre {VINTAGE_MIN} et {VINTAGE_MAX}.")],
        render_kw={"inputmode": "numeric"})
    order_number = StringField("N° de commande", validators=[
        DataRequired("Le n° de commande est obligatoire."), Length(max=ORDER_MAX)],
        render_kw={"autocomplete": "off"})
    origin = SelectField("Origine", choices=ComplaintOrigin.choices(),
                         default=ComplaintOrigin.VISIT.value)
    comment = TextAreaField("Description de la réclamation", validators=[
        DataRequired("Décrivez la réclamation (un commentaire factuel)."),
        Length(max=COMMENT_MAX)])
    confirm_contacts = BooleanField("Enregistrer quand même (les coordonnées citées sont "
                                    "nécessaires à la réclamation)")

    def values(self) -> ComplaintInput:
        return ComplaintInput(vintage=self.vintage.data, order_number=self.order_number.data,
                              comment=self.comment.data, origin=self.origin.data)


class MoveForm(FlaskForm):
    status = SelectField("Nouveau statut", choices=ComplaintStatus.choices())
    version = HiddenField()
