"""The outbox worker: claims due messages, sends them, marks them sent or schedules a retry.

A claim is one UPDATE … RETURNING over due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL,
the database write lock on SQLite), so two workers never hold the same message. A claim
is a lease: a worker killed between claim and send leaves rows in ``sending`` that another
worker (or the same, restarted) takes back once the lease has run out.
"""

import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from webapp.extensions import db
from webapp.notifications.models import MessageStatus, OutboxMessage
from webapp.notifications.rules import gives_up, retry_delay
from webapp.notifications.transport import mime, transport

log = logging.getLogger("pilote.outbox")


@dataclass
class Tally:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    ids: list[int] = field(default_factory=list)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _now() -> datetime:
    return datetime.now(UTC)


def claim(me: str, batch: int) -> list[int]:
    """Take up to ``batch`` due messages (pending and due, or with an expired lease)."""
    now = _now()
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    due = (
        select(OutboxMessage.id)
        .where(or_(and_(OutboxMessage.status == MessageStatus.PENDING,
                        OutboxMessage.next_attempt_at <= now),
                   and_(OutboxMessage.status == MessageStatus.SENDING,
                        OutboxMessage.claimed_at < now - lease)))
        .order_by(OutboxMessage.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    ids = db.session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()))
        .values(status=MessageStatus.SENDING, claimed_by=me, claimed_at=now)
        .returning(OutboxMessage.id)
    ).all()
    db.session.commit()
    return sorted(ids)


def _finish(message_id: int, me: str, **values) -> None:
    db.session.execute(update(OutboxMessage)
                       .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == me)
                       .values(claimed_by=None, **values))
    db.session.commit()


def _failed(message: OutboxMessage, me: str, error: Exception, tally: Tally) -> None:
    config = current_app.config
    attempts = message.attempts + 1
    values = {"attempts": attempts, "last_error": f"{type(error).__name__}: {error}"[:2000]}
    if gives_up(attempts, config["OUTBOX_MAX_ATTEMPTS"]):
        values["status"] = MessageStatus.FAILED
        tally.failed += 1
    else:
        values["status"] = MessageStatus.PENDING
        values["next_attempt_at"] = _now() + retry_delay(
            attempts, config["OUTBOX_RETRY_BASE_SECONDS"], config["OUTBOX_RETRY_MAX_SECONDS"])
        tally.retried += 1
    log.warning("outbox message %s not sent (try %s): %s", message.id, attempts, error)
    _finish(message.id, me, **values)


def send_batch(ids: list[int], me: str, tally: Tally) -> None:
    """Send claimed messages over one connection; each outcome is committed at once."""
    config = current_app.config
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))
                                  .order_by(OutboxMessage.id)).all()
    done: set[int] = set()
    try:
        with transport(config) as out:
            for message in messages:
                done.add(message.id)
                try:
                    out.send(mime(message, config))
                except Exception as error:  # noqa: BLE001 - any failure is retried
                    _failed(message, me, error, tally)
                else:
                    _finish(message.id, me, status=MessageStatus.SENT, sent_at=_now(),
                            last_error=None)
                    tally.sent += 1
                    tally.ids.append(message.id)
    except OSError as error:  # the server could not be reached: the others retry later
        for message in messages:
            if message.id not in done:
                _failed(message, me, error, tally)


def drain(me: str | None = None, batch: int = 20) -> Tally:
    """Send every due message, then return (``flask outbox work --once``)."""
    me = me or worker_id()
    tally = Tally()
    while ids := claim(me, batch):
        if current_app.config.get("OUTBOX_CRASH_AFTER_CLAIM"):
            os._exit(70)  # crash drill for tests: die holding the claim, before sending
        send_batch(ids, me, tally)
    return tally


def work(poll_seconds: float, batch: int = 20) -> None:
    """Run until stopped: drain, sleep, repeat."""
    me = worker_id()
    log.info("outbox worker %s started", me)
    while True:
        drain(me, batch)
        time.sleep(poll_seconds)
