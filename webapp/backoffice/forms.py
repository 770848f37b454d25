"""Form pieces the back-office features share: checkboxes checked by a rule, a period, the
agency picker. (Control characters are dropped from every form's text by ``webapp.forms``.)"""


from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets
from wtforms.validators import Optional

from webapp.clients.picker import ClientPickerField
from webapp.dates import DayField

REQUIRED = "Ce champ est obligatoire."
class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes; the domain's rule checks them (French message)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, validate_choice=False, coerce=int, **kwargs)

    def process_formdata(self, valuelist):
        try:
            self.data = [int(v) for v in valuelist]
        except ValueError:
            self.data = []
            raise ValueError("Choix invalide.") from None


def _digits_or_blank(value):
    """A posted id that is not a number is no choice at all (« Choisissez … »)."""
    text = str(value or "").strip()
    return text if text.isdigit() else ""


def picked_client(label: str, required: str, unknown: str) -> ClientPickerField:
    """The client picker's field, where anything but digits reads as nothing chosen."""
    return ClientPickerField(label, required=required, unknown=unknown,
                             filters=[_digits_or_blank])


def agency_field() -> ClientPickerField:
    """The agency (a client file) a booklet quota, an order or a gesture is for."""
    return picked_client("Agence", "Choisissez l'agence.", "Agence introuvable.")


class PeriodForm(FlaskForm):
    """A period read from the query string (lists, tallies, recap)."""

    class Meta:
        csrf = False

    start = DayField("Du", validators=[Optional()])
    end = DayField("Au", validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        """A date that is not one (« hier », the year 1) is no bound: shown in error,
        read as empty."""
        valid = super().validate(extra_validators)
        for field in (self.start, self.end):
            if field.errors:
                field.data = None
        return valid
