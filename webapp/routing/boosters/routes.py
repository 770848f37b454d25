"""Boosters: the preview of who receives which orphan files, and applying it."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from webapp import clock
from webapp.errors import Refused
from webapp.routing import bp, queries
from webapp.routing.boosters import services
from webapp.routing.boosters.forms import ApplyForm


def _managers_only():
    if not queries.manages_table(current_user):
        abort(403)


def _page(status=200, error=None):
    plan = services.plan(current_user)
    return render_template("routing/boosters.html", plan=plan, error=error,
                           form=ApplyForm(formdata=None, data={"expected": plan.allocated})), status


@bp.route("/boosters")
@login_required
def boosters():
    """« Les conseillers jouant le jeu bénéficieront de plus gros boosters »: the preview."""
    _managers_only()
    return _page()


@bp.route("/boosters", methods=["POST"])
@login_required
def apply_boosters():
    """Apply the preview in one transaction (advisor history, one alert per advisor)."""
    _managers_only()
    form = ApplyForm()
    if not form.validate_on_submit():
        return _page(422, "Aperçu manquant : rechargez la page.")
    try:
        plan = services.apply(current_user, form.expected.data, clock.today(),
                              url_for("clients.index"))
    except Refused as refusal:
        return _page(refusal.status, refusal.message)
    flash(f"{plan.allocated} fiche(s) attribuée(s) à {len(plan.shares)} conseiller(s).", "success")
    return redirect(url_for("routing.boosters"))
