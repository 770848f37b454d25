"""The intake screen: log a call or an e-mail, see the routing decision, transmit."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp.errors import Refused
from webapp.htmx import is_htmx, render
from webapp.routing import bp, queries, rules
from webapp.routing.intake import services
from webapp.routing.intake.forms import IntakeForm

FORM = "routing/intake.html"


def _routing(form: IntakeForm) -> services.Routing | None:
    """The decision for what is typed so far (None until client, type and company)."""
    if not (form.client and form.chosen_type and form.chosen_company):
        return None
    routing = services.route(form.client, form.chosen_type, form.chosen_company)
    form.offer(routing.ranking)
    return routing


def _form() -> IntakeForm:
    if request.method == "POST":
        return IntakeForm()
    return IntakeForm(formdata=request.args if is_htmx() else None)


def _transmitted(created):
    flash(f"Demande transmise à {created.advisor.name} : retour attendu le "
          f"{created.due_on:%d/%m/%Y}.", "success")
    return redirect(url_for("routing.detail", client_request_id=created.id))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_request():
    """« Bien écouter la demande client et cibler la compagnie », then route and transmit."""
    if not queries.takes_calls(current_user):
        abort(403)
    form = _form()
    routing = _routing(form)
    if request.method == "GET" and is_htmx():
        return render(FORM, "routing_panel", form=form, routing=routing, rules=rules)
    error = None
    if form.validate_on_submit():
        try:
            created = services.log_request(form.values(), current_user)
        except Refused as refusal:
            error = refusal.message
        else:
            return _transmitted(created)
    status = 422 if form.errors or error else 200
    return render_template(FORM, form=form, routing=routing, rules=rules,
                           error=error), status
