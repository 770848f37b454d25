"""The boosters' apply form: the count the preview showed (a change since: 409)."""

from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange


class ApplyForm(FlaskForm):
    expected = IntegerField(validators=[
        InputRequired("Aperçu manquant : rechargez la page."),
        NumberRange(min=0, max=1_000_000, message="Aperçu illisible : rechargez la page.")])
