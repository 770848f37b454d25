"""The kanban's writes: move an opportunity to another stage, once the stage's
requirements are met (else ``MoveRefused`` says what is missing)."""

from datetime import UTC, date, datetime

from webapp.errors import Refused
from webapp.extensions import db
from webapp.opportunities.models import Opportunity, Stage
from webapp.opportunities.rules import Requirement, move_refusal, move_unmet, stamped_dates
from webapp.opportunities.services import facts_of


class MoveRefused(Refused):
    """A move the stage refuses; ``missing``: what to do first (the dialog asks for it)."""

    def __init__(self, stage: Stage, missing: list[Requirement]):
        super().__init__(move_refusal(stage.name, missing), status=422)
        self.stage, self.missing = stage, missing


def missing_for(opportunity: Opportunity, stage: Stage, today: date) -> list[Requirement]:
    """What the opportunity lacks to enter ``stage`` (an expired one: anything but a lost
    or invalid stage)."""
    if stage.id == opportunity.stage_id:
        return []
    return move_unmet(stage.requirements, facts_of(opportunity, today), stage.closed_badly)


def enter_stage(opportunity: Opportunity, stage: Stage, at: datetime) -> None:
    """Put the opportunity in ``stage`` as of ``at`` (its column sorts by it). A move
    checks the requirements first; an import has checked them against its file."""
    opportunity.stage = stage
    opportunity.stage_entered_at = at


def move(opportunity: Opportunity, stage: Stage, today: date) -> None:
    """Move to ``stage``, recording the date it stamps; ``MoveRefused`` if anything it
    requires is missing."""
    if stage.id == opportunity.stage_id:
        return
    missing = missing_for(opportunity, stage, today)
    if missing:
        raise MoveRefused(stage, missing)
    enter_stage(opportunity, stage, datetime.now(UTC))
    for name, value in stamped_dates(stage.stamps, today, opportunity.sale_date,
                                     opportunity.delivery_date).items():
        setattr(opportunity, name, value)
    db.session.flush()
