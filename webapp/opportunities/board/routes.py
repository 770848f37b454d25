"""The kanban: the board, a column's next cards, the « Déplacer vers… » menu and the move.

A move answers with out-of-band swaps (the card leaves its column, enters the new one at
the top, both totals change); a move the stage refuses answers with the dialog of what
is missing (fields to fill, the meeting to create, or the expired opportunity to copy).
"""

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import clock
from webapp.auth.scope import get_or_404
from webapp.concurrency import Conflict, save_versioned
from webapp.extensions import db
from webapp.htmx import is_htmx, render
from webapp.ids import id_param
from webapp.opportunities import bp, services
from webapp.opportunities.board.card_urls import CardUrls
from webapp.opportunities.board.queries import Filters, board, column_page, stages
from webapp.opportunities.board.services import MoveRefused, missing_for
from webapp.opportunities.board.services import move as move_to
from webapp.opportunities.board.updates import moved_response
from webapp.opportunities.forms import NONE, ActionForm, OpportunityForm, filter_choices
from webapp.opportunities.meetings.routes import meeting_form_context
from webapp.opportunities.models import Opportunity, Stage
from webapp.opportunities.rotation import proposed_spex
from webapp.opportunities.rules import EXPIRED_MESSAGE, Requirement

MOVE_PAGE = "opportunities/board/move.html"
MOVED_MEANWHILE = ("Cette opportunité vient d'être déplacée ou modifiée par quelqu'un "
                   "d'autre : rechargez la page pour la voir où elle est.")


def _filters() -> Filters:
    return Filters.from_args(request.args)


@bp.route("/")
@login_required
def index():
    """The kanban: one column per stage, filters in the URL."""
    filters = _filters()
    columns = board(filters, clock.today())
    # The filter options are callables: only the whole page (not the htmx block) reads them.
    args = filters.as_args(board=True)
    return render("opportunities/board/board.html", "board", columns=columns, filters=filters,
                  args=args, urls=CardUrls.build(args), choices=filter_choices)


@bp.route("/stages/<int:stage_id>/cards")
@login_required
def column_cards(stage_id: int):
    """The next cards of a column, after ``cursor`` (htmx, on scroll)."""
    stage = db.session.get(Stage, stage_id) or abort(404)
    filters = _filters()
    column = column_page(stage, filters, request.args.get("cursor"), clock.today())
    args = filters.as_args(board=True)
    return render_template("opportunities/board/_cards.html", column=column, args=args,
                           urls=CardUrls.build(args))


@bp.route("/<int:opportunity_id>/move")
@login_required
def move_menu(opportunity_id: int):
    """« Déplacer vers… »: the stages, as buttons (touch and keyboard)."""
    opportunity = get_or_404(Opportunity, opportunity_id)
    return render(MOVE_PAGE, "dialog", opportunity=opportunity, stages=stages(),
                  step="menu", args=_filters().as_args(board=True),
                  board=request.args.get("view") == "board")


def _fields(missing: list[Requirement]) -> tuple[str, ...]:
    return tuple(r.field for r in missing if r.field)


def _refused(opportunity: Opportunity, stage: Stage, missing: list[Requirement],
             form=None, status: int = 200):
    """The dialog of a refused move: the fields to fill first, else the expired
    opportunity to copy, else the meeting to create."""
    args = _filters().as_args(board=True)
    context = {"opportunity": opportunity, "stage": stage, "missing": missing, "args": args,
               "board": request.args.get("view") == "board"}
    fields = _fields(missing)
    if fields:
        if form is None:
            form = OpportunityForm(formdata=None, obj=opportunity, opportunity=opportunity,
                                   only=fields)
            if "phone" in form:
                form.phone_confirmed.data = bool(opportunity.phone_is_mobile)
        proposal = None
        if "spex_id" in form and not form.spex_id.data:
            proposal = proposed_spex(opportunity.branch_id)
            form.spex_id.data = proposal or NONE
        context |= {"step": "fields", "form": form, "proposal": proposal}
    elif any(r.key == "not_expired" for r in missing):
        context |= {"step": "expired", "message": EXPIRED_MESSAGE, "form": ActionForm()}
    else:
        context |= {"step": "meeting",
                    **meeting_form_context(opportunity, view=context["board"], args=args)}
    body, code, headers = render(MOVE_PAGE, "dialog", status=status, **context)
    headers["HX-Trigger"] = json.dumps({"kanban:refused": {"id": opportunity.id}})
    return body, code, headers


def _fill_missing(opportunity: Opportunity, stage: Stage, today, version: int):
    """The fields the dialog asked for, posted with the move (``fill``): saved (kept
    even if the move is still refused), or the dialog again with their errors."""
    if not request.form.get("fill"):
        return None
    missing = missing_for(opportunity, stage, today)
    if not _fields(missing):
        return None
    form = OpportunityForm(opportunity=opportunity, only=_fields(missing))
    if not form.validate_on_submit():
        return _refused(opportunity, stage, missing, form, status=422)
    save_versioned(opportunity, version, lambda: services.update(opportunity, form.values()))
    return None


def _moved_meanwhile(opportunity_id: int, old_stage_id: int, stage: Stage):
    """Someone else moved or changed the card first: on the board, 409 with the card
    where it is now (and the columns' totals); elsewhere, the 409 page."""
    opportunity = get_or_404(Opportunity, opportunity_id)
    if request.args.get("view") == "board" and is_htmx():
        return moved_response(opportunity, old_stage_id, _filters(), status=409,
                              also=(stage.id,))
    raise Conflict(MOVED_MEANWHILE)


@bp.route("/<int:opportunity_id>/move", methods=["POST"])
@login_required
def move(opportunity_id: int):
    """Move to another stage; the missing fields (``fill``) may come with the request."""
    opportunity = get_or_404(Opportunity, opportunity_id)
    # Every stage in one query, held (the identity map is weak): each is read once.
    by_id = {s.id: s for s in stages()}
    stage = by_id.get(request.form.get("stage_id", 0, type=id_param)) or abort(404)
    old_stage_id, today, version = opportunity.stage_id, clock.today(), opportunity.version
    try:
        if (invalid := _fill_missing(opportunity, stage, today, version)) is not None:
            return invalid
        save_versioned(opportunity, opportunity.version,
                       lambda: move_to(opportunity, stage, today))
    except MoveRefused as refusal:
        return _refused(opportunity, stage, refusal.missing)
    except Conflict:
        return _moved_meanwhile(opportunity_id, old_stage_id, stage)
    if request.args.get("view") == "board" and is_htmx():
        return moved_response(opportunity, old_stage_id, _filters())
    flash(f"Opportunité déplacée vers « {stage.name} ».", "success")
    return _to_detail(opportunity)


def _to_detail(opportunity: Opportunity):
    target = url_for("opportunities.detail", opportunity_id=opportunity.id)
    return ("", 200, {"HX-Redirect": target}) if is_htmx() else redirect(target)


@bp.route("/<int:opportunity_id>/copy", methods=["POST"])
@login_required
def copy(opportunity_id: int):
    """Copy an expired opportunity into a new one (« on doit créer une nouvelle OPP »)."""
    opportunity = get_or_404(Opportunity, opportunity_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    new = services.copy(opportunity, current_user, clock.today())
    flash("Nouvelle opportunité créée à partir de l'opportunité expirée.", "success")
    return _to_detail(new)
