"""Writes of the notification screens: reading an alert, resending a message."""

from datetime import UTC, datetime

from webapp.auth.models import User
from webapp.errors import Refused
from webapp.extensions import db
from webapp.notifications.models import Alert, MessageStatus, OutboxMessage
from webapp.notifications.outbox import queue_mail

NOT_FAILED = "Seul un message en échec peut être renvoyé."


def mark_read(alert: Alert) -> None:
    """The alert has been opened (the first time counts)."""
    if alert.read_at is None:
        alert.read_at = datetime.now(UTC)
        db.session.flush()


def requeue(message: OutboxMessage) -> None:
    """Put a failed message back in the queue, tries counted from zero (now due)."""
    if message.status != MessageStatus.FAILED:
        raise Refused(NOT_FAILED)
    message.status, message.attempts = MessageStatus.PENDING, 0
    message.next_attempt_at = datetime.now(UTC)
    db.session.flush()


def queue_test_mail(user: User) -> OutboxMessage | None:
    """A test message to ``user``, to check the SMTP settings end to end."""
    message = queue_mail("test", user.email, "test", user=user)
    db.session.flush()
    return message
