"""Pure rules of notifications and the calendar invitations."""

from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar

from webapp.notifications.calendar import Invite, ics
from webapp.notifications.rules import (
    confirmation_due,
    feedback_overdue,
    gives_up,
    retry_delay,
    start_notification_due,
)


@pytest.mark.parametrize(("attempts", "seconds"), [(1, 60), (2, 120), (3, 240), (10, 3600)])
def test_retry_delay_doubles_up_to_a_cap(attempts, seconds):
    assert retry_delay(attempts, 60, 3600) == timedelta(seconds=seconds)


def test_gives_up_after_max_attempts():
    assert not gives_up(7, 8) and gives_up(8, 8)


MEETING = datetime(2026, 11, 24, 14, 0)


@pytest.mark.parametrize(("now", "due"), [
    (MEETING - timedelta(hours=25), False),
    (MEETING - timedelta(hours=24), True),   # confirmation 24 h before
    (MEETING - timedelta(hours=1), True),
    (MEETING, False),                         # too late once the meeting has begun
])
def test_meeting_confirmation_due(now, due):
    assert confirmation_due(MEETING, now) is due


@pytest.mark.parametrize(("notify_on", "today", "due"), [
    (date(2026, 1, 1), date(2025, 12, 31), False),
    (date(2026, 1, 1), date(2026, 1, 1), True),  # on its date
    (date(2026, 1, 1), date(2026, 1, 5), True),  # a missed cron run catches up
    (None, date(2026, 1, 5), False),             # start notification not asked for
])
def test_operation_start_notification_due(notify_on, today, due):
    assert start_notification_due(notify_on, today) is due


@pytest.mark.parametrize(("today", "answered", "overdue"), [
    (date(2026, 3, 8), False, False),   # « retour sous 7 jours »: day 7 still in time
    (date(2026, 3, 9), False, True),    # day 8 without feedback: overdue
    (date(2026, 3, 20), True, False),   # the advisor answered
])
def test_feedback_overdue_after_seven_days(today, answered, overdue):
    assert feedback_overdue(date(2026, 3, 1), today, answered) is overdue


def _event(text: str):
    calendar = Calendar.from_ical(text)
    return calendar, next(c for c in calendar.walk() if c.name == "VEVENT")


def test_invite_request_move_and_cancel():
    invite = Invite(uid="meeting-42@pilote", sequence=0, start=MEETING,
                    end=MEETING + timedelta(hours=1), summary="ANNE / STOCK",
                    organizer="dv@example.fr", attendees=("bdc@example.fr",),
                    location="Laval")
    calendar, event = _event(ics(invite))
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == "meeting-42@pilote" and int(event["sequence"]) == 0
    start = event.decoded("dtstart")
    assert (start.hour, str(start.tzinfo)) == (14, "Europe/Paris")
    assert start.utcoffset() == timedelta(hours=1)  # CET in November
    assert str(event["attendee"]) == "mailto:bdc@example.fr"  # a single attendee
    assert str(event["organizer"]) == "mailto:dv@example.fr"
    moved = Invite(**{**invite.__dict__, "sequence": 1, "start": MEETING + timedelta(days=1),
                      "end": MEETING + timedelta(days=1, hours=1)})
    _, event = _event(ics(moved))
    assert str(event["uid"]) == "meeting-42@pilote" and int(event["sequence"]) == 1
    cancelled = Invite(**{**moved.__dict__, "sequence": 2, "cancelled": True})
    calendar, event = _event(ics(cancelled))
    assert str(calendar["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"


def test_invite_in_a_branch_time_zone():
    invite = Invite(uid="m-1@pilote", sequence=0, start=MEETING, end=MEETING,
                    summary="X", organizer="a@example.fr", tz="America/Montreal")
    _, event = _event(ics(invite))
    assert event.decoded("dtstart").utcoffset() == timedelta(hours=-5)
