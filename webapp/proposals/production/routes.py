"""« Remise en production » in one click (slide 38) and « en rejet » (slide 43)."""

from flask import abort, flash, redirect, url_for
from flask_login import current_user, login_required

from webapp.auth.models import Role
from webapp.proposals import bp, queries
from webapp.proposals.forms import RejectForm, RemoveForm
from webapp.proposals.production import services
from webapp.proposals.routes import refused, written

DESK = (Role.ADMIN, Role.BO_ASSISTANT)


@bp.route("/<int:proposal_id>/release", methods=["POST"])
@login_required
def release_proposal(proposal_id: int):
    """Number the signed order and send it to production with its PDF."""
    proposal = queries.proposal_or_404(proposal_id)
    form = RemoveForm()
    if written(form, lambda: services.release(proposal, current_user)):
        flash(f"Commande {proposal.number} remise en production.", "success")
        return redirect(url_for("proposals.proposal", proposal_id=proposal.id))
    return refused(proposal, 409 if form.form_errors else 400,
                   message=" ".join(form.form_errors) or "Le formulaire a expiré.")


@bp.route("/<int:proposal_id>/reject", methods=["POST"])
@login_required
def reject_proposal(proposal_id: int):
    """Production sends the order back: a rejet task for the rep (the desk only)."""
    if current_user.role not in DESK:
        abort(403)
    proposal = queries.proposal_or_404(proposal_id)
    form = RejectForm()
    if written(form, lambda: services.reject(proposal, form.reason.data, current_user)):
        flash("Commande mise en rejet : une tâche de rejet est confiée au commercial.", "success")
        return redirect(url_for("proposals.proposal", proposal_id=proposal.id))
    return refused(proposal, 422, reject_form=form)
