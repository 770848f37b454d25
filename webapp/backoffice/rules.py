"""Rules shared by the back-office desk's features (each feature keeps its own rules in
``backoffice/<feature>/rules.py``)."""

from datetime import date

# The days a desk's period may name: a person's dates, not the calendar's ends (the year 1
# and 9999 broke the conversions to the app's time zone).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)


def day_error(day: date | None) -> str | None:
    """A day, when given, between FIRST_DAY and LAST_DAY."""
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        return f"Indiquez une date entre {FIRST_DAY.year} et {LAST_DAY.year}."
    return None
