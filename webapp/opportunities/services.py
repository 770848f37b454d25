"""Writes on opportunities: create, edit, move between stages, copy an expired one.
They take plain values (a form's ``values()``), check the rules, raise ``Refused`` when
one says no, and flush (the request commits)."""

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, select

from webapp.auth.models import Branch, User
from webapp.clients.models import Client, Language
from webapp.extensions import db
from webapp.formatting import day
from webapp.history import enum_labels, names_by_id
from webapp.opportunities.models import (
    LostReason,
    Meeting,
    MeetingStatus,
    Opportunity,
    OpportunityType,
    Stage,
)
from webapp.opportunities.rules import (
    Facts,
    append_note,
    remarks_template,
    without_trade_in,
)

NOT_COPIED = {"id", "key", "stage_id", "stage_entered_at", "lost_reason_id", "sale_date",
              "delivery_date", "follow_up_on", "copied_from_id", "created_by_id",
              "created_at", "updated_at", "version", "owner_id", "stock_key", "remarks"}
# Not compared when someone saved meanwhile: the flag follows the phone.
NOT_COMPARED = {"phone_is_mobile"}

# How the history table shows stored values of these fields.
HISTORY_VALUES = {
    **{name: names_by_id(User, User.name)
       for name in ("owner_id", "spex_id", "sales_director_id", "created_by_id")},
    "branch_id": names_by_id(Branch, Branch.name),
    "client_id": names_by_id(Client, Client.first_name + " " + Client.last_name),
    "stage_id": names_by_id(Stage, Stage.name),
    "type_id": names_by_id(OpportunityType, OpportunityType.name),
    "lost_reason_id": names_by_id(LostReason, LostReason.name),
    "language": enum_labels(Language),
}


def blank_to_none(value):
    """A blank field (empty text, « — » chosen in a list) stores as None; text is stripped."""
    if value in ("", 0):
        return None
    return value.strip() if isinstance(value, str) else value


def first_stage() -> Stage:
    """The stage new opportunities enter (the first in the order)."""
    return db.session.scalar(select(Stage).order_by(Stage.position).limit(1))


def fill(opportunity: Opportunity, values: Mapping[str, Any]) -> None:
    """Set the columns given (all of the form's, the move dialog's few, or an imported
    file's), the trade-in's rule applied; only what differs is written (a re-import
    writes no audit row)."""
    for name, value in without_trade_in(values).items():
        if getattr(opportunity, name) != value:
            setattr(opportunity, name, value)


def differs(opportunity: Opportunity, values: Mapping[str, Any]) -> bool:
    """Would ``fill`` change anything?"""
    return any(getattr(opportunity, name) != value
               for name, value in without_trade_in(values).items())


def create(values: Mapping[str, Any], user: User | None, stage: Stage | None = None,
           entered_at: datetime | None = None) -> Opportunity:
    """« Statut : En traitement »: a new opportunity enters the first stage (an import
    places it in the file's ``stage``, entered at ``entered_at``), its remarks the
    checklist to fill in unless given."""
    opportunity = Opportunity(stage=stage or first_stage(), has_trade_in=False,
                              created_by_id=user.id if user else None)
    if entered_at is not None:
        opportunity.stage_entered_at = entered_at
    fill(opportunity, values)
    if not opportunity.remarks:
        opportunity.remarks = remarks_template()
    db.session.add(opportunity)
    db.session.flush()
    return opportunity


def update(opportunity: Opportunity, values: Mapping[str, Any]) -> None:
    """Change the opportunity's columns given (its version checked by the caller's
    ``save_versioned``)."""
    fill(opportunity, values)
    db.session.flush()


def conflicts(opportunity: Opportunity, values: Mapping[str, Any]) -> list[str]:
    """The columns where the saved record (changed by someone else) differs from the
    values typed, in the values' order."""
    return [name for name, typed in values.items() if name not in NOT_COMPARED
            and blank_to_none(typed) != blank_to_none(getattr(opportunity, name))]


def has_meeting(opportunity: Opportunity) -> bool:
    """A meeting not cancelled is booked."""
    return db.session.scalar(select(exists().where(
        Meeting.opportunity_id == opportunity.id,
        Meeting.status != MeetingStatus.CANCELLED)))


def facts_of(opportunity: Opportunity, today: date) -> Facts:
    """What the stage requirements read of an opportunity, as it is now."""
    client = opportunity.client
    return Facts(
        name=opportunity.name, client_first_name=client.first_name,
        client_last_name=client.last_name, phone=opportunity.phone,
        phone_is_mobile=opportunity.phone_is_mobile, email=opportunity.email,
        branch_id=opportunity.branch_id, language=opportunity.language,
        owner_id=opportunity.owner_id, spex_id=opportunity.spex_id,
        sales_director_id=opportunity.sales_director_id,
        expired=opportunity.expired(today), has_meeting=has_meeting(opportunity),
        lost_reason_id=opportunity.lost_reason_id, sale_date=opportunity.sale_date,
        delivery_date=opportunity.delivery_date)


def copy(opportunity: Opportunity, user: User, today: date) -> Opportunity:
    """« Si elle l'est [expirée], on doit créer une nouvelle OPP »: a new opportunity with
    the same client, vehicle and remarks, in the first stage, managed by ``user``."""
    columns = [c.key for c in Opportunity.__mapper__.column_attrs if c.key not in NOT_COPIED]
    new = Opportunity(**{name: getattr(opportunity, name) for name in columns})
    new.stage = first_stage()
    new.owner_id, new.created_by_id, new.copied_from_id = user.id, user.id, opportunity.id
    new.remarks = append_note(
        opportunity.remarks, f"Copie du {day(today)}",
        f"Reprise de l'opportunité expirée n° {opportunity.id} "
        f"(créée le {day(opportunity.created_at)}).")
    db.session.add(new)
    db.session.flush()
    return new
