"""Calls, scheduled from the opportunity (« Programmer un appel », not from the client
file); the notes of a call made go to the opportunity's remarks."""

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required
from jinja2_fragments.flask import render_block

from webapp.auth.scope import get_or_404
from webapp.errors import Refused
from webapp.htmx import is_htmx
from webapp.opportunities import bp
from webapp.opportunities.calls.forms import CallDoneForm, CallForm
from webapp.opportunities.calls.services import call_done as record_call_done
from webapp.opportunities.calls.services import schedule_call
from webapp.opportunities.models import Call, Opportunity
from webapp.opportunities.routes_opportunity import PAGE, detail_context


def _answer(opportunity: Opportunity, status: int = 200, **forms):
    """The calls section (htmx, with the remarks out of band) or the page again."""
    if not is_htmx():
        if status == 200:
            return redirect(url_for("opportunities.detail", opportunity_id=opportunity.id))
        return render_template(PAGE, **detail_context(opportunity, **forms)), status
    context = detail_context(opportunity, **forms)
    body = render_block(PAGE, "calls", **context) + render_template(
        "opportunities/_remarks.html", opportunity=opportunity, oob=True)
    return body, status, {"Vary": "HX-Request"}


@bp.route("/<int:opportunity_id>/calls", methods=["POST"])
@login_required
def new_call(opportunity_id: int):
    """Schedule a call; it appears in the assignee's alerts on the day."""
    opportunity = get_or_404(Opportunity, opportunity_id)
    form = CallForm()
    if form.validate_on_submit():
        schedule_call(opportunity, form.values(), current_user)
        return _answer(opportunity)
    return _answer(opportunity, 422, call_form=form)


@bp.route("/calls/<int:call_id>/done", methods=["POST"])
@login_required
def call_done(call_id: int):
    """The call was made: its notes are appended to the opportunity's remarks."""
    call = get_or_404(Call, call_id)
    form = CallDoneForm()
    if form.validate_on_submit():
        try:
            record_call_done(call, form.notes.data, current_user)
        except Refused:  # already done (twice clicked): the section as it is
            return _answer(call.opportunity, done_form=form, done_call_id=call.id)
        return _answer(call.opportunity)
    return _answer(call.opportunity, 422, done_form=form, done_call_id=call.id)
