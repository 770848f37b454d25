"""Idempotent writes: a POST carrying ``Idempotency-Key`` is applied at most once.

The offline visit mode (``static/js/offline-queue.js``) replays what the advisor typed
without network, each request with the key the tablet made when it was typed. A replay
may reach the server twice (the connection dropped before the answer came back, the page
and the background sync both replaying): the second one must change nothing.

How: before the view, the key is inserted (and flushed) in the request's transaction; the
view runs; after it, the row gets the view's status and the one commit of the request
(``webapp/transaction.py``) writes both together. A key already committed answers its
recorded outcome without running the view. Two copies racing: the second insert waits on
the unique key (PostgreSQL) or the write lock (SQLite), then fails, and answers as a
replay. A refused request (status ≥ 400) rolls back its key with the rest: it wrote
nothing, so seeing it again is no harm (the rules decide again).

The hook only marks requests: the services apply the same rules and version checks as
online (one write path).
"""

import re
from datetime import UTC, datetime, timedelta

from flask import g, request
from flask_login import current_user
from sqlalchemy import ForeignKey, Index, Integer, String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from webapp.database import UTCDateTime
from webapp.extensions import db

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
# The tablet's crypto.randomUUID(); any short token of letters, digits and dashes is taken.
KEY = re.compile(r"[A-Za-z0-9-]{8,64}")
ALREADY = "Déjà enregistré."


def _now():
    return datetime.now(UTC)


class IdempotentRequest(db.Model):
    """A POST applied under an idempotency key: who sent it, where, and its outcome."""

    __tablename__ = "idempotent_request"
    __table_args__ = (Index("ix_idempotent_request_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    endpoint: Mapped[str] = mapped_column(String(120))
    status: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


def _user_id() -> int | None:
    return getattr(current_user, "id", None)


def recorded(key: str) -> IdempotentRequest | None:
    return db.session.scalar(select(IdempotentRequest).where(IdempotentRequest.key == key))


def _answer(row: IdempotentRequest | None):
    """The outcome recorded for a key seen again (its status, its redirect)."""
    if row is None or row.user_id != _user_id():
        # Another user's key (or a race lost to a request not yet visible): nothing done.
        return ALREADY, 409, {REPLAYED: "true"}
    headers = {REPLAYED: "true"}
    if row.location:
        headers["Location"] = row.location
    return ALREADY, row.status or 200, headers


def _before():
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None or not current_user.is_authenticated:
        return None  # signed out: the view sends to the login page, nothing is written
    if not KEY.fullmatch(key):
        return "Clé d'idempotence invalide.", 400
    if (row := recorded(key)) is not None:
        return _answer(row)
    g.idempotency_key = key
    db.session.add(IdempotentRequest(key=key, user_id=_user_id(),
                                     endpoint=(request.endpoint or "")[:120]))
    try:
        db.session.flush()
    except IntegrityError:  # the same key committed meanwhile by a racing copy
        db.session.rollback()
        g.pop("idempotency_key")
        return _answer(recorded(key))
    return None


def _after(response):
    key = g.pop("idempotency_key", None)
    if key is None or response.status_code >= 400:
        return response  # a refusal rolls the key back with the rest
    row = recorded(key)
    if row is not None:
        row.status = response.status_code
        row.location = (response.headers.get("Location") or "")[:500] or None
        db.session.flush()
    return response


# How long a key is kept: far longer than a tablet keeps a change waiting (OFFLINE_DAYS).
KEEP_DAYS = 30


def prune(user_id: int, now: datetime) -> None:
    """Forget the user's keys older than ``KEEP_DAYS`` (the visit mode calls it when the
    user prepares the next visits: no table grows without end)."""
    db.session.execute(delete(IdempotentRequest).where(
        IdempotentRequest.user_id == user_id,
        IdempotentRequest.created_at < now - timedelta(days=KEEP_DAYS)))


def init_app(app) -> None:
    """Register after ``transaction.init_app``: after-request hooks run in reverse order,
    so the outcome is written before the request's commit."""
    app.before_request(_before)
    app.after_request(_after)
