"""The pipeline's entries of the route × role table (tests/test_routes_roles.py merges
them) and the objects they visit."""

import io
from datetime import datetime, timedelta

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from tests.test_history_uploads_migrations import PNG
from webapp import uploads
from webapp.extensions import db
from webapp.opportunities.models import (
    Call,
    Meeting,
    Opportunity,
    OpportunityType,
    Stage,
)

ROLES = ["anonymous", "admin", "manager", "advisor", "other_advisor", "bdc_agent",
         "bo_assistant"]
SIGNED_IN = {r: 200 for r in ROLES} | {"anonymous": 302}
ADMIN_ONLY = {r: 403 for r in ROLES} | {"anonymous": 302, "admin": 200}
# Marc's opportunity (Marc: the SPEX, agence Lyon): the BDC, the BO and the admin serve the
# whole pipeline, his manager her team's; Léa gets 404.
MARCS = SIGNED_IN | {"other_advisor": 404}


def on_marcs(status: int) -> dict:
    """A POST on Marc's opportunity: ``status`` for whoever sees it, 404 for Léa."""
    return {r: status for r in ROLES} | {"anonymous": 302, "other_advisor": 404}


OPPORTUNITY_GET = {
    **{f"opportunities.{name}": SIGNED_IN for name in (
        "index", "column_cards", "listing", "export_csv", "export_xlsx", "create", "rotation",
        "home_box")},
    **{f"opportunities.{name}": MARCS for name in (
        "detail", "edit", "move_menu", "new_meeting", "edit_meeting", "receipt")},
    "opportunities.staff": ADMIN_ONLY,
}
OPPORTUNITY_POST = {
    "opportunities.move": on_marcs(404),  # no stage chosen: an unknown stage
    "opportunities.copy": on_marcs(302),  # a new opportunity, shown
    "opportunities.new_call": on_marcs(422),  # an empty form
    "opportunities.call_done": on_marcs(422),  # no notes
    # An admin's action; nothing to remove here: 404 once past the role check.
    "opportunities.remove_staff": {r: 403 for r in ROLES} | {"anonymous": 302, "admin": 404},
}


def opportunity_ids(org, client) -> dict:
    """Marc's client's opportunity (Marc is its SPEX), with a meeting (and its receipt)
    and a call."""
    opportunity = Opportunity(
        client_id=client.id, name=client.full_name, has_trade_in=False,
        stage=db.session.scalar(select(Stage).order_by(Stage.position)),
        type=db.session.scalar(select(OpportunityType).order_by(OpportunityType.position)),
        spex_id=org["advisor"].id, owner_id=org["bdc_agent"].id)
    db.session.add(opportunity)
    db.session.flush()
    stored = uploads.store(FileStorage(io.BytesIO(PNG), "recu.png"), "document")
    start = datetime.now().replace(microsecond=0) + timedelta(days=2)
    meeting = Meeting(opportunity_id=opportunity.id, subject="ANNE / INVENTAIRE",
                      starts_at=start, priority="silver", spex_id=org["advisor"].id,
                      deposit_kind="stripe", receipt_name=stored.name,
                      receipt_original=stored.original, receipt_mimetype=stored.mimetype)
    call = Call(opportunity_id=opportunity.id, subject="Appel", scheduled_at=start,
                assigned_to_id=org["bdc_agent"].id)
    db.session.add_all([meeting, call])
    db.session.commit()
    return {"opportunity_id": opportunity.id, "stage_id": opportunity.stage_id,
            "meeting_id": meeting.id, "call_id": call.id, "staff_id": 999_999}
