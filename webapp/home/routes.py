"""The home page: one layout per role, boxes the modules fill."""

from flask import render_template
from flask_login import current_user, login_required

from webapp.home import bp
from webapp.home.boxes import boxes_for


@bp.route("/")
@login_required
def index():
    """The signed-in user's home page."""
    return render_template("home/index.html", boxes=boxes_for(current_user.role))
