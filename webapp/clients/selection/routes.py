"""The query builder's pages: « Mes requêtes » (save, run, delete) and the actions on a
query's result (add to an operation, assign an advisor, export), each previewed, counted
and confirmed. The builder itself is the client list (``clients.routes.index``)."""

from urllib.parse import urlencode

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import clock
from webapp.auth.scope import get_or_404
from webapp.clients import bp
from webapp.clients.forms import advisor_choices, branch_choices
from webapp.clients.models import Language
from webapp.clients.selection import export, queries, services
from webapp.clients.selection.forms import AddToOperationForm, AssignForm, SaveQueryForm
from webapp.clients.selection.models import SavedQuery
from webapp.clients.selection.rules import (
    YES_NO,
    Criteria,
    Situation,
    TargetState,
    criteria_from,
    ticked_ids,
)
from webapp.errors import Refused
from webapp.forms import show_refusal
from webapp.htmx import render
from webapp.ids import id_param

MAX_TICKED = 500


read_criteria = criteria_from


def read_ticked(values) -> tuple[int, ...]:
    """The ticked rows' ids (none: the whole result)."""
    return ticked_ids(values.getlist("ticked")[:MAX_TICKED])


def list_url(criteria: Criteria, **extra) -> str:
    return url_for("clients.index") + "?" + urlencode([*criteria.as_args(), *extra.items()])


# --- Mes requêtes ----------------------------------------------------------------------

@bp.route("/queries")
@login_required
def saved_queries():
    """« Mes requêtes »: one's own and those shared with one's team."""
    rows = [(q, services.criteria_of(q)) for q in queries.visible_queries(current_user)]
    return render_template("clients/selection/queries.html", rows=rows,
                           list_url=list_url)


@bp.route("/queries", methods=["POST"])
@login_required
def save_query():
    """Save the builder's criteria under a name (private, or shared with one's team)."""
    criteria = read_criteria(request.form)
    form = SaveQueryForm()
    if form.validate_on_submit():
        try:
            saved = services.save_query(current_user, **form.values(), criteria=criteria)
        except Refused as refused:
            show_refusal(form, refused)
        else:
            flash(f"Requête « {saved.name} » enregistrée.", "success")
            return redirect(list_url(criteria, saved=saved.id))
    return render_template("clients/selection/save.html", form=form,
                           criteria=criteria), 422


@bp.route("/queries/<int:query_id>")
@login_required
def run_query(query_id: int):
    """Run a saved query: the client list with its criteria, read live."""
    query = get_or_404(SavedQuery, query_id)
    return redirect(list_url(services.criteria_of(query), saved=query.id))


@bp.route("/queries/<int:query_id>/delete", methods=["GET", "POST"])
@login_required
def delete_query(query_id: int):
    """Delete one's saved query, after a confirmation."""
    query = get_or_404(SavedQuery, query_id)
    if query.owner_id != current_user.id:
        abort(403)
    if request.method == "POST":
        services.delete_query(current_user, query)
        flash(f"Requête « {query.name} » supprimée.", "success")
        return redirect(url_for("clients.saved_queries"))
    return render_template("clients/selection/delete.html", query=query)


# --- Actions on the result -------------------------------------------------------------

def _action_page(template: str, form, criteria: Criteria, ticked, status=200, **context):
    """An action's page: its form, or its preview; ``again``: the form afresh."""
    again = url_for(request.endpoint) + "?" + urlencode(
        [*criteria.as_args(), *(("ticked", i) for i in ticked)])
    return render(template, "action", status=status, form=form, criteria=criteria,
                  ticked=ticked, matched=queries.count(criteria, ticked),
                  back=list_url(criteria), again=again,
                  **{"preview": None, "operation": None, **context})


