"""The home page: one layout per role, boxes the modules fill."""


from flask import render_template
from flask_login import current_user, login_required

from webapp import clock
from webapp.home import bp
from webapp.home.boxes import OPERATIONS, boxes_for
from webapp.operations.targets.queries import advisor_operations


@bp.route("/")
@login_required
def index():
    """The signed-in user's home page."""
    boxes = boxes_for(current_user.role)
    my_operations = (advisor_operations(current_user, clock.today()) if OPERATIONS in boxes
                     else [])
    return render_template("home/index.html", boxes=boxes, my_operations=my_operations)
