"""Read queries on commercial gestures: the list, the tally per agency over a period."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp.auth.scope import scoped
from webapp.backoffice.gestures.rules import COUNTED_GESTURES
from webapp.backoffice.models import Gesture, GestureEvidence
from webapp.clients.models import Client
from webapp.extensions import db
from webapp.pagination import Page, page_number, paginate


def _in_period(stmt, start: date | None, end: date | None):
    if start:
        stmt = stmt.where(Gesture.requested_on >= start)
    if end:
        stmt = stmt.where(Gesture.requested_on <= end)
    return stmt


def gestures_page(status: str, start: date | None, end: date | None, number: int) -> Page:
    stmt = _in_period(scoped(select(Gesture), Gesture), start, end)
    if status:
        stmt = stmt.where(Gesture.status == status)
    stmt = stmt.options(selectinload(Gesture.client), selectinload(Gesture.requester)).order_by(
        Gesture.requested_on.desc(), Gesture.id.desc())
    return paginate(stmt, number)


@dataclass(frozen=True)
class Tally:
    client_id: int
    name: str
    count: int
    amount: Decimal


def tally(start: date | None, end: date | None, number: int = 1) -> Page:
    """Gestures granted per agency over the period: count and amount (SQL GROUP BY)."""
    stmt = _in_period(
        scoped(select(Client.id, Client.last_name, Client.first_name,
                      func.count(Gesture.id), func.sum(Gesture.amount))
               .select_from(Gesture).join(Client, Client.id == Gesture.client_id), Gesture),
        start, end).where(Gesture.status.in_(COUNTED_GESTURES)).group_by(
        Client.id, Client.last_name, Client.first_name).order_by(
        func.sum(Gesture.amount).desc(), Client.id)
    size, number = 25, page_number(number)
    rows = db.session.execute(stmt.limit(size + 1).offset((number - 1) * size)).all()
    items = [Tally(r[0], f"{r[2]} {r[1]}", r[3], r[4] or Decimal(0)) for r in rows[:size]]
    total = (number - 1) * size + len(rows)
    return Page(items=items, number=number, size=size, total=total)


def total_amount(start: date | None, end: date | None) -> Decimal:
    stmt = _in_period(scoped(select(func.coalesce(func.sum(Gesture.amount), 0)), Gesture),
                      start, end).where(Gesture.status.in_(COUNTED_GESTURES))
    return db.session.scalar(stmt)


def evidence_of(gesture: Gesture, evidence_id: int) -> GestureEvidence | None:
    return db.session.scalar(select(GestureEvidence).where(
        GestureEvidence.gesture_id == gesture.id, GestureEvidence.id == evidence_id))
