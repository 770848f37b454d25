"""Reads of proposals: a client's proposals, one proposal with its sub-orders and lines
loaded at once, a sub-order or a line of it."""

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.auth.scope import scoped
from webapp.extensions import db
from webapp.proposals.models import ProductLine, Proposal, SubOrder


def of_client(client_id: int) -> list[Proposal]:
    """The client's proposals, newest first (the viewer sees the client)."""
    stmt = scoped(select(Proposal).where(Proposal.client_id == client_id), Proposal)
    return list(db.session.scalars(stmt.order_by(Proposal.created_at.desc(), Proposal.id.desc())
                                   .options(selectinload(Proposal.suborders)
                                            .selectinload(SubOrder.lines))))


def proposal_or_404(proposal_id: int) -> Proposal:
    """One proposal the viewer may see, its sub-orders, lines and plan loaded in three
    queries (a 40-sub-order proposal is read at once)."""
    stmt = scoped(select(Proposal).where(Proposal.id == proposal_id), Proposal).options(
        selectinload(Proposal.suborders).selectinload(SubOrder.lines),
        selectinload(Proposal.instalments))
    return db.session.scalar(stmt) or abort(404)


def suborder_or_404(proposal: Proposal, suborder_id: int) -> SubOrder:
    suborder = db.session.get(SubOrder, suborder_id)
    if suborder is None or suborder.proposal_id != proposal.id:
        abort(404)
    return suborder


def line_or_404(proposal: Proposal, line_id: int) -> ProductLine:
    line = db.session.get(ProductLine, line_id)
    if line is None or line.suborder.proposal_id != proposal.id:
        abort(404)
    return line
