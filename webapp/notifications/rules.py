"""Pure rules of notifications: retry backoff and when reminders fall due."""

from datetime import date, datetime, timedelta

FEEDBACK_DAYS = 7  # seed 002: « Merci de nous faire un retour sous 7 jours »
CONFIRMATION_AHEAD = timedelta(hours=24)  # a meeting is confirmed 24 h before


def retry_delay(attempts: int, base_seconds: int, cap_seconds: int) -> timedelta:
    """Exponential backoff after the ``attempts``-th failure: base, 2×base, 4×base… capped."""
    return timedelta(seconds=min(base_seconds * 2 ** max(attempts - 1, 0), cap_seconds))


def gives_up(attempts: int, max_attempts: int) -> bool:
    """After ``max_attempts`` failed tries a message is failed, for an admin to look at."""
    return attempts >= max_attempts


def confirmation_due(meeting_start: datetime, now: datetime) -> bool:
    """The meeting confirmation goes in the 24 hours before the meeting, not after it."""
    return meeting_start - CONFIRMATION_AHEAD <= now < meeting_start


def start_notification_due(notify_on: date | None, today: date) -> bool:
    """An operation's start notification goes on its date (default: the start date)."""
    return notify_on is not None and today >= notify_on


def feedback_overdue(transmitted_on: date, today: date, answered: bool) -> bool:
    """A transmitted request whose advisor has not answered within 7 days is overdue."""
    return not answered and today > transmitted_on + timedelta(days=FEEDBACK_DAYS)
