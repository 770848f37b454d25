"""Writes on booklets: an agency's allowance, an order through its channel."""

from webapp.auth.models import User
from webapp.backoffice.booklets.rules import booklet_channel
from webapp.backoffice.models import BookletAllowance, BookletOrder
from webapp.extensions import db


def save_allowance(form, existing: BookletAllowance | None) -> BookletAllowance:
    """Create or change the agency's quota of a contract."""
    allowance = existing or BookletAllowance(client_id=form.client.id,
                                             contract_id=form.contract.id)
    allowance.yearly_quota = form.yearly_quota.data
    allowance.groupist = form.groupist.data
    db.session.add(allowance)
    db.session.flush()
    return allowance


def record_order(form, user: User) -> BookletOrder:
    """An order within the quota and the delay (checked by the form with the rule)."""
    order = BookletOrder(client_id=form.client.id, contract_id=form.contract.id,
                         quantity=form.quantity.data, ordered_on=form.ordered_on.data,
                         channel=booklet_channel(form.contract.on_logimail,
                                                 form.allowance.groupist),
                         created_by_id=user.id)
    db.session.add(order)
    db.session.flush()
    return order
