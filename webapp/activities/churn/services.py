"""Writes on churn: ``record_churn``, the one way a churn is stored (the client file, the
import, the demo and the proposals' sub-orders call it)."""

from datetime import date

from sqlalchemy import select

from webapp.activities.catalogue.models import Product
from webapp.activities.churn.models import Churn, ChurnReason, ChurnScope
from webapp.activities.churn.rules import already_churned_error, churn_error
from webapp.clients.models import Account, Client
from webapp.errors import Refused
from webapp.extensions import db


def total_churn_day(client_id: int) -> date | None:
    """The day of the client's total churn, None when they are not in total churn."""
    return db.session.scalar(select(Churn.day).where(
        Churn.client_id == client_id, Churn.scope == ChurnScope.TOTAL.value)
        .order_by(Churn.day).limit(1))


def _blank(text: str | None) -> str | None:
    return (text or "").strip() or None


def record_churn(client_id: int, *, scope: "ChurnScope", day: date, reason: str,
                 account_id: int | None = None, product_id: int | None = None,
                 range_label: str | None = None, suborder_label: str | None = None,
                 actor_id: int | None = None) -> Churn:
    """Record a churn of ``scope`` on the client: total (a date and a reason), partial (a
    range dropped) or product (a product dropped), against one of the client's accounts
    or a proposal's sub-order (``suborder_label``). Refused (422) when the rules say no,
    (409) when the client is already in total churn."""
    range_label, suborder_label = _blank(range_label), _blank(suborder_label)
    scope_value = str(getattr(scope, "value", scope))
    product = db.session.get(Product, product_id) if product_id else None
    if product_id and product is None:
        raise Refused("Ce produit n'est pas au catalogue.")
    if scope_value == ChurnScope.PARTIAL.value and product and not range_label:
        range_label = product.range or None
    error = churn_error(scope_value, reason, day, scopes=set(ChurnScope.labels()),
                        reasons=set(ChurnReason.labels()), account_id=account_id,
                        product_id=product_id, range_label=range_label,
                        suborder_label=suborder_label)
    if error:
        raise Refused(error)
    if db.session.get(Client, client_id) is None:
        raise Refused("Client introuvable.", status=404)
    if account_id and db.session.scalar(select(Account.client_id).where(
            Account.id == account_id)) != client_id:
        raise Refused("Ce compte n'appartient pas au client.")
    if scope_value == ChurnScope.TOTAL.value and (
            message := already_churned_error(total_churn_day(client_id))):
        raise Refused(message, status=409)
    churn = Churn(client_id=client_id, scope=scope_value, day=day, reason=reason,
                  account_id=account_id, product_id=product_id, range_label=range_label,
                  suborder_label=suborder_label, actor_id=actor_id)
    db.session.add(churn)
    db.session.flush()
    return churn


def lift_total_churn(client_id: int) -> int:
    """The client renews after all: their total churn is removed (the history keeps it).
    Returns how many rows were removed."""
    rows = db.session.scalars(select(Churn).where(
        Churn.client_id == client_id, Churn.scope == ChurnScope.TOTAL.value)).all()
    for row in rows:
        db.session.delete(row)
    db.session.flush()
    return len(rows)
