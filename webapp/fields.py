"""Form fields shared by every domain."""

from decimal import Decimal

from wtforms import StringField
from wtforms.validators import NumberRange, Optional

from webapp.numbers import MAX_MONEY, parse_french_decimal

NUMBER = "Saisissez un nombre (par exemple 12 500,50)."
MONEY = "Saisissez un montant en euros, par exemple 50 000,00."


class FrenchDecimalField(StringField):
    """A number typed the French way (« 12 500,50 »): spaces and a comma accepted; never
    NaN nor infinite; below ``limit`` in absolute value; rounded to ``places``."""

    def __init__(self, label=None, validators=None, limit=Decimal("1e12"), places=2,
                 message=NUMBER, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.limit, self.places, self.message = limit, places, message

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        # 40000, 12.5: what one would type, not the column's 40000.00 or 50.0000.
        return "" if self.data is None else format(self.data.normalize(), "f")

    def process_formdata(self, valuelist):
        try:
            self.data = parse_french_decimal(valuelist[0] if valuelist else "", self.places,
                                             self.limit)
        except ValueError:
            self.data = None
            raise ValueError(self.message) from None


def money_field(label: str, range_message: str, minimum: Decimal | None = Decimal(0),
                **kwargs) -> FrenchDecimalField:
    """An optional amount in €, up to the column's maximum, from ``minimum`` (None: a rule
    function of the domain judges the lower bound, with its own message)."""
    return FrenchDecimalField(
        label, validators=[Optional(), NumberRange(min=minimum, max=MAX_MONEY,
                                                   message=range_message)],
        limit=Decimal("1e30"), message=MONEY,
        render_kw={"inputmode": "decimal", "autocomplete": "off"}, **kwargs)
