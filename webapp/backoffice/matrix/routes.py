"""The routing matrix (slide 3 « Quelles demandes, à qui ? »), edited by the admin, and the
designated validators of commercial gestures."""

from flask import flash, redirect, render_template, url_for

from webapp.auth.decorators import role_required
from webapp.auth.models import Role
from webapp.backoffice import bp
from webapp.backoffice.matrix import queries, services
from webapp.backoffice.matrix.forms import TypeForm, ValidatorsForm
from webapp.backoffice.models import RequestType
from webapp.errors import Refused
from webapp.extensions import db
from webapp.history import history_of


def _matrix_page(validators_form: ValidatorsForm | None = None, status: int = 200):
    form = validators_form or ValidatorsForm(
        formdata=None, data={"validators_ids": queries.validator_ids()})
    return render_template("backoffice/matrix/index.html", types=queries.all_types(),
                           validators_form=form), status


@bp.route("/matrix")
@role_required(Role.ADMIN)
def matrix():
    """Every request type: to whom, in copy, its workflow; the gesture validators."""
    return _matrix_page()


def _type_form(request_type: RequestType | None):
    form = TypeForm(request_type=request_type)
    if form.validate_on_submit():
        try:
            saved = services.save_type(request_type or RequestType(), form.values())
        except Refused as refusal:
            form.name.errors.append(refusal.message)
        else:
            flash(f"Type de demande « {saved.name} » enregistré.", "success")
            return redirect(url_for("backoffice.matrix"))
    history = history_of(request_type) if request_type else []
    return render_template("backoffice/matrix/type_form.html", form=form, request_type=request_type,
                           history=history), 422 if form.errors else 200


@bp.route("/matrix/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_type():
    """Add a kind of request to the matrix."""
    return _type_form(None)


@bp.route("/matrix/<int:type_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_type(type_id: int):
    """Change a line of the matrix: its people, its workflow, whether it is offered."""
    return _type_form(db.get_or_404(RequestType, type_id))


@bp.route("/matrix/validators", methods=["POST"])
@role_required(Role.ADMIN)
def save_validators():
    """Designate who validates commercial gestures (« après validation de David »)."""
    form = ValidatorsForm()
    if not form.validate_on_submit():
        return _matrix_page(form, 422)
    services.save_validators(form.validators_ids.data or [])
    flash("Validation des gestes commerciaux enregistrée.", "success")
    return redirect(url_for("backoffice.matrix"))
