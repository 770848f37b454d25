"""Calls scheduled from an opportunity; the notes of a call made go to its remarks."""

from datetime import UTC, datetime

from webapp import clock
from webapp.auth.models import User
from webapp.errors import Refused
from webapp.extensions import db
from webapp.formatting import moment
from webapp.opportunities.calls.forms import CallInput
from webapp.opportunities.models import Call, Opportunity
from webapp.opportunities.rules import append_note, schedule_error


def schedule_call(opportunity: Opportunity, values: CallInput, user: User) -> Call:
    """« Programmer un appel » from the opportunity (not the client file), between 2000
    and five years from now."""
    if error := schedule_error(values.scheduled_at, clock.today()):
        raise Refused(error)
    call = Call(opportunity=opportunity, scheduled_at=values.scheduled_at,
                subject=values.subject, assigned_to_id=values.assigned_to_id,
                created_by_id=user.id)
    db.session.add(call)
    db.session.flush()
    return call


def call_done(call: Call, notes: str, user: User) -> None:
    """The call was made; « ajouter vos notes dans la section "Remarques" de votre
    opportunité » — never in the call's own box. Refused if already done."""
    if call.done_at is not None:
        raise Refused("Cet appel est déjà fait.", status=409)
    now = datetime.now(UTC)
    call.done_at = now
    opportunity = call.opportunity
    opportunity.remarks = append_note(
        opportunity.remarks, f"{call.subject}, {moment(now)} ({user.name})", notes)
    db.session.flush()
