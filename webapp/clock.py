"""The app's calendar: "today" and the day of an instant are those of the app's time zone
(``BABEL_DEFAULT_TIMEZONE``), never the server's. A server on UTC serving Paris would
otherwise start tomorrow an hour late (or end today an hour early): deadlines, expiry and
"RDV aujourd'hui" would be off for that hour."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from webapp.config import Defaults


def zone() -> ZoneInfo:
    """The app's time zone (the default one outside an app, e.g. for a test's constants)."""
    name = (current_app.config["BABEL_DEFAULT_TIMEZONE"] if has_app_context()
            else Defaults.BABEL_DEFAULT_TIMEZONE)
    return ZoneInfo(name)


def today() -> date:
    """Today, in the app's time zone."""
    return datetime.now(zone()).date()


def local(moment: datetime) -> datetime:
    """An instant in the app's time zone. Stored instants come back aware (UTC) on both
    engines (``database.UTCDateTime``); a naive value is taken as UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone())


def local_day(moment: datetime) -> date:
    """The day of an instant in the app's time zone."""
    return local(moment).date()


def day_start(day: date) -> datetime:
    """Local midnight of ``day`` as a UTC instant (the stored timestamps are UTC)."""
    return datetime.combine(day, time(), zone()).astimezone(UTC)
