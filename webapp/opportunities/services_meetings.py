"""Writes of meetings and calls: the subject and the priority derived, the follow-up
date moved with the meeting, the confirmation e-mail with its .ics queued in the same
transaction (to the DV and the opportunity's owner), the call notes in the remarks."""

from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from webapp import uploads
from webapp.auth.models import User
from webapp.extensions import db
from webapp.formatting import moment
from webapp.notifications.calendar import Invite
from webapp.notifications.outbox import queue_mail
from webapp.opportunities import services
from webapp.opportunities.models import (
    Call,
    Meeting,
    MeetingStatus,
    Opportunity,
    Stage,
)
from webapp.opportunities.rotation import dv_group, served
from webapp.opportunities.rules import (
    append_note,
    follow_up_date,
    meeting_priority,
    meeting_subject,
    stage_for_meeting,
    stock_numbers,
    unique_addresses,
)

FIELDS = ("starts_at", "duration_minutes", "category", "virtual", "device", "branch_id",
          "language", "stock_numbers", "deposit_kind", "esign_status", "transfer", "status",
          "description", "spex_id")


def _blank_to_none(value):
    if value in ("", 0):
        return None
    return value.strip() if isinstance(value, str) else value


def _fill(meeting: Meeting, form) -> list[str]:
    """Copy the form; store an uploaded receipt; return the stored names to delete."""
    for name in FIELDS:
        value = getattr(form, name).data
        setattr(meeting, name, value if isinstance(value, bool) else _blank_to_none(value))
    if not meeting.virtual:
        meeting.device = None
    old = []
    if form.uploaded is not None:
        stored = uploads.store(form.uploaded, "document")
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


def create_meeting(opportunity: Opportunity, form, user: User, today: date) -> Meeting:
    """Book the meeting: follow-up the next day, the SPEX's turn served, the opportunity
    taken to « Rendez-vous cédulé », the confirmation queued."""
    meeting = Meeting(opportunity=opportunity, created_by_id=user.id, sequence=0)
    _fill(meeting, form)
    _derive(meeting, opportunity)
    db.session.add(meeting)
    opportunity.follow_up_on = follow_up_date(meeting.starts_at)
    opportunity.spex_id = meeting.spex_id
    served(meeting.branch_id, meeting.spex_id, datetime.now(UTC))
    db.session.flush()
    all_stages = _stages()
    target = stage_for_meeting([s.info for s in all_stages], opportunity.stage_id)
    if target is not None:
        services.move(opportunity, next(s for s in all_stages if s.id == target), today)
    _queue_confirmation(meeting)
    db.session.flush()
    return meeting


def update_meeting(meeting: Meeting, form) -> list[str]:
    """Change the meeting; a new time or a cancellation re-sends the invitation
    (SEQUENCE + 1) and a new time moves the follow-up date. Returns the receipts to
    delete once committed."""
    before = (meeting.starts_at, meeting.duration_minutes, meeting.status, meeting.spex_id)
    old = _fill(meeting, form)
    _derive(meeting, meeting.opportunity)
    moved = (meeting.starts_at, meeting.duration_minutes) != before[:2]
    cancelled = (meeting.status == MeetingStatus.CANCELLED
                 and before[2] != MeetingStatus.CANCELLED)
    if meeting.spex_id != before[3]:
        meeting.opportunity.spex_id = meeting.spex_id
        served(meeting.branch_id, meeting.spex_id, datetime.now(UTC))
    if moved:
        # « Ne pas oublier de changer cette date si le client déplace le RDV »
        meeting.opportunity.follow_up_on = follow_up_date(meeting.starts_at)
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
    uploads.remove_after_commit(names)


# --- Calls ------------------------------------------------------------------------------

def schedule_call(opportunity: Opportunity, form, user: User) -> Call:
    """« Programmer un appel » from the opportunity (not the client file)."""
    call = Call(opportunity=opportunity, scheduled_at=form.scheduled_at.data,
                subject=form.subject.data.strip(), assigned_to_id=form.assigned_to_id.data,
                created_by_id=user.id)
    db.session.add(call)
    db.session.flush()
    return call


def call_done(call: Call, notes: str, user: User) -> None:
    """The call was made; « ajouter vos notes dans la section "Remarques" de votre
    opportunité » — never in the call's own box."""
    now = datetime.now(UTC)
    call.done_at = now
    opportunity = call.opportunity
    opportunity.remarks = append_note(
        opportunity.remarks, f"{call.subject}, {moment(now)} ({user.name})", notes)
    db.session.flush()
