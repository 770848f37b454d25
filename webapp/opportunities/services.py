"""Writes on opportunities: create, edit, move between stages, copy an expired one.
Each flushes; the route commits."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import exists, select

from webapp.auth.models import Branch, User
from webapp.choices import label_of
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
    Requirement,
    append_note,
    remarks_template,
    stamped_dates,
    unmet,
)

TRADE_FIELDS = ("trade_make", "trade_model", "trade_year", "trade_odometer")
NOT_COPIED = {"id", "key", "stage_id", "stage_entered_at", "lost_reason_id", "sale_date",
              "delivery_date", "follow_up_on", "copied_from_id", "created_by_id",
              "created_at", "updated_at", "version", "owner_id", "stock_key", "remarks"}
FORM_ONLY = {"version", "csrf_token", "phone", "phone_confirmed"}

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


def _blank_to_none(value):
    if value in ("", 0):
        return None
    return value.strip() if isinstance(value, str) else value


def first_stage() -> Stage:
    return db.session.scalar(select(Stage).order_by(Stage.position).limit(1))


def fill(opportunity: Opportunity, form) -> None:
    """Copy the validated form's fields (all, or the dialog's few) onto the opportunity."""
    for field in form:
        if field.short_name in FORM_ONLY:
            continue
        value = field.data if isinstance(field.data, bool) else _blank_to_none(field.data)
        setattr(opportunity, field.short_name, value)
    if "phone" in form:
        phone = form.parsed_phone
        opportunity.phone = phone.display if phone else None
        opportunity.phone_is_mobile = phone.is_mobile if phone else None
    if "has_trade_in" in form and not opportunity.has_trade_in:
        for name in TRADE_FIELDS:  # « À remplir seulement si le client a un véhicule d'échange »
            setattr(opportunity, name, None)


def create(form, user: User) -> Opportunity:
    """« Statut : En traitement »: a new opportunity enters the first stage."""
    opportunity = Opportunity(stage=first_stage(), created_by_id=user.id, has_trade_in=False)
    fill(opportunity, form)
    if not opportunity.remarks:
        opportunity.remarks = remarks_template()
    db.session.add(opportunity)
    db.session.flush()
    return opportunity


def update(opportunity: Opportunity, form) -> None:
    fill(opportunity, form)
    db.session.flush()


def has_meeting(opportunity: Opportunity) -> bool:
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


def missing_for(opportunity: Opportunity, stage: Stage, today: date) -> list[Requirement]:
    """What the opportunity lacks to enter ``stage``."""
    return unmet(stage.requirements, facts_of(opportunity, today))


def move(opportunity: Opportunity, stage: Stage, today: date) -> list[Requirement]:
    """Move to ``stage`` if nothing it requires is missing; return what is missing."""
    if stage.id == opportunity.stage_id:
        return []
    missing = missing_for(opportunity, stage, today)
    if not missing:
        opportunity.stage = stage
        opportunity.stage_entered_at = datetime.now(UTC)
        for name, value in stamped_dates(stage.stamps, today, opportunity.sale_date,
                                         opportunity.delivery_date).items():
            setattr(opportunity, name, value)
        db.session.flush()
    return missing


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


@dataclass
class Conflict:
    label: str
    theirs: str
    mine: str


def _shown(field, value) -> str:
    if value in (None, "", 0):
        return "—"
    choices = getattr(field, "choices", None)
    return label_of(choices, value, str(value)) if choices else str(value)


def conflicts(opportunity: Opportunity, form) -> list[Conflict]:
    """Fields where the saved record (changed by someone else) differs from what was typed."""
    found = []
    for field in form:
        if field.short_name in FORM_ONLY - {"phone"}:
            continue
        saved = getattr(opportunity, field.short_name)
        typed = field.data
        if field.short_name == "phone" and form.parsed_phone:
            typed = form.parsed_phone.display
        if _blank_to_none(typed) != _blank_to_none(saved):
            found.append(Conflict(str(field.label.text), _shown(field, saved),
                                  _shown(field, typed)))
    return found
