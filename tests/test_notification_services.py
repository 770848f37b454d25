"""Direct tests of the notification screens' services."""

import pytest

from webapp.errors import Refused
from webapp.extensions import db
from webapp.notifications.alerts import notify, unread_count
from webapp.notifications.models import MessageStatus, OutboxMessage
from webapp.notifications.services import mark_read, queue_test_mail, requeue


def test_mark_read_counts_the_first_opening_only(org):
    alert = notify(org["advisor"].id, "test", "Pour Marc", url="/clients/")
    db.session.commit()
    assert unread_count(org["advisor"]) == 1
    mark_read(alert)
    first = alert.read_at
    mark_read(alert)
    assert alert.read_at == first and unread_count(org["advisor"]) == 0


def test_requeue_only_a_failed_message(org):
    message = queue_test_mail(org["admin"])
    assert message.recipients == "admin@example.fr"
    with pytest.raises(Refused) as refused:
        requeue(message)
    assert refused.value.status == 422
    assert refused.value.message == "Seul un message en échec peut être renvoyé."
    message.status, message.attempts = MessageStatus.FAILED, 8
    requeue(message)
    db.session.commit()
    db.session.refresh(message)
    assert (message.status, message.attempts) == (MessageStatus.PENDING, 0)
    assert db.session.get(OutboxMessage, message.id).next_attempt_at is not None
