"""The client file's « Suivi du dossier » section (churn, complaints, quotes; loaded by
htmx into the file) and recording a churn from it."""

from flask import redirect, url_for
from flask_login import current_user, login_required

from webapp import clock
from webapp.activities import bp
from webapp.activities.churn import queries
from webapp.activities.churn.forms import ChurnForm
from webapp.activities.churn.models import ChurnScope
from webapp.activities.churn.services import record_churn
from webapp.activities.complaints.queries import client_complaints
from webapp.activities.quotes.queries import client_quotes, products_offered
from webapp.auth.scope import get_or_404
from webapp.clients.models import Client
from webapp.forms import saved
from webapp.htmx import is_htmx, render


def _churn_form(client: Client, formdata=None) -> ChurnForm:
    kwargs = {"accounts": queries.client_accounts(client.id), "products": products_offered()}
    if formdata is None:
        return ChurnForm(**kwargs)
    return ChurnForm(formdata=None, data={"day": clock.today()}, **kwargs)


def _section(client: Client, form: ChurnForm | None = None, status: int = 200):
    churns = queries.client_churns(client.id)
    total = next((c for c in churns if c.scope == ChurnScope.TOTAL.value), None)
    return render("activities/followup.html", "section", status=status, client=client,
                  churns=churns, total=total, complaints=client_complaints(client.id),
                  quotes=client_quotes(client.id), form=form or _churn_form(client, {}))


@bp.route("/clients/<int:client_id>/followup")
@login_required
def client_followup(client_id: int):
    """« Suivi du dossier »: the client's churn, complaints and quotes."""
    return _section(get_or_404(Client, client_id))


@bp.route("/clients/<int:client_id>/churn", methods=["POST"])
@login_required
def add_churn(client_id: int):
    """Record a total, partial or product churn (slide 40)."""
    client = get_or_404(Client, client_id)
    form = _churn_form(client)
    if not saved(form, lambda: record_churn(client.id, **form.values(),
                                            actor_id=current_user.id)):
        return _section(client, form, status=422)
    if is_htmx():
        return _section(client)
    return redirect(url_for("clients.detail", client_id=client.id) + "#followup")
