"""The branches' SPEX rotation (« tour de gun RDV ») and DV groups, set by an admin."""

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import func, select

from webapp.auth.decorators import role_required
from webapp.auth.models import Branch, Role, User
from webapp.extensions import db
from webapp.opportunities import bp
from webapp.opportunities.forms import ActionForm, StaffForm
from webapp.opportunities.models import BranchStaff


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
        last = db.session.scalar(select(func.max(BranchStaff.position)).where(
            BranchStaff.branch_id == form.branch_id.data, BranchStaff.duty == form.duty.data))
        db.session.add(BranchStaff(branch_id=form.branch_id.data, user_id=form.user_id.data,
                                   duty=form.duty.data, position=(last or 0) + 1))
        db.session.commit()
        flash("Ajouté.", "success")
        return redirect(url_for("opportunities.staff"))
    status = 422 if form.errors else 200
    return render_template("opportunities/staff.html", form=form, rows=_staff(),
                           action_form=ActionForm()), status


@bp.route("/staff/<int:staff_id>/delete", methods=["POST"])
@role_required(Role.ADMIN)
def remove_staff(staff_id: int):
    """Take someone out of a branch's rotation or DV group."""
    row = db.session.get(BranchStaff, staff_id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    db.session.delete(row)
    db.session.commit()
    flash("Retiré.", "success")
    return redirect(url_for("opportunities.staff"))
