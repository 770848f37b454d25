"""The R1 recap per sales rep (slide 12), signed clients marked."""

from datetime import date

from flask import render_template, request
from flask_login import login_required

from webapp import clock
from webapp.backoffice import bp
from webapp.backoffice.forms import PeriodForm
from webapp.backoffice.recap.queries import r1_recap as recap_of


@bp.route("/recap")
@login_required
def r1_recap():
    """« Récap Cotation R1 (depuis le …) »: the clients quoted by each rep since a date."""
    form = PeriodForm(request.args)
    form.validate()
    since = form.start.data or date(clock.today().year, 1, 1)
    form.start.data = since
    reps, cut = recap_of(since)
    return render_template("backoffice/recap/index.html", form=form, since=since, reps=reps,
                           cut=cut)
