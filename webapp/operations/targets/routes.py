"""The clients of an operation (« Liste des clients concernés par l'opération »): list,
add one client, add a client query's result, remove; the client file's operations."""


from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from webapp import clock
from webapp.auth.scope import get_or_404
from webapp.clients.forms import branch_choices
from webapp.clients.models import Client, Language
from webapp.clients.selection.queries import visible_queries
from webapp.clients.selection.rules import Criteria
from webapp.clients.selection.rules import criteria_from as read_criteria
from webapp.errors import Refused
from webapp.htmx import is_htmx, render
from webapp.ids import id_param
from webapp.operations import bp
from webapp.operations.models import Operation, Target
from webapp.operations.rules import TargetRight, can_add_targets
from webapp.operations.targets import queries, services
from webapp.operations.targets.forms import BulkTargetForm, ClientTargetForm, TargetForm
from webapp.operations.targets.services import may_edit_targets, right
from webapp.pagination import paginate


def _editable_or_403(operation: Operation) -> None:
    """Removing clients: the manage right, or running the operation."""
    if not may_edit_targets(current_user, operation):
        abort(403)


def _addable_or_403(operation: Operation) -> None:
    """Adding clients: also an advisor who takes part (their own clients)."""
    if right(current_user, operation) is None:
        abort(403)


def _page(operation: Operation, block: str = "targets_list", status: int = 200,
          form: TargetForm | None = None, bulk: BulkTargetForm | None = None,
          criteria: Criteria | None = None):
    """The targets page (or one of its blocks): every path gets its context here."""
    advisor_id = request.args.get("advisor_id", 0, type=id_param)
    page = paginate(queries.target_rows(operation.id, advisor_id),
                    request.args.get("page", 1, type=int))
    granted = right(current_user, operation)
    preview = (queries.bulk_preview(operation.id, criteria,
                                    current_user if granted == TargetRight.OWN else None)
               if criteria is not None and granted else None)
    criteria = criteria or Criteria()
    return render(
        "operations/targets.html", block, status=status, operation=operation, page=page,
        advisor_id=advisor_id, advisors=queries.target_advisors(operation.id),
        totals=queries.target_totals(operation.id, advisor_id),
        contacted=queries.contacted([t.id for t in page.items]),
        editable=granted == TargetRight.ALL, can_add=granted is not None,
        open_for_clients=can_add_targets(operation.archived),
        form=form or TargetForm(operation=operation, formdata=None),
        bulk=bulk or BulkTargetForm(formdata=None, prefix="bulk"), criteria=criteria,
        preview=preview, saved_queries=visible_queries(current_user),
        branches=branch_choices("Toutes"), client_advisors=queries.assignable_advisors(),
        languages=Language.choices(), today=clock.today())


@bp.route("/<int:operation_id>/targets")
@login_required
def targets(operation_id: int):
    """« Liste des clients concernés par l'opération », filtered by advisor."""
    operation = get_or_404(Operation, operation_id)
    return _page(operation)


@bp.route("/<int:operation_id>/targets", methods=["POST"])
@login_required
def add_target(operation_id: int):
    """Add one client (picked, or created in the picker's dialog) to the operation."""
    operation = get_or_404(Operation, operation_id)
    _addable_or_403(operation)
    form = TargetForm(operation=operation)
    if not form.validate_on_submit():
        return _page(operation, "add_form", status=422, form=form)
    try:
        target = services.add_target(operation, form.client, form.advisor_id.data or None,
                                     form.potential.data, form.entry_date.data, current_user)
    except Refused as refused:
        return _refused_page(operation_id, "add_form", refused, form=form)
    flash(f"{target.client.full_name} a été ajouté(e) à l'opération.", "success")
    return redirect(url_for("operations.targets", operation_id=operation.id))


def _refused_page(operation_id: int, block: str, refused: Refused, **forms):
    """The form again with the service's refusal (the operation read again: a refusal
    after a race rolled the transaction back)."""
    form = forms.get("form") or forms["bulk"]
    form.form_errors.append(refused.message)
    return _page(get_or_404(Operation, operation_id), block, status=refused.status, **forms)


@bp.route("/<int:operation_id>/targets/bulk")
@login_required
def bulk_preview(operation_id: int):
    """How many clients a client query adds (the « Ajouter les N clients » button)."""
    operation = get_or_404(Operation, operation_id)
    _addable_or_403(operation)
    return _page(operation, "bulk", criteria=read_criteria(request.args))


@bp.route("/<int:operation_id>/targets/bulk", methods=["POST"])
@login_required
def add_targets_bulk(operation_id: int):
    """Add every client a client query matches, in one transaction."""
    operation = get_or_404(Operation, operation_id)
    _addable_or_403(operation)
    form = BulkTargetForm(prefix="bulk")
    criteria = read_criteria(request.form)
    if not form.validate_on_submit():
        return _page(operation, "bulk", status=422, bulk=form, criteria=criteria)
    try:
        result = services.add_targets_bulk(operation, criteria, form.potential.data,
                                           form.entry_date.data, current_user)
    except Refused as refused:
        return _refused_page(operation_id, "bulk", refused, bulk=form, criteria=criteria)
    skipped = f" ; {result.skipped} déjà présent(s), ignoré(s)" if result.skipped else ""
    flash(f"{result.added} client(s) ajouté(s) à l'opération{skipped}.", "success")
    return redirect(url_for("operations.targets", operation_id=operation.id))


@bp.route("/targets/<int:target_id>/remove", methods=["GET", "POST"])
@login_required
def remove_target(target_id: int):
    """Take a client out of the operation, after a confirmation that counts what goes."""
    target = get_or_404(Target, target_id)
    operation = target.operation
    _editable_or_403(operation)
    if request.method == "POST":
        name = target.client.full_name
        services.remove_target(target)
        flash(f"{name} a été retiré(e) de l'opération.", "success")
        return redirect(url_for("operations.targets", operation_id=operation.id))
    records, files = queries.records_of(target)
    return render("operations/target_remove.html", "confirm", target=target,
                  records=records, files=files)


def _client_section(client: Client, form: ClientTargetForm | None = None, status: int = 200):
    return render("operations/client_targets.html", "section", status=status, client=client,
                  targets=queries.client_targets(client.id),
                  form=form or ClientTargetForm(client=client, user=current_user,
                                                formdata=None),
                  today=clock.today())


@bp.route("/clients/<int:client_id>")
@login_required
def client_targets(client_id: int):
    """A client file's « Opérations commerciales » section (loaded into the file)."""
    return _client_section(get_or_404(Client, client_id))


@bp.route("/clients/<int:client_id>", methods=["POST"])
@login_required
def add_client_target(client_id: int):
    """« Ajouter à une opération » from the client file; then its follow-up opens."""
    client = get_or_404(Client, client_id)
    form = ClientTargetForm(client=client, user=current_user)
    if not form.validate_on_submit():
        return _client_section(client, form, status=422)
    try:
        target = services.add_target(form.operation, client, form.advisor_id.data or None,
                                     form.potential.data, form.entry_date.data, current_user)
    except Refused as refused:
        form.form_errors.append(refused.message)
        return _client_section(get_or_404(Client, client_id), form, status=refused.status)
    url = url_for("operations.timeline", target_id=target.id)
    return ("", 204, {"HX-Redirect": url}) if is_htmx() else redirect(url)
