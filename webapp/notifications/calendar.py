"""Calendar invitations (.ics) for meetings: REQUEST, then REQUEST with a higher
SEQUENCE when the meeting moves, CANCEL when it is cancelled; one stable UID."""

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Pilote//CRM//FR"


@dataclass(frozen=True)
class Invite:
    uid: str  # stable per meeting, e.g. "meeting-42@pilote"
    sequence: int  # 0 at creation, +1 at each move
    start: datetime  # an aware instant (stored UTC); written in ``tz`` (TZID)
    end: datetime
    summary: str
    organizer: str  # e-mail
    attendees: tuple[str, ...] = ()
    location: str = ""
    description: str = ""
    tz: str = "Europe/Paris"
    cancelled: bool = False

    @property
    def method(self) -> str:
        return "CANCEL" if self.cancelled else "REQUEST"


def _local(moment: datetime, tz: str) -> datetime:
    zone = ZoneInfo(tz)
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def ics(invite: Invite) -> str:
    """The invitation as iCalendar text."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", invite.method)
    event = Event()
    event.add("uid", invite.uid)
    event.add("sequence", invite.sequence)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", _local(invite.start, invite.tz))
    event.add("dtend", _local(invite.end, invite.tz))
    event.add("summary", invite.summary)
    if invite.location:
        event.add("location", invite.location)
    if invite.description:
        event.add("description", invite.description)
    event.add("status", "CANCELLED" if invite.cancelled else "CONFIRMED")
    event["organizer"] = vCalAddress(f"mailto:{invite.organizer}")
    for email in invite.attendees:
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
        attendee.params["RSVP"] = vText("TRUE")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()
