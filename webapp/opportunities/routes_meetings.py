"""Meetings: created from the opportunity once its prerequisites are met (else the list
of what is missing, each a link to its field), changed (moved, cancelled), the deposit
receipt downloaded."""


from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from webapp import clock, uploads
from webapp.auth.scope import get_or_404
from webapp.extensions import db
from webapp.htmx import is_htmx, render
from webapp.opportunities import bp
from webapp.opportunities.board_updates import moved_response
from webapp.opportunities.forms_meetings import MeetingForm
from webapp.opportunities.models import Meeting, MeetingCategory, MeetingStatus, Opportunity
from webapp.opportunities.queries_board import Filters
from webapp.opportunities.rotation import proposed_spex
from webapp.opportunities.rules import EXPIRED_MESSAGE, MEETING_PREREQUISITES, unmet
from webapp.opportunities.services import facts_of
from webapp.opportunities.services_meetings import (
    create_meeting,
    participants,
    remove_receipts,
    update_meeting,
)

PAGE = "opportunities/meeting.html"
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


@bp.route("/<int:opportunity_id>/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting(opportunity_id: int):
    """« + Réunion »: only when every field of « Informations – Opportunités » is right."""
    opportunity = get_or_404(Opportunity, opportunity_id)
    blocked = unmet(MEETING_PREREQUISITES, facts_of(opportunity, clock.today()))
    board_view = request.args.get("view") == "board"
    args = Filters.from_args(request.args).as_args(board=True)
    if blocked:
        return render(PAGE, "meeting_form", status=422 if request.method == "POST" else 200,
                      blocked=blocked, expired_message=EXPIRED_MESSAGE,
                      **meeting_form_context(opportunity, board_view, args))
    form = MeetingForm() if request.method == "POST" else None
    if form is not None and form.validate_on_submit():
        old_stage_id = opportunity.stage_id
        try:
            create_meeting(opportunity, form, current_user, clock.today())
        except uploads.UploadError as error:
            db.session.rollback()
            form.receipt.errors = [str(error)]
        else:
            db.session.commit()
            if board_view and is_htmx():
                return moved_response(opportunity, old_stage_id, Filters.from_args(request.args))
            flash("Réunion créée : la confirmation part au DV et au gestionnaire.", "success")
            return redirect(url_for("opportunities.detail", opportunity_id=opportunity.id))
    return render(PAGE, "meeting_form", status=422 if form and form.errors else 200, blocked=[],
                  expired_message=EXPIRED_MESSAGE,
                  **meeting_form_context(opportunity, board_view, args, form))


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit_meeting(meeting_id: int):
    """Change a meeting; moving it re-sends the invitation and moves the follow-up."""
    meeting = get_or_404(Meeting, meeting_id)
    form = MeetingForm(obj=meeting, meeting=meeting)
    if request.method == "GET":
        form.version.data = meeting.version
    message = None
    if form.validate_on_submit():
        if form.version.data != str(meeting.version):
            message = STALE
        else:
            try:
                old = update_meeting(meeting, form)
                db.session.commit()
            except uploads.UploadError as error:
                db.session.rollback()
                form.receipt.errors = [str(error)]
            except StaleDataError:
                db.session.rollback()
                message = STALE
            else:
                remove_receipts(old)
                flash(f"Réunion « {meeting.subject} » enregistrée.", "success")
                return redirect(url_for("opportunities.detail",
                                        opportunity_id=meeting.opportunity_id))
        form.version.data = meeting.version
    status = 409 if message else 422 if form.errors else 200
    return render(PAGE, "meeting_form", status=status, blocked=[], message=message,
                  opportunity=meeting.opportunity, meeting=meeting, meeting_form=form,
                  meeting_action=url_for("opportunities.edit_meeting", meeting_id=meeting.id),
                  in_dialog=False, participants=participants(meeting),
                  expired_message=EXPIRED_MESSAGE)


@bp.route("/meetings/<int:meeting_id>/receipt")
@login_required
def receipt(meeting_id: int):
    """The deposit's receipt, as an attachment."""
    meeting = get_or_404(Meeting, meeting_id)
    if not meeting.receipt_name:
        abort(404)
    return uploads.serve(meeting.receipt_name, meeting.receipt_original,
                         meeting.receipt_mimetype)
