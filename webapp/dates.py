"""Dates typed or passed in a URL, bounded: a person's dates, not the calendar's ends.

The year 1 or 9999 was accepted and then broke the conversions to the app's time zone
and the formatters (issue 19: one stored ``9999-12-31T23:59`` made a page a 500 for
everyone). Every query-string date goes through ``day_param`` (a date out of the bounds
is no date: the filter's default) and every form date through ``DayField`` or
``MomentField`` (a French error on the field).
"""

from datetime import date, datetime

from flask import request
from wtforms import DateField, DateTimeLocalField
from wtforms.validators import ValidationError

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)
OUT_OF_BOUNDS = f"Indiquez une date entre {FIRST_DAY.year} et {LAST_DAY.year}."


def day_error(day: date | datetime | None, message: str = OUT_OF_BOUNDS) -> str | None:
    """``message`` when ``day`` is given and outside FIRST_DAY … LAST_DAY, else None."""
    if day is None:
        return None
    as_day = day.date() if isinstance(day, datetime) else day
    return message if not FIRST_DAY <= as_day <= LAST_DAY else None


def parse_day(text: str) -> date:
    """An ISO day (``2026-12-06``) within the bounds; a ValueError otherwise (so that
    ``request.args.get(name, default, type=parse_day)`` falls back to the default)."""
    day = date.fromisoformat(str(text).strip())
    if day_error(day):
        raise ValueError(text)
    return day


def day_param(name: str, default: date | None = None) -> date | None:
    """The query string's ``name`` as a bounded day, or ``default`` (absent, malformed or
    out of bounds)."""
    return request.args.get(name, default, type=parse_day)


def bounded(message: str = OUT_OF_BOUNDS):
    """A WTForms validator: the field's date (or date-time), when given, within bounds."""

    def check(_form, field):
        if error := day_error(field.data, message):
            raise ValidationError(error)

    return check


class DayField(DateField):
    """A form's date (``<input type=date>``), refused outside FIRST_DAY … LAST_DAY."""

    def pre_validate(self, form):
        bounded()(form, self)


class MomentField(DateTimeLocalField):
    """A form's date and time (``<input type=datetime-local>``), bounded like DayField."""

    def pre_validate(self, form):
        bounded()(form, self)
