"""One opportunity: create (from the client search, with « create and associate »),
detail, edit; the SPEX proposed by the branch's rotation."""


from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import clock
from webapp.auth.scope import get_or_404
from webapp.clients.models import Language
from webapp.concurrency import Conflict, save_versioned
from webapp.history import history_of, value_labels
from webapp.ids import id_param
from webapp.opportunities import bp, services
from webapp.opportunities.board.queries import stages
from webapp.opportunities.calls.forms import CallDoneForm, CallForm
from webapp.opportunities.forms import FIELD_LABELS, NONE, ActionForm, OpportunityForm
from webapp.opportunities.models import Opportunity
from webapp.opportunities.queries import calls_of, conflicts_of, meetings_of
from webapp.opportunities.rotation import proposed_spex
from webapp.opportunities.rules import (
    EXPIRED_MESSAGE,
    MEETING_PREREQUISITES,
    remarks_template,
    unmet,
)

PAGE = "opportunities/detail.html"


def detail_context(opportunity: Opportunity, call_form: CallForm | None = None,
                   done_form: CallDoneForm | None = None, done_call_id: int | None = None):
    """Everything the page and its htmx sections show (one source for both)."""
    today = clock.today()
    history = history_of(opportunity)
    return {
        "opportunity": opportunity, "stages": stages(), "expired": opportunity.expired(today),
        "expired_message": EXPIRED_MESSAGE,
        "blocked": unmet(MEETING_PREREQUISITES, services.facts_of(opportunity, today)),
        "meetings": meetings_of(opportunity), "calls": calls_of(opportunity),
        "claim": conflicts_of(opportunity, today), "history": history,
        "history_values": value_labels(history, services.HISTORY_VALUES),
        "field_labels": FIELD_LABELS, "action_form": ActionForm(),
        "languages": Language.choices(),
        "call_form": call_form or CallForm(formdata=None),
        "done_form": done_form or CallDoneForm(formdata=None), "done_call_id": done_call_id,
    }


@bp.route("/<int:opportunity_id>")
@login_required
def detail(opportunity_id: int):
    """An opportunity: its fields by section, meetings, calls, remarks and history."""
    opportunity = get_or_404(Opportunity, opportunity_id)
    return render_template(PAGE, **detail_context(opportunity))


def _form_page(form: OpportunityForm, opportunity: Opportunity | None, clash=(),
               status: int | None = None):
    status = status or (422 if form.errors else 200)
    return render_template("opportunities/form.html", form=form, opportunity=opportunity,
                           conflicts=list(clash)), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """« Créer un(e) opportunité »: associate the client file (search or create it)."""
    form = OpportunityForm()
    if request.method == "GET":
        form.remarks.data = remarks_template()
        form.client_id.data = request.args.get("client_id", "")
    if form.validate_on_submit():
        opportunity = services.create(form.values(), current_user)
        flash("Opportunité créée.", "success")
        return redirect(url_for("opportunities.detail", opportunity_id=opportunity.id))
    return _form_page(form, None)


def _edit_form(opportunity: Opportunity) -> OpportunityForm:
    form = OpportunityForm(obj=opportunity, opportunity=opportunity)
    if request.method == "GET":
        form.version.data = opportunity.version
        form.phone_confirmed.data = bool(opportunity.phone_is_mobile)
        for name in ("branch_id", "owner_id", "spex_id", "sales_director_id",
                     "lost_reason_id"):
            getattr(form, name).data = getattr(opportunity, name) or NONE
    return form


@bp.route("/<int:opportunity_id>/edit", methods=["GET", "POST"])
@login_required
def edit(opportunity_id: int):
    """Edit an opportunity; a concurrent change shows both values instead of overwriting."""
    opportunity = get_or_404(Opportunity, opportunity_id)
    form = _edit_form(opportunity)
    if not form.validate_on_submit():
        return _form_page(form, opportunity)
    values = form.values()
    try:
        save_versioned(opportunity, form.version.data,
                       lambda: services.update(opportunity, values))
    except Conflict:
        opportunity = get_or_404(Opportunity, opportunity_id)
        clash = form.conflict_rows(opportunity, services.conflicts(opportunity, values))
        form.version.data = opportunity.version  # resubmitting now overwrites, knowingly
        return _form_page(form, opportunity, clash, 409 if clash else None)
    flash("Opportunité enregistrée.", "success")
    return redirect(url_for("opportunities.detail", opportunity_id=opportunity.id))


@bp.route("/rotation")
@login_required
def rotation():
    """The SPEX field with the branch's SPEX whose turn it is selected (htmx)."""
    form = OpportunityForm(formdata=None, only=("spex_id",))
    proposal = proposed_spex(request.args.get("branch_id", 0, type=id_param))
    form.spex_id.data = proposal or request.args.get("spex_id", NONE, type=id_param)
    return render_template("opportunities/_spex_field.html", form=form, proposal=proposal,
                           asked=True)
