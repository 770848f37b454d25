"""The home page: one layout per role, boxes the modules fill."""


from flask import render_template
from flask_login import current_user, login_required

from webapp import clock
from webapp.auth.models import Role
from webapp.home import bp
from webapp.home.boxes import OPERATIONS, boxes_for
from webapp.operations.targets.queries import advisor_operations, followed_operations


def _operations(boxes) -> list:
    """The operations box: a manager's, those he runs or follows; an advisor's, those
    where he follows clients."""
    if OPERATIONS not in boxes:
        return []
    if current_user.role == Role.MANAGER:
        return followed_operations(current_user, clock.today())
    return advisor_operations(current_user, clock.today())


@bp.route("/")
@login_required
def index():
    """The signed-in user's home page."""
    boxes = boxes_for(current_user.role)
    return render_template("home/index.html", boxes=boxes, my_operations=_operations(boxes),
                           own_clients=current_user.role != Role.MANAGER)
