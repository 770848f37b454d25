"""The « Mes opportunités » box of the home page (loaded by htmx)."""


from flask import render_template
from flask_login import current_user, login_required

from webapp import clock
from webapp.opportunities import bp
from webapp.opportunities.queries_home import my_pipeline


@bp.route("/home-box")
@login_required
def home_box():
    """My opportunities by stage, the expired ones, today's calls and meetings."""
    return render_template("opportunities/_home_box.html",
                           pipeline=my_pipeline(current_user, clock.today()))
