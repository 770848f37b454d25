"""The branches' SPEX rotation (« tour de gun RDV ») and DV groups, set by an admin."""

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from webapp.auth.decorators import role_required
from webapp.auth.models import Branch, Role, User
from webapp.errors import Refused
from webapp.extensions import db
from webapp.opportunities import bp
from webapp.opportunities.forms import ActionForm
from webapp.opportunities.models import BranchStaff
from webapp.opportunities.settings import services
from webapp.opportunities.settings.forms import StaffForm


def _staff() -> list[BranchStaff]:
    return db.session.scalars(
        select(BranchStaff).join(Branch, Branch.id == BranchStaff.branch_id)
        .join(User, User.id == BranchStaff.user_id)
        .order_by(Branch.name, BranchStaff.duty.desc(), BranchStaff.position, User.name)
    ).all()


@bp.route("/staff", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def staff():
    """Who takes turns for the meetings of each branch, and each branch's DV group."""
    form = StaffForm()
    if form.validate_on_submit():
        try:
            services.add_staff(form.branch_id.data, form.user_id.data, form.duty.data)
        except Refused as refusal:
            form.user_id.errors.append(refusal.message)
        else:
            flash("Ajouté.", "success")
            return redirect(url_for("opportunities.staff"))
    status = 422 if form.errors else 200
    return render_template("opportunities/settings/staff.html", form=form, rows=_staff(),
                           action_form=ActionForm()), status


@bp.route("/staff/<int:staff_id>/delete", methods=["POST"])
@role_required(Role.ADMIN)
def remove_staff(staff_id: int):
    """Take someone out of a branch's rotation or DV group."""
    row = db.session.get(BranchStaff, staff_id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.remove_staff(row)
    flash("Retiré.", "success")
    return redirect(url_for("opportunities.staff"))
