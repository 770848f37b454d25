"""Views of proposals: a client's proposals (and a new one), one proposal with its
sub-orders and lines, its edits, duplicate, « Valider », « Commander », the order form's
PDF and the total churn."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from webapp.auth.models import Role
from webapp.auth.scope import get_or_404
from webapp.clients.models import Client
from webapp.downloads import bytes_download
from webapp.errors import Refused
from webapp.forms import saved
from webapp.proposals import bp, queries, rules, services
from webapp.proposals.forms import (
    ChurnedForm,
    DuplicateForm,
    LineForm,
    ProposalForm,
    RejectForm,
    RemoveForm,
    SubOrderForm,
    TotalChurnForm,
)
from webapp.proposals.models import Proposal
from webapp.proposals.signature.document import order_pdf

LIST = "proposals/list.html"
DETAIL = "proposals/detail.html"


def written(form, write):
    """Validate ``form`` and run ``write()``: what it returned, or None when the form or
    the service refused (the message under its field)."""
    result = []
    return result[0] if saved(form, lambda: result.append(write())) else None


def _to(proposal: Proposal, anchor: str = ""):
    return redirect(url_for("proposals.proposal", proposal_id=proposal.id) + anchor)


@bp.route("/clients/<int:client_id>", methods=["GET", "POST"])
@login_required
def client_proposals(client_id: int):
    """The client's proposals, and a new one (an evocative name, slide 7)."""
    client = get_or_404(Client, client_id)
    form = ProposalForm()
    if created := written(form, lambda: services.create_proposal(
            client, form.values(), current_user)):
        return _to(created)
    status = 422 if form.errors else 200
    return render_template(LIST, client=client, proposals=queries.of_client(client.id),
                           form=form), status


def context(proposal: Proposal, **extra) -> dict:
    """Everything the proposal's page shows, for the page and its refusals alike."""
    facts = proposal.facts()
    forms = {
        "form": ProposalForm(formdata=None, obj=proposal),
        "duplicate_form": DuplicateForm(formdata=None),
        "suborder_form": SubOrderForm(formdata=None),
        "line_form": LineForm(formdata=None) if proposal.editable else None,
        "remove_form": RemoveForm(formdata=None),
        "churn_form": TotalChurnForm(formdata=None),
        "reject_form": (RejectForm(formdata=None)
                        if current_user.role in (Role.ADMIN, Role.BO_ASSISTANT) else None),
    }
    return {"proposal": proposal, "anomalies": rules.anomalies(facts),
            "total_churn": rules.total_churn_asked(facts), "message": None,
            "line_suborder_id": None, **forms, **extra}


def refused(proposal: Proposal, status: int, **extra):
    """The proposal's page again, with what was typed and why it was refused (a refusal
    about no field of the form at the top)."""
    if not extra.get("message"):
        errors = [e for form in extra.values() for e in getattr(form, "form_errors", ())]
        extra["message"] = " ".join(errors) or None
    return render_template(DETAIL, **context(proposal, **extra)), status


@bp.route("/<int:proposal_id>", methods=["GET", "POST"])
@login_required
def proposal(proposal_id: int):
    """A proposal: sub-orders, lines, plan, anomalies, status; its name and plan edited."""
    item = queries.proposal_or_404(proposal_id)
    form = ProposalForm()
    if form.is_submitted():
        if written(form, lambda: services.update_proposal(item, form.values(item.opportunity_id))):
            flash("Proposition enregistrée.", "success")
            return _to(item)
        return refused(item, 422, form=form)
    return render_template(DETAIL, **context(item))


@bp.route("/<int:proposal_id>/duplicate", methods=["POST"])
@login_required
def duplicate_proposal(proposal_id: int):
    """A copy in preparation, for a simulation (slide 6)."""
    item = queries.proposal_or_404(proposal_id)
    form = DuplicateForm()
    if copy := written(form, lambda: services.duplicate(item, form.name.data, current_user)):
        flash(f"Simulation « {copy.name} » créée.", "success")
        return _to(copy)
    return refused(item, 422, duplicate_form=form)


@bp.route("/<int:proposal_id>/suborders", methods=["POST"])
@login_required
def add_suborder(proposal_id: int):
    """A sub-order (001, 101 …) added to the proposal."""
    item = queries.proposal_or_404(proposal_id)
    form = SubOrderForm()
    if written(form, lambda: services.add_suborder(item, form.values())):
        return _to(item, "#suborders")
    return refused(item, 422, suborder_form=form)


