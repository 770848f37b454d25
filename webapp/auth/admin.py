"""Administration screens: users and teams."""

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from webapp.auth import bp
from webapp.auth.decorators import role_required
from webapp.auth.forms import TeamForm, UserForm
from webapp.auth.models import Access, Role, Team, User
from webapp.auth.scope import get_or_404
from webapp.auth.services import save_team, save_user
from webapp.database import french_order
from webapp.extensions import db
from webapp.forms import saved
from webapp.history import enum_labels, history_of, names_by_id, value_labels
from webapp.ids import id_param
from webapp.pagination import paginate

TEAM_HISTORY_VALUES = {"parent_id": names_by_id(Team, Team.name)}
USER_HISTORY_VALUES = {"team_id": names_by_id(Team, Team.name), "role": enum_labels(Role),
                       "operations_access": enum_labels(Access)}


def _form_page(template: str, form, record, values: dict, **context):
    """The form again (422 when it was refused), with the record's history."""
    history = history_of(record) if record else []
    return render_template(template, form=form, history=history,
                           history_values=value_labels(history, values),
                           **context), 422 if form.errors else 200


@bp.route("/admin/users")
@role_required(Role.ADMIN)
def users():
    """List the accounts."""
    stmt = select(User).outerjoin(User.team).order_by(french_order(User.name), User.id)
    page = paginate(stmt, request.args.get("page", 1, type=id_param))
    return render_template("auth/users.html", page=page)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user_form(user_id: int | None = None):
    """Create or edit an account."""
    user = get_or_404(User, user_id) if user_id else None
    form = UserForm(obj=user, user=user)
    if saved(form, lambda: save_user(user or User(), form.values())):
        flash("Utilisateur enregistré.", "success")
        return redirect(url_for("auth.users"))
    return _form_page("auth/user_form.html", form, user, USER_HISTORY_VALUES, user=user)


@bp.route("/admin/teams")
@role_required(Role.ADMIN)
def teams():
    """The team hierarchy, as an indented list."""
    rows = db.session.scalars(select(Team).order_by(Team.path)).all()
    return render_template("auth/teams.html", teams=rows)


@bp.route("/admin/teams/new", methods=["GET", "POST"])
@bp.route("/admin/teams/<int:team_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def team_form(team_id: int | None = None):
    """Create a team, rename it or move it in the hierarchy."""
    team = get_or_404(Team, team_id) if team_id else None
    form = TeamForm(obj=team, team=team)
    if request.method == "GET" and team and team.parent_id is None:
        form.parent_id.data = 0
    if saved(form, lambda: save_team(team or Team(), form.values())):
        flash("Équipe enregistrée.", "success")
        return redirect(url_for("auth.teams"))
    return _form_page("auth/team_form.html", form, team, TEAM_HISTORY_VALUES, team=team)
