"""The e-signature screen (slide 37): the mobile, the billing and the mandate's IBAN, the
code sent by SMS, then the code typed back."""

from flask import flash, redirect, render_template, url_for
from flask_login import login_required

from webapp.proposals import bp, queries
from webapp.proposals.forms import CodeForm, SigningForm
from webapp.proposals.routes import written
from webapp.proposals.signature import services

SIGN = "proposals/sign.html"


def _mobile(proposal) -> str:
    client = proposal.client
    return proposal.mobile or (client.phone if client.phone_is_mobile else None) or \
        (client.phone2 if client.phone2_is_mobile else None) or ""


def _page(proposal, status=200, **forms):
    data = {"mobile": _mobile(proposal), "billing": proposal.billing, "iban": proposal.iban}
    forms.setdefault("form", SigningForm(formdata=None, data=data))
    forms.setdefault("code_form", CodeForm(formdata=None))
    return render_template(SIGN, proposal=proposal, **forms), status


@bp.route("/<int:proposal_id>/sign", methods=["GET", "POST"])
@login_required
def sign(proposal_id: int):
    """The signature's details; posted: the code goes by SMS to the client's mobile."""
    proposal = queries.proposal_or_404(proposal_id)
    form = SigningForm()
    if not form.is_submitted():
        return _page(proposal)
    if written(form, lambda: services.send_code(proposal, form.values()) or True):
        flash(f"Code envoyé par SMS au {proposal.mobile}.", "success")
        return redirect(url_for("proposals.sign", proposal_id=proposal.id) + "#code-step")
    return _page(proposal, 422, form=form)


@bp.route("/<int:proposal_id>/sign/confirm", methods=["POST"])
@login_required
def confirm_signature(proposal_id: int):
    """The code the client read: the order form is signed."""
    proposal = queries.proposal_or_404(proposal_id)
    form = CodeForm()
    if written(form, lambda: services.confirm(proposal, form.code.data) or True):
        flash("Bon de commande signé électroniquement.", "success")
        return redirect(url_for("proposals.proposal", proposal_id=proposal.id))
    return _page(proposal, 422, code_form=form)