@bp.route("/<int:proposal_id>/suborders/<int:suborder_id>/lines", methods=["POST"])
@login_required
def add_line(proposal_id: int, suborder_id: int):
    """A product of the catalogue added to a sub-order."""
    item = queries.proposal_or_404(proposal_id)
    suborder = queries.suborder_or_404(item, suborder_id)
    form = LineForm()
    if written(form, lambda: services.add_line(suborder, form.values())):
        return _to(item, f"#suborder-{suborder.id}")
    return refused(item, 422, line_form=form, line_suborder_id=suborder.id)


@bp.route("/<int:proposal_id>/suborders/<int:suborder_id>/churned", methods=["POST"])
@login_required
def mark_churned(proposal_id: int, suborder_id: int):
    """Mark a sub-order churned in full, or not."""
    item = queries.proposal_or_404(proposal_id)
    suborder = queries.suborder_or_404(item, suborder_id)
    form = ChurnedForm()
    if written(form, lambda: services.set_churned(suborder, form.churned.data) or True):
        return _to(item, f"#suborder-{suborder.id}")
    return refused(item, 422)


@bp.route("/<int:proposal_id>/lines/<int:line_id>/remove", methods=["POST"])
@login_required
def remove_line(proposal_id: int, line_id: int):
    """Remove a product (a product churn when the client held it, slide 40)."""
    item = queries.proposal_or_404(proposal_id)
    line = queries.line_or_404(item, line_id)
    form = RemoveForm()
    if written(form, lambda: services.remove_line(line, current_user, form.reason.data) or True):
        flash(f"Produit « {line.label} » retiré.", "success")
        return _to(item, "#suborders")
    return refused(item, 422, remove_form=form)


@bp.route("/<int:proposal_id>/suborders/<int:suborder_id>/remove", methods=["POST"])
@login_required
def remove_suborder(proposal_id: int, suborder_id: int):
    """Remove a sub-order (a partial churn when the client held it, slide 40)."""
    item = queries.proposal_or_404(proposal_id)
    suborder = queries.suborder_or_404(item, suborder_id)
    form = RemoveForm()
    if written(form, lambda: services.remove_suborder(suborder, current_user, form.reason.data)
               or True):
        flash(f"Sous-commande {suborder.label} retirée.", "success")
        return _to(item, "#suborders")
    return refused(item, 422, remove_form=form)


def _move(proposal_id: int, service, done: str):
    """« Valider » or « Commander »: the anomaly rules block both (slide 42)."""
    item = queries.proposal_or_404(proposal_id)
    form = RemoveForm()  # no field: the CSRF token only
    if not form.validate_on_submit():
        return refused(item, 400, message="Le formulaire a expiré : rechargez la page.")
    try:
        service(item)
    except Refused as refusal:
        return refused(item, refusal.status, message=refusal.message)
    flash(done, "success")
    return _to(item)


@bp.route("/<int:proposal_id>/validate", methods=["POST"])
@login_required
def validate_proposal(proposal_id: int):
    """« Valider » the proposal."""
    return _move(proposal_id, services.validate, "Proposition validée.")


@bp.route("/<int:proposal_id>/order", methods=["POST"])
@login_required
def order_proposal(proposal_id: int):
    """« Commander »: the order form waits for the client's signature."""
    return _move(proposal_id, services.order, "Proposition commandée : faites signer le bon.")


@bp.route("/<int:proposal_id>/order-form.pdf")
@login_required
def order_form(proposal_id: int):
    """The order form as a PDF (« non signé » until signed; the one sent once released)."""
    item = queries.proposal_or_404(proposal_id)
    content = item.order_pdf or order_pdf(item)
    name = f"bon-de-commande-{item.number or item.id}.pdf"
    return bytes_download(name, content, "application/pdf")


@bp.route("/<int:proposal_id>/total-churn", methods=["POST"])
@login_required
def total_churn(proposal_id: int):
    """Nothing renewed, nothing new: the client's total churn instead (slide 40)."""
    item = queries.proposal_or_404(proposal_id)
    form = TotalChurnForm()
    if written(form, lambda: services.record_total_churn(
            item, form.day.data, form.reason.data, current_user) or True):
        flash("Chute totale enregistrée sur le client.", "success")
        return _to(item)
    return refused(item, 422, churn_form=form)
