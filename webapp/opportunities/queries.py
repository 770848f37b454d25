"""Read queries of one opportunity: its meetings, its calls, its stock conflicts."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.opportunities.board.queries import Claim, stock_claims
from webapp.opportunities.models import Call, Meeting, Opportunity


def meetings_of(opportunity: Opportunity) -> list[Meeting]:
    return db.session.scalars(
        select(Meeting).where(Meeting.opportunity_id == opportunity.id)
        .options(selectinload(Meeting.branch), selectinload(Meeting.spex))
        .order_by(Meeting.starts_at.desc()).limit(50)).all()


def calls_of(opportunity: Opportunity) -> list[Call]:
    """Calls to make first (soonest first), then the ones made."""
    return db.session.scalars(
        select(Call).where(Call.opportunity_id == opportunity.id)
        .options(selectinload(Call.assigned_to))
        .order_by(Call.done_at.is_not(None), Call.scheduled_at).limit(50)).all()


def conflicts_of(opportunity: Opportunity, today: date) -> Claim | None:
    """The other active opportunities on the same stock number (seed 003 « 2 clients
    simultanément sur le même véhicule »), whoever may see them, with the situations."""
    if not opportunity.stock_key:
        return None
    return stock_claims({opportunity.stock_key}, today).get(opportunity.id)
