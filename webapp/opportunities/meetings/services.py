"""Writes of meetings: the subject and the priority derived, the follow-up date moved
with the meeting, the confirmation e-mail with its .ics queued in the same transaction
(to the DV and the opportunity's owner)."""

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from webapp import clock, uploads
from webapp.auth.models import User
from webapp.clock import local_day
from webapp.errors import Refused
from webapp.extensions import db
from webapp.notifications.calendar import Invite
from webapp.notifications.outbox import queue_mail
from webapp.opportunities.board.services import move
from webapp.opportunities.models import (
    Meeting,
    MeetingCategory,
    MeetingStatus,
    Opportunity,
    Stage,
)
from webapp.opportunities.rotation import dv_group, served
from webapp.opportunities.rules import (
    MEETING_PREREQUISITES,
    Requirement,
    follow_up_date,
    meeting_priority,
    meeting_subject,
    receipt_missing,
    schedule_error,
    stage_for_meeting,
    stock_numbers,
    unique_addresses,
    unmet,
)
from webapp.opportunities.services import facts_of


@dataclass(frozen=True)
class MeetingInput:
    """A meeting as typed: the form's ``values()``; ``receipt``: a file just uploaded."""

    starts_at: datetime  # aware, UTC
    duration_minutes: int
    branch_id: int
    spex_id: int
    category: str = MeetingCategory.MEETING
    virtual: bool = False
    device: str | None = None
    language: str | None = None
    stock_numbers: str | None = None
    deposit_kind: str | None = None
    esign_status: str | None = None
    transfer: bool = False
    status: str = MeetingStatus.PLANNED
    description: str | None = None
    receipt: FileStorage | None = None


COLUMNS = tuple(f.name for f in fields(MeetingInput) if f.name != "receipt")
RECEIPT_MISSING = ("Joignez le reçu du dépôt (« Si dépôt : ne pas oublier de mettre le reçu "
                   "en pièce jointe »).")


class ReceiptRefused(Refused):
    """The receipt is missing or rejected (the form shows it under its field)."""


def _fill(meeting: Meeting, values: MeetingInput) -> list[str]:
    """Copy the values; store an uploaded receipt; return the stored names to delete."""
    if error := schedule_error(values.starts_at, clock.today()):
        raise Refused(error)
    if receipt_missing(values.deposit_kind, bool(meeting.receipt_name or values.receipt)):
        raise ReceiptRefused(RECEIPT_MISSING)
    old, stored = [], None
    if values.receipt is not None:  # stored first: a rejected file changes nothing
        try:
            stored = uploads.store(values.receipt, "document")
        except uploads.UploadError as error:
            raise ReceiptRefused(str(error)) from error
    for name in COLUMNS:
        setattr(meeting, name, getattr(values, name))
    if not meeting.virtual:
        meeting.device = None
    if stored is not None:
        if meeting.receipt_name:
            old.append(meeting.receipt_name)
        meeting.receipt_name, meeting.receipt_original = stored.name, stored.original
        meeting.receipt_mimetype = stored.mimetype
    return old


def _derive(meeting: Meeting, opportunity: Opportunity) -> None:
    """Subject and priority from the situation (seed 003's rules)."""
    stocks = stock_numbers(meeting.stock_numbers)
    deposit = bool(meeting.deposit_kind)
    meeting.subject = meeting_subject(opportunity.client.first_name, stocks, deposit,
                                      meeting.virtual, meeting.transfer)
    meeting.priority = meeting_priority(deposit, stocks)


def _stages() -> list[Stage]:
    return db.session.scalars(select(Stage).order_by(Stage.position)).all()


def blocked(opportunity: Opportunity, today: date) -> list[Requirement]:
    """« Voici tous les champs à bien remplir AVANT de créer votre réunion »: what the
    opportunity lacks for a meeting (nothing: it may have one)."""
    return unmet(MEETING_PREREQUISITES, facts_of(opportunity, today))


