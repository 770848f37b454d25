"""Writes of the offline visit mode: the user's list of prepared clients."""

from datetime import datetime

from sqlalchemy import delete

from webapp import idempotency
from webapp.clients.models import Client
from webapp.errors import Refused
from webapp.extensions import db
from webapp.visits.models import PreparedVisit
from webapp.visits.rules import expiry, preparation_refusal


def prepare(user_id: int, clients: list[Client], now: datetime, days: int) -> list[PreparedVisit]:
    """The user's prepared clients become ``clients`` (already loaded within the user's
    scope), each until ``days`` days from ``now``; the previous list is replaced, and
    the user's old idempotency keys are forgotten."""
    if message := preparation_refusal(len(clients)):
        raise Refused(message)
    forget(user_id)
    idempotency.prune(user_id, now)
    visits = [PreparedVisit(user_id=user_id, client_id=c.id, prepared_at=now,
                            expires_at=expiry(now, days)) for c in clients]
    db.session.add_all(visits)
    db.session.flush()
    return visits


def forget(user_id: int) -> None:
    """The user has nothing prepared any more (logout, or a new preparation)."""
    db.session.execute(delete(PreparedVisit).where(PreparedVisit.user_id == user_id))
