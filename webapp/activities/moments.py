"""A date and time typed in the app's time zone, stored as an aware UTC instant."""

from datetime import UTC, datetime

from webapp import clock
from webapp.dates import MomentField

FORMAT = "%Y-%m-%dT%H:%M"


class LocalMomentField(MomentField):
    """``<input type=datetime-local>`` read in Europe/Paris; ``utc()`` the stored instant."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=FORMAT, **kwargs)

    def utc(self) -> datetime | None:
        if self.data is None:
            return None
        return self.data.replace(tzinfo=clock.zone()).astimezone(UTC)


def local(moment: datetime | None) -> datetime | None:
    """A stored instant as the naive local time the field shows."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(clock.zone()).replace(tzinfo=None)
