"""Numbers typed the French way (« 12 500,50 », « 1 200 € »): the one parser."""

from decimal import Decimal, InvalidOperation

MAX_MONEY = Decimal("999999999999.99")  # Numeric(14, 2)
LIMIT = Decimal("1e12")  # above any amount a column holds
BLANKS = ("\u202f", "\u00a0", " ", "\t", "€")


def parse_french_decimal(text: str | None, places: int = 2,
                         limit: Decimal = LIMIT) -> Decimal | None:
    """``None`` for a blank; the value rounded to ``places`` otherwise. ``ValueError`` when
    it is not a finite number below ``limit`` in absolute value."""
    raw = text or ""
    for blank in BLANKS:
        raw = raw.replace(blank, "")
    raw = raw.replace(",", ".")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite() or abs(value) >= limit:
        raise ValueError(text)
    return value.quantize(Decimal(1).scaleb(-places))
