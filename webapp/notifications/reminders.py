"""Scheduled reminders: `flask --app webapp reminders run`, idempotent, for cron.

A module registers a kind with ``@reminder("meeting-confirmation")``: a function of the
current time returning what is due. Each due item carries a key unique within its kind;
the outbox and the alerts refuse a key already seen, so running twice queues nothing new.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from webapp.extensions import db
from webapp.notifications.alerts import notify
from webapp.notifications.calendar import Invite
from webapp.notifications.outbox import queue_mail


@dataclass(frozen=True)
class Mail:
    to: tuple[str, ...]
    template: str
    context: dict = field(default_factory=dict)
    cc: tuple[str, ...] = ()
    invite: Invite | None = None


@dataclass(frozen=True)
class AlertLine:
    user_id: int
    title: str
    url: str | None = None


@dataclass(frozen=True)
class Due:
    key: str  # unique within the kind, e.g. "meeting-42"
    mail: Mail | None = None
    alerts: tuple[AlertLine, ...] = ()


KINDS: dict[str, Callable[[datetime], Iterable[Due]]] = {}


def reminder(kind: str):
    """Register a reminder kind (modules do this as they land)."""

    def register(func):
        KINDS[kind] = func
        return func

    return register


def run(now: datetime | None = None) -> dict[str, int]:
    """Queue every due reminder not queued before; one transaction; counts per kind."""
    now = now or datetime.now(UTC)
    counts = {}
    for kind, due_items in KINDS.items():
        counts[kind] = 0
        for due in due_items(now):
            key = f"{kind}:{due.key}"
            queued = due.mail and queue_mail(
                kind, due.mail.to, due.mail.template, cc=due.mail.cc, invite=due.mail.invite,
                dedup_key=key, **due.mail.context)
            raised = [notify(a.user_id, kind, a.title, a.url, dedup_key=f"{key}:{a.user_id}")
                      for a in due.alerts]
            counts[kind] += bool(queued or any(raised))
    db.session.commit()
    return counts
