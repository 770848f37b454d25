"""French display formats: the one set of Jinja filters for amounts, rates and dates."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import parse_pattern
from flask_babel import format_decimal, format_percent, get_locale

from webapp.choices import label_of
from webapp.clock import local

DASH = "—"


def money(value) -> str:
    """`4 100 000 €`, or `1 234,50 €` when there are cents; `—` when unknown."""
    if value is None:
        return DASH
    value = Decimal(str(value))
    pattern = "#,##0" if value == value.to_integral_value() else "#,##0.00"
    return _pattern(pattern).apply(value, get_locale()) + "\u00a0€"


@lru_cache(maxsize=8)
def _pattern(text: str):
    """A parsed Babel number pattern (parsing it costs 7× formatting with it: a board of
    260 cards spent 10 ms there)."""
    return parse_pattern(text)


def euros(value) -> str:
    """A figure of the supervision, to the euro (METRICS.md: round only for display):
    `334 426 €` for 334 426,23."""
    if value is None:
        return DASH
    return money(Decimal(str(value)).quantize(Decimal(1), ROUND_HALF_UP))


def rate(value) -> str:
    """A ratio (0.6667) as `66,67 %`; `—` when the ratio is undefined."""
    if value is None:
        return DASH
    return format_percent(value, format="#,##0.00 %")


def day(value) -> str:
    """`22/11/2026` (an instant: its day in the configured time zone)."""
    if value is None:
        return DASH
    if isinstance(value, datetime):
        value = local(value)
    if isinstance(value, date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    return str(value)


def moment(value) -> str:
    """`22/11/2026 14:05` in the configured time zone. Total: an instant the time zone
    cannot shift (year 9999) is shown as stored rather than breaking the page. (Digits
    only, so no locale data: Babel's ``format_datetime`` cost 60 µs a call, a kanban
    board's next actions 1 ms.)"""
    if value is None:
        return DASH
    try:
        shown = local(value)
    except (OverflowError, ValueError, TypeError, AttributeError):
        return f"{value:%d/%m/%Y %H:%M} UTC" if isinstance(value, datetime) else str(value)
    return f"{day(shown.date())} {shown.hour:02d}:{shown.minute:02d}"


def number(value) -> str:
    if value is None:
        return DASH
    return format_decimal(value)


def field_labels(form) -> dict[str, str]:
    """A form's field labels by field name, for the history table."""
    return {field.short_name: str(field.label.text) for field in form}


FILTERS = {"money": money, "euros": euros, "rate": rate, "day": day, "moment": moment,
           "number": number}


def init_app(app) -> None:
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals["label_of"] = label_of
    app.jinja_env.globals["field_labels"] = field_labels