@bp.route("/selection/operation", methods=["GET", "POST"])
@login_required
def add_to_operation():
    """Add the result (or the ticked rows) to an operation: choose, preview, confirm."""
    criteria, ticked = read_criteria(request.values), read_ticked(request.values)
    form = AddToOperationForm(user=current_user, formdata=request.form or None)
    if request.method == "GET":  # from an operation's page: that operation chosen
        form.operation_id.data = request.args.get("operation", 0, type=id_param)
    if request.method == "GET" or not form.validate():
        return _action_page("clients/selection/operation.html", form, criteria, ticked,
                            status=422 if form.errors else 200)
    return _add_or_preview(form, criteria, ticked)


def _add_or_preview(form: AddToOperationForm, criteria: Criteria, ticked):
    operation, values = form.operation, form.values()
    try:
        if values["expected"] is None:
            preview = services.preview_add(operation, criteria, ticked, current_user)
            return _action_page("clients/selection/operation.html", form, criteria, ticked,
                                preview=preview, operation=operation)
        result = services.add_to_operation(operation, criteria, ticked, current_user,
                                           potentials=None, **values)
    except Refused as refused:
        form.form_errors.append(refused.message)
        form.expected.data = None
        return _action_page("clients/selection/operation.html", form, criteria, ticked,
                            status=refused.status)
    skipped = f" ; {result.skipped} déjà présent(s), ignoré(s)" if result.skipped else ""
    flash(f"{result.added} client(s) ajouté(s) à l'opération « {operation.name} »"
          f"{skipped}.", "success")
    return redirect(url_for("operations.targets", operation_id=operation.id))


@bp.route("/selection/assign", methods=["GET", "POST"])
@login_required
def assign():
    """Give the result (or the ticked rows) to another advisor: managers, in their scope."""
    if not services.may_assign(current_user):
        abort(403)
    criteria, ticked = read_criteria(request.values), read_ticked(request.values)
    form = AssignForm(formdata=request.form or None)
    if request.method == "GET" or not form.validate():
        return _action_page("clients/selection/assign.html", form, criteria, ticked,
                            status=422 if form.errors else 200)
    return _assign_or_preview(form, criteria, ticked)


def _assign_or_preview(form: AssignForm, criteria: Criteria, ticked):
    values = form.values()
    try:
        if values["expected"] is None:
            preview = services.preview_assign(criteria, ticked, current_user,
                                              values["advisor_id"])
            return _action_page("clients/selection/assign.html", form, criteria, ticked,
                                preview=preview)
        changed = services.assign_clients(criteria, ticked, current_user, **values)
    except Refused as refused:
        show_refusal(form, refused)
        form.expected.data = None
        return _action_page("clients/selection/assign.html", form, criteria, ticked,
                            status=refused.status)
    flash(f"{changed} client(s) confiés à leur nouveau conseiller.", "success")
    return redirect(list_url(criteria))


@bp.route("/selection/export.<any(csv, xlsx):file_format>")
@login_required
def export_result(file_format: str):
    """The result (or the ticked rows) as CSV or Excel, streamed."""
    criteria, ticked = read_criteria(request.args), read_ticked(request.args)
    rows = queries.export_rows(criteria, ticked)
    name = f"clients-{clock.today().isoformat()}"
    return (export.csv_response if file_format == "csv" else export.xlsx_response)(rows, name)


def builder_context() -> dict:
    """The builder's options as (value, label) pairs; the ones read from the database are
    callables (the htmx block of results reads none)."""
    return {"branches": lambda: [(o.value, o.label) for o in branch_choices()[1:]],
            "advisors": lambda: [(o.value, o.label) for o in advisor_choices() if o.value],
            "teams": queries.team_choices,
            "languages": list(Language.labels().items()),
            "situations": Situation.LABELS, "stages": queries.stage_choices,
            "operations": queries.operation_choices,
            "products": lambda: [(p, p) for p in queries.product_choices()],
            "target_states": TargetState.LABELS, "yes_no": YES_NO,
            "may_assign": services.may_assign(current_user)}
