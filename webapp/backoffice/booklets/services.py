"""Writes on booklets: an agency's allowance, an order through its channel (within the
quota and the delay, checked and written in one locked step)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import update

from webapp.auth.models import User
from webapp.backoffice.booklets import queries
from webapp.backoffice.booklets.rules import booklet_channel, order_error
from webapp.backoffice.models import BookletAllowance, BookletContract, BookletOrder
from webapp.clients.models import Client
from webapp.errors import Refused
from webapp.extensions import db


@dataclass(frozen=True)
class AllowanceInput:
    """An agency's yearly quota of a contract."""

    client: Client
    contract: BookletContract
    yearly_quota: int
    groupist: bool = False


@dataclass(frozen=True)
class OrderInput:
    """An agency's order of a contract's booklets."""

    client: Client
    contract: BookletContract
    quantity: int
    ordered_on: date


def save_allowance(values: AllowanceInput) -> BookletAllowance:
    """Create or change the agency's quota of a contract (« en fonction de la production
    annuelle des agences »)."""
    if values.yearly_quota is None or values.yearly_quota < 1:
        raise Refused("Entre 1 et 1 000 000 livrets.")
    allowance = queries.allowance_of(values.client.id, values.contract.id) or BookletAllowance(
        client_id=values.client.id, contract_id=values.contract.id)
    allowance.yearly_quota = values.yearly_quota
    allowance.groupist = values.groupist
    db.session.add(allowance)
    db.session.flush()
    return allowance


def _lock(allowance: BookletAllowance) -> None:
    """Hold the allowance's row until the commit, so that two orders of one agency are
    checked one after the other (PostgreSQL: a row lock; SQLite: the write lock). Without
    it two orders of 700 against 1 200, checked at once, were both accepted."""
    db.session.execute(update(BookletAllowance).where(BookletAllowance.id == allowance.id)
                       .values(yearly_quota=BookletAllowance.yearly_quota))


def record_order(values: OrderInput, user: User, today: date) -> BookletOrder:
    """An order within the yearly quota and after the delay since the previous one
    (« Les délais entre 2 commandes varient en fonction de la quantité à disposition »)."""
    if values.ordered_on > today:
        raise Refused("La commande ne peut pas être datée dans le futur.")
    client_id, contract_id = values.client.id, values.contract.id
    allowance = queries.allowance_of(client_id, contract_id)
    if allowance is not None:
        _lock(allowance)
    if error := order_error(
            values.quantity, allowance.yearly_quota if allowance else None,
            queries.ordered_in(client_id, contract_id, values.ordered_on.year),
            queries.last_order(client_id, contract_id), values.ordered_on):
        raise Refused(error)
    order = BookletOrder(client_id=client_id, contract_id=contract_id,
                         quantity=values.quantity, ordered_on=values.ordered_on,
                         channel=booklet_channel(values.contract.on_logimail,
                                                 allowance.groupist),
                         created_by_id=user.id)
    db.session.add(order)
    db.session.flush()
    return order
