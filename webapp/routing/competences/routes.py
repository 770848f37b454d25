"""The competence table (managers, and the desk reading it), an advisor's line, the
coverage per team, and the routing data and settings (admin)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp.auth.decorators import role_required
from webapp.auth.models import Role, User
from webapp.auth.scope import get_or_404
from webapp.extensions import db
from webapp.forms import saved
from webapp.routing import bp, queries
from webapp.routing.competences import queries as table
from webapp.routing.competences import services
from webapp.routing.competences.forms import NameForm, ProfileForm, SettingsForm
from webapp.routing.models import ClientRequestType, Company


def _readers_only():
    if not queries.sees_table(current_user):
        abort(403)


@bp.route("/competences")
@login_required
def competences():
    """Le tableau des compétences: sectors, competences, conditions, volunteers, scores."""
    _readers_only()
    return render_template("routing/competences.html", lines=table.lines(current_user),
                           types=queries.types(), companies=queries.companies(),
                           may_edit=queries.manages_table(current_user))


@bp.route("/coverage")
@login_required
def coverage():
    """Per team, the types and companies no volunteer covers."""
    _readers_only()
    return render_template("routing/coverage.html", gaps=table.coverage(current_user))


def _profile_form(advisor: User) -> ProfileForm:
    types, companies = queries.types(), queries.companies()
    if request.method == "POST":
        return ProfileForm(types=types, companies=companies)
    profile = services.profile_of(advisor)
    data = {} if profile is None else {
        "volunteer": profile.volunteer, "sectors": profile.sectors,
        "certified": profile.certified, "max_open": profile.max_open,
        "competences": [f"{c.type_id}-{c.company_id}" for c in profile.competences]}
    return ProfileForm(formdata=None, data=data, types=types, companies=companies)


@bp.route("/competences/<int:user_id>", methods=["GET", "POST"])
@login_required
def edit_profile(user_id: int):
    """An advisor's line of the table (a manager of theirs, or the admin)."""
    if not queries.manages_table(current_user):
        abort(403)
    advisor = get_or_404(User, user_id)
    form = _profile_form(advisor)
    if saved(form, lambda: services.save_profile(advisor,
                                                                               form.values())):
        flash(f"Ligne de {advisor.name} enregistrée.", "success")
        return redirect(url_for("routing.competences"))
    return render_template("routing/profile_form.html", form=form, advisor=advisor), \
        422 if form.errors else 200


def _settings_page(status=200, **forms):
    rules = queries.score_rules()
    settings = queries.settings()
    context = {
        "settings_form": SettingsForm(formdata=None, obj=settings, rules=rules),
        "type_form": NameForm(formdata=None, prefix="type"),
        "company_form": NameForm(formdata=None, prefix="company"),
        "types": queries.types(False), "companies": queries.companies(False), "rules": rules,
    } | forms
    return render_template("routing/settings.html", **context), status


@bp.route("/settings")
@role_required(Role.ADMIN)
def settings():
    """Request types, companies, the bonus/malus points, the follow-up and boosters."""
    return _settings_page()


@bp.route("/settings", methods=["POST"])
@role_required(Role.ADMIN)
def save_settings():
    """Save the settings and the points of every rule."""
    form = SettingsForm(rules=queries.score_rules())
    points = form.points(request.form)
    if form.validate_on_submit() and not form.points_errors and saved(
            form, lambda: services.save_settings(queries.settings(), form.values(points))):
        flash("Paramètres enregistrés.", "success")
        return redirect(url_for("routing.settings"))
    return _settings_page(422, settings_form=form)


def _save_named(model, object_id: int, prefix: str):
    """A request type or a company, new (id 0) or changed."""
    current = db.session.get(model, object_id) if object_id else None
    if object_id and current is None:
        abort(404)
    form = NameForm(prefix=prefix)
    if model is ClientRequestType:
        write = lambda: services.save_type(  # noqa: E731
            current, form.name.data, form.ends_contract.data, form.needs_certification.data,
            form.active.data)
    else:
        write = lambda: services.save_company(current, form.name.data, form.active.data)  # noqa: E731
    if saved(form, write):
        flash(f"« {form.name.data.strip()} » enregistré.", "success")
        return redirect(url_for("routing.settings"))
    return _settings_page(422, **{f"{prefix}_form": form})


@bp.route("/settings/types/<int:routing_type_id>", methods=["POST"])
@role_required(Role.ADMIN)
def save_type(routing_type_id: int):
    """Add (id 0) or change a request type."""
    return _save_named(ClientRequestType, routing_type_id, "type")


@bp.route("/settings/companies/<int:company_id>", methods=["POST"])
@role_required(Role.ADMIN)
def save_company(company_id: int):
    """Add (id 0) or change a company."""
    return _save_named(Company, company_id, "company")
