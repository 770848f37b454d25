"""Meetings: created from the opportunity once its prerequisites are met (else the list
of what is missing, each a link to its field), changed (moved, cancelled), the deposit
receipt downloaded."""


from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from webapp import clock, uploads
from webapp.auth.scope import get_or_404
from webapp.concurrency import Conflict, save_versioned
from webapp.htmx import is_htmx, render
from webapp.opportunities import bp
from webapp.opportunities.board.queries import Filters
from webapp.opportunities.board.updates import moved_response
from webapp.opportunities.meetings.forms import MeetingForm
from webapp.opportunities.meetings.services import (
    ReceiptRefused,
    blocked,
    create_meeting,
    participants,
    remove_receipts,
    update_meeting,
)
from webapp.opportunities.models import Meeting, MeetingCategory, MeetingStatus, Opportunity
from webapp.opportunities.rotation import proposed_spex
from webapp.opportunities.rules import EXPIRED_MESSAGE

PAGE = "opportunities/meetings/meeting.html"
STALE = "Cette réunion vient d'être modifiée par quelqu'un d'autre : vérifiez puis validez."


def _defaults(opportunity: Opportunity) -> dict:
    """The meeting's fields as the opportunity already knows them."""
    return {"branch_id": opportunity.branch_id or 0, "language": opportunity.language or "fr",
            "stock_numbers": opportunity.stock_number or "", "duration_minutes": 60,
            "spex_id": opportunity.spex_id or proposed_spex(opportunity.branch_id) or 0,
            "status": MeetingStatus.PLANNED, "category": MeetingCategory.MEETING}


def meeting_form_context(opportunity: Opportunity, view: bool = False, args=None,
                         form: MeetingForm | None = None) -> dict:
    """The new-meeting form of an opportunity, on its page or in the board's dialog."""
    if form is None:
        form = MeetingForm(formdata=None, data=_defaults(opportunity))
    action = url_for("opportunities.new_meeting", opportunity_id=opportunity.id,
                     **({"view": "board", **(args or {})} if view else {}))
    return {"opportunity": opportunity, "meeting_form": form, "meeting_action": action,
            "meeting": None, "in_dialog": view}


def _new_meeting_page(opportunity: Opportunity, form: MeetingForm | None, missing=(),
                      status: int | None = None):
    """The new-meeting form (or the list of what is missing), on its page or in the
    board's dialog."""
    board_view = request.args.get("view") == "board"
    args = Filters.from_args(request.args).as_args(board=True)
    if status is None:
        status = 422 if (form is not None and form.errors) or (
            missing and request.method == "POST") else 200
    return render(PAGE, "meeting_form", status=status, blocked=list(missing),
                  expired_message=EXPIRED_MESSAGE,
                  **meeting_form_context(opportunity, board_view, args, form))


@bp.route("/<int:opportunity_id>/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting(opportunity_id: int):
    """« + Réunion »: only when every field of « Informations – Opportunités » is right."""
    opportunity = get_or_404(Opportunity, opportunity_id)
    if missing := blocked(opportunity, clock.today()):
        return _new_meeting_page(opportunity, None, missing)
    form = MeetingForm() if request.method == "POST" else None
    if form is None or not form.validate_on_submit():
        return _new_meeting_page(opportunity, form)
    old_stage_id = opportunity.stage_id
    try:
        create_meeting(opportunity, form.values(), current_user, clock.today())
    except ReceiptRefused as refusal:
        form.receipt.errors = [refusal.message]
        return _new_meeting_page(opportunity, form, status=422)
    if request.args.get("view") == "board" and is_htmx():
        return moved_response(opportunity, old_stage_id, Filters.from_args(request.args))
    flash("Réunion créée : la confirmation part au DV et au gestionnaire.", "success")
    return redirect(url_for("opportunities.detail", opportunity_id=opportunity.id))


def _meeting_page(meeting: Meeting, form: MeetingForm, message: str | None = None,
                  status: int | None = None):
    """A meeting's page, its form with the errors or the conflict's message."""
    status = status or (422 if form.errors else 200)
    return render(PAGE, "meeting_form", status=status, blocked=[], message=message,
                  opportunity=meeting.opportunity, meeting=meeting, meeting_form=form,
                  meeting_action=url_for("opportunities.edit_meeting", meeting_id=meeting.id),
                  in_dialog=False, participants=participants(meeting),
                  expired_message=EXPIRED_MESSAGE)


def _edit_form(meeting: Meeting) -> MeetingForm:
    """The meeting's form: its values and version on GET, what was posted otherwise."""
    data = {"version": meeting.version} if request.method == "GET" else None
    return MeetingForm(obj=meeting, meeting=meeting, data=data)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit_meeting(meeting_id: int):
    """Change a meeting; moving it re-sends the invitation and moves the follow-up."""
    meeting = get_or_404(Meeting, meeting_id)
    form = _edit_form(meeting)
    if not form.validate_on_submit():
        return _meeting_page(meeting, form)
    values = form.values()
    try:
        old = save_versioned(meeting, form.version.data,
                             lambda: update_meeting(meeting, values), message=STALE)
    except ReceiptRefused as refusal:
        form.receipt.errors = [refusal.message]
        return _meeting_page(meeting, form, status=422)
    except Conflict as conflict:
        meeting = get_or_404(Meeting, meeting_id)
        form.version.data = meeting.version
        return _meeting_page(meeting, form, conflict.message, 409)
    remove_receipts(old)
    flash(f"Réunion « {meeting.subject} » enregistrée.", "success")
    return redirect(url_for("opportunities.detail", opportunity_id=meeting.opportunity_id))


@bp.route("/meetings/<int:meeting_id>/receipt")
@login_required
def receipt(meeting_id: int):
    """The deposit's receipt, as an attachment."""
    meeting = get_or_404(Meeting, meeting_id)
    if not meeting.receipt_name:
        abort(404)
    return uploads.serve(meeting.receipt_name, meeting.receipt_original,
                         meeting.receipt_mimetype)
