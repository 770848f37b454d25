"""Form pieces the back-office features share: the desk's form (text without control
characters), checkboxes checked by a rule, a period, the agency picker."""

import re

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, widgets
from wtforms.validators import Optional

from webapp.clients.picker import ClientPickerField
from webapp.dates import DayField

REQUIRED = "Ce champ est obligatoire."
# Control characters typed or pasted into a text: nothing a person means, and PostgreSQL
# refuses NUL in text (a request body « a\x00b » was a 500). Tabs and new lines stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(value):
    """A text field's value with its control characters removed."""
    return _CONTROL.sub("", value) if isinstance(value, str) else value


class DeskForm(FlaskForm):
    """The desk's forms: every text field drops control characters."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, StringField):
                filters = options.get("filters") or unbound_field.kwargs.get("filters") or ()
                options["filters"] = [without_control_characters, *filters]
            return unbound_field.bind(form=form, **options)


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


class PeriodForm(DeskForm):
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
