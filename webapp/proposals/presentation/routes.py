"""« Démarrer la visite » (the courtesy screen, slide 11) then « Présenter » (the
proposals screen shared with the client on the tablet, slide 36): the anomaly rules run
first, and an anomalous proposal offers the one-click split."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from webapp.auth.scope import get_or_404
from webapp.clients.models import Client
from webapp.errors import Refused
from webapp.proposals import bp, queries, rules
from webapp.proposals.forms import RemoveForm
from webapp.proposals.presentation import services

PRESENT = "proposals/present.html"


@bp.route("/clients/<int:client_id>/visit")
@login_required
def visit(client_id: int):
    """The courtesy screen: the client greeted, the proposals to choose from."""
    client = get_or_404(Client, client_id)
    return render_template("proposals/visit.html", client=client,
                           proposals=queries.of_client(client.id))


def _presented(proposal, message=None, status=200):
    facts = proposal.facts()
    return render_template(PRESENT, proposal=proposal, anomalies=rules.anomalies(facts),
                           split=rules.split_of(facts), total_churn=rules.total_churn_asked(facts),
                           message=message), status


@bp.route("/<int:proposal_id>/present")
@login_required
def present(proposal_id: int):
    """The proposal as the client sees it, checked first: a clear message per anomaly."""
    return _presented(queries.proposal_or_404(proposal_id))


@bp.route("/<int:proposal_id>/split", methods=["POST"])
@login_required
def split_proposal(proposal_id: int):
    """The one-click split: both proposals come back free of anomalies."""
    proposal = queries.proposal_or_404(proposal_id)
    if not RemoveForm().validate_on_submit():
        return _presented(proposal, "Le formulaire a expiré : rechargez la page.", 400)
    try:
        result = services.split(proposal, current_user)
    except Refused as refusal:
        return _presented(proposal, refusal.message, refusal.status)
    parts = []
    if result.created is not None:
        parts.append(f"les commandes à montant négatif forment « {result.created.name} »")
    if result.emptied:
        parts.append(f"les MO sans produit actif au Service Client ({', '.join(result.emptied)})")
    if result.churned:
        parts.append(f"les commandes chutées sont retirées ({', '.join(result.churned)})")
    flash("Proposition séparée : " + " ; ".join(parts) + ".", "success")
    return redirect(url_for("proposals.present", proposal_id=proposal.id))