def create_meeting(opportunity: Opportunity, values: MeetingInput, user: User,
                   today: date) -> Meeting:
    """Book the meeting: follow-up the next day, the SPEX's turn served, the opportunity
    taken to « Rendez-vous cédulé », the confirmation queued. Refused while a
    prerequisite is missing (or the opportunity expired), or the deposit's receipt."""
    if missing := blocked(opportunity, today):
        raise Refused("Avant de créer la réunion, complétez : "
                      + " ; ".join(r.label.lower() for r in missing) + ".")
    meeting = Meeting(opportunity=opportunity, created_by_id=user.id, sequence=0)
    _fill(meeting, values)
    _derive(meeting, opportunity)
    db.session.add(meeting)
    opportunity.follow_up_on = follow_up_date(local_day(meeting.starts_at))
    opportunity.spex_id = meeting.spex_id
    served(meeting.branch_id, meeting.spex_id, datetime.now(UTC))
    db.session.flush()
    all_stages = _stages()
    target = stage_for_meeting([s.info for s in all_stages], opportunity.stage_id)
    if target is not None:
        move(opportunity, next(s for s in all_stages if s.id == target), today)
    _queue_confirmation(meeting)
    db.session.flush()
    return meeting


def update_meeting(meeting: Meeting, values: MeetingInput) -> list[str]:
    """Change the meeting; a new time or a cancellation re-sends the invitation
    (SEQUENCE + 1) and a new time moves the follow-up date. Returns the receipts to
    delete once committed."""
    before = (meeting.starts_at, meeting.duration_minutes, meeting.status, meeting.spex_id)
    old = _fill(meeting, values)
    _derive(meeting, meeting.opportunity)
    moved = (meeting.starts_at, meeting.duration_minutes) != before[:2]
    cancelled = (meeting.status == MeetingStatus.CANCELLED
                 and before[2] != MeetingStatus.CANCELLED)
    if meeting.spex_id != before[3]:
        meeting.opportunity.spex_id = meeting.spex_id
        served(meeting.branch_id, meeting.spex_id, datetime.now(UTC))
    if moved:
        # « Ne pas oublier de changer cette date si le client déplace le RDV »
        meeting.opportunity.follow_up_on = follow_up_date(local_day(meeting.starts_at))
    if moved or cancelled:
        meeting.sequence += 1
        db.session.flush()
        _queue_confirmation(meeting, moved=moved, cancelled=cancelled)
    db.session.flush()
    return old


def participants(meeting: Meeting) -> dict:
    """« Ajouter les participants »: the branch, the SPEX, the branch's DV group when
    virtual."""
    return {"branch": meeting.branch, "spex": meeting.spex,
            "dv_group": dv_group(meeting.branch_id) if meeting.virtual else []}


def _queue_confirmation(meeting: Meeting, moved: bool = False, cancelled: bool = False):
    """« un courriel de confirmation sera envoyé automatiquement au DV et au représentant
    associés au dossier »: to the DV and the owner, the SPEX (and the DV group of a
    virtual meeting) in copy, the .ics attached."""
    opportunity = meeting.opportunity
    people = participants(meeting)
    to = unique_addresses(*(u.email for u in (opportunity.sales_director, opportunity.owner)
                            if u is not None))
    cc = unique_addresses(meeting.spex.email if meeting.spex else None,
                          *(u.email for u in people["dv_group"]), excluded=to)
    if not to:
        return None
    start = meeting.starts_at
    invite = Invite(
        uid=f"opportunity-meeting-{meeting.id}@{current_app.config['MAIL_DOMAIN']}",
        sequence=meeting.sequence, start=start,
        end=start + timedelta(minutes=meeting.duration_minutes), summary=meeting.subject,
        organizer=opportunity.owner.email if opportunity.owner else to[0],
        attendees=(*to, *cc),
        location=meeting.branch.name if meeting.branch else "",
        description=meeting.description or "",
        tz=current_app.config["BABEL_DEFAULT_TIMEZONE"], cancelled=cancelled)
    return queue_mail("opportunity-meeting", to, "opportunity_meeting", cc=cc, invite=invite,
                      meeting=meeting, opportunity=opportunity, participants=people,
                      moved=moved, cancelled=cancelled)


def remove_receipts(names: list[str]) -> None:
    """Delete the replaced receipts once the change is committed."""
    uploads.remove_after_commit(names)
