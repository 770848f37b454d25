"""Operations' set-up (seed 004, « Mise en place »): the list, the operation form, the
objective split over advisors, the steps with their actions and documents."""

from functools import wraps

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from webapp import clock
from webapp.auth.scope import get_or_404, scoped
from webapp.errors import Refused
from webapp.extensions import db
from webapp.htmx import render
from webapp.operations import bp, history
from webapp.operations.models import (
    AdvisorObjective,
    Operation,
    Step,
    StepAction,
    StepDocument,
    StepKind,
)
from webapp.operations.rules import can_delete_operation
from webapp.operations.setup.forms import (
    ActionForm,
    DocumentForm,
    NewOperationForm,
    NewShareForm,
    OperationForm,
    SaleStepForm,
    ShareForm,
    StepForm,
)
from webapp.operations.setup.queries import (
    STATUS_FILTERS,
    manages,
    operation_page,
    share_rows,
    started_targets,
    target_counts,
)
from webapp.operations.setup.services import (
    add_action,
    add_document,
    add_share,
    add_step,
    clear_shares,
    create_operation,
    delete_operation,
    delete_step,
    duplicate_operation,
    remove_action,
    remove_document,
    remove_share,
    renumber_steps,
    reorder_operations,
    save_operation,
    save_share,
    save_step,
    set_archived,
    set_sale_step,
)
from webapp.ordering import posted_ids
from webapp.uploads import UploadError, serve, store

CLOSE_DIALOG = {"HX-Trigger": "pilote:close-dialog"}


def manage_required(view):
    """Signed in with the right « Gestion des opérations commerciales », else 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.manage_operations:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def managed_or_404(operation_id: int) -> Operation:
    """An operation the viewer sees (else 404) and may set up (else 403): the manage
    right applies to the operations run by the viewer or someone under them; admins
    set up all of them."""
    operation = get_or_404(Operation, operation_id)
    if not manages(current_user, operation):
        abort(403)
    return operation


def _child_or_404(model, child_id: int, parent: str, parent_id: int):
    """A row of ``model`` whose ``parent`` column is ``parent_id`` (another operation's
    or step's row is not found)."""
    child = db.session.get(model, child_id)
    if child is None or getattr(child, parent) != parent_id:
        abort(404)
    return child


def _step_of(operation: Operation, step_id: int) -> Step:
    return _child_or_404(Step, step_id, "operation_id", operation.id)


# --- The list ------------------------------------------------------------------------

@bp.route("/")
@login_required
def index():
    """The operations the viewer sees, filtered by status, in their manual order."""
    wanted = request.args.get("statut", "")
    if wanted not in dict(STATUS_FILTERS):
        wanted = ""
    today = clock.today()
    page = operation_page(wanted, request.args.get("page", 1, type=int), today)
    return render("operations/index.html", "results", page=page, wanted=wanted,
                  filters=STATUS_FILTERS, today=today,
                  targets=target_counts([o.id for o in page.items]))


@bp.route("/reorder", methods=["POST"])
@manage_required
def reorder():
    """Persist the order the list was dragged into (its ids, top first)."""
    ids = posted_ids()
    visible = set(db.session.scalars(
        scoped(select(Operation.id), Operation).where(Operation.id.in_(ids))))
    if visible != set(ids):
        abort(404)
    reorder_operations(ids)
    return "", 204


# --- The operation -------------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@manage_required
def create():
    """Create an operation with its first step, the sale step; steps follow on edit."""
    form = NewOperationForm()
    if form.validate_on_submit():
        operation = create_operation(*form.values(), current_user.id)
        flash("Opération créée. Ajoutez ses autres étapes et répartissez son objectif.",
              "success")
        return redirect(url_for("operations.edit", operation_id=operation.id))
    return render_template("operations/form.html", form=form, operation=None, conflict=False,
                           can_delete=False, allocated=None), 422 if form.errors else 200


def _edit_page(operation: Operation, form: OperationForm, conflict: bool = False,
               code: int = 200):
    started = started_targets(operation)
    return render_template(
        "operations/form.html", form=form, conflict=conflict, today=clock.today(),
        can_delete=can_delete_operation(started), allocated=share_rows(operation)[1],
        **history.of_operation(operation), **_panel(operation)), code


@bp.route("/<int:operation_id>/edit", methods=["GET", "POST"])
@manage_required
def edit(operation_id: int):
    """Edit an operation; a concurrent change answers 409 with what was typed kept."""
    operation = managed_or_404(operation_id)
    form = OperationForm(obj=operation, responsible_id=operation.responsible_id)
    if request.method == "GET":
        form.version.data = operation.version
    if not form.validate_on_submit():
        return _edit_page(operation, form, code=422 if form.errors else 200)
    try:
        save_operation(operation, form.values(), form.version.data or "")
    except Refused as refused:
        return _edit_refused(operation_id, form, refused)
    flash("Opération enregistrée.", "success")
    return redirect(url_for("operations.edit", operation_id=operation.id))


def _edit_refused(operation_id: int, form: OperationForm, refused: Refused):
    """The form again with what was typed: after a conflict (409) with the fresh version,
    so saving again now overwrites, knowingly."""
    operation = get_or_404(Operation, operation_id)
    conflict = refused.status == 409
    if conflict:
        form.version.data = operation.version
    else:
        form.form_errors.append(refused.message)
    return _edit_page(operation, form, conflict, refused.status)


@bp.route("/<int:operation_id>/duplicate", methods=["POST"])
@manage_required
def duplicate(operation_id: int):
    """Copy an operation (steps, actions, shares; no clients) and open the copy."""
    copy = duplicate_operation(managed_or_404(operation_id), current_user)
    flash("Opération dupliquée : modifiez les dates de la copie.", "success")
    return redirect(url_for("operations.edit", operation_id=copy.id))


@bp.route("/<int:operation_id>/archive", methods=["POST"])
@manage_required
def archive(operation_id: int):
    """Archive (archived=1) or bring back (archived=0) an operation."""
    operation = managed_or_404(operation_id)
    archived = request.form.get("archived") == "1"
    set_archived(operation, archived)
    flash("Opération archivée." if archived else "Opération désarchivée.", "success")
    return redirect(url_for("operations.edit", operation_id=operation.id))


@bp.route("/<int:operation_id>/delete", methods=["POST"])
@manage_required
def delete(operation_id: int):
    """Delete an operation that no client has started."""
    operation = managed_or_404(operation_id)
    try:
        delete_operation(operation)
    except Refused as refused:
        db.session.rollback()
        flash(str(refused), "danger")
        return redirect(url_for("operations.edit", operation_id=operation_id))
    flash("Opération supprimée.", "success")
    return redirect(url_for("operations.index"))


# --- « Répartir sur les conseillers… » ------------------------------------------------

def _shares_panel(operation: Operation, new_form=None, row_forms=None, code: int = 200):
    rows, allocated = share_rows(operation)
    row_forms = row_forms or {}
    forms = {row.share.id: row_forms.get(row.share.id) or ShareForm(
        obj=row.share, formdata=None, prefix=f"share-{row.share.id}") for row in rows}
    new_form = new_form or NewShareForm(operation=operation, formdata=None,
                                        prefix="new-share")
    return render_template("operations/_shares.html", operation=operation, rows=rows,
                           forms=forms, new_form=new_form, allocated=allocated), code


def _share_of(operation: Operation, share_id: int) -> AdvisorObjective:
    return _child_or_404(AdvisorObjective, share_id, "operation_id", operation.id)


@bp.route("/<int:operation_id>/shares")
@manage_required
def shares(operation_id: int):
    """The dialog's content: the advisors' shares, the total and the remainder."""
    return _shares_panel(managed_or_404(operation_id))


@bp.route("/<int:operation_id>/shares", methods=["POST"])
@manage_required
def new_share(operation_id: int):
    """Add an advisor with a share in € or in %."""
    operation = managed_or_404(operation_id)
    form = NewShareForm(operation=operation, prefix="new-share")
    if not form.validate_on_submit():
        return _shares_panel(operation, new_form=form, code=422)
    try:
        add_share(operation, form.advisor_id.data, form.share())
    except Refused as refused:
        form.form_errors.append(refused.message)
        return _shares_panel(operation, new_form=form, code=refused.status)
    return _shares_panel(operation)


@bp.route("/<int:operation_id>/shares/<int:share_id>", methods=["POST"])
@manage_required
def update_share(operation_id: int, share_id: int):
    """Change one advisor's share; the panel comes back with the new remainder."""
    operation = managed_or_404(operation_id)
    share = _share_of(operation, share_id)
    form = ShareForm(prefix=f"share-{share.id}")
    if not form.validate_on_submit():
        return _shares_panel(operation, row_forms={share.id: form}, code=422)
    save_share(share, form.share())
    return _shares_panel(operation)


@bp.route("/<int:operation_id>/shares/<int:share_id>/delete", methods=["POST"])
@manage_required
def delete_share(operation_id: int, share_id: int):
    """Remove an advisor: their share returns to « Reste à répartir »."""
    operation = managed_or_404(operation_id)
    remove_share(_share_of(operation, share_id))
    return _shares_panel(operation)


@bp.route("/<int:operation_id>/shares/clear", methods=["POST"])
@manage_required
def clear_all_shares(operation_id: int):
    """« Tout supprimer »."""
    operation = managed_or_404(operation_id)
    clear_shares(operation)
    return _shares_panel(operation)


# --- Steps ---------------------------------------------------------------------------

def _panel(operation: Operation, **extra) -> dict:
    """What operations/_steps.html needs (the steps card)."""
    return {"operation": operation, "panel_error": "", "oob": False, "version_oob": False,
            "refresh_panel": False,
            "sale_form": SaleStepForm(operation=operation, formdata=None)} | extra


def _steps_panel(operation: Operation, code: int = 200, headers=None, error: str = ""):
    """The steps card, with, out of band, the edit form's version (the sale step is a
    column of the operation: choosing it must not make the open form look stale)."""
    db.session.refresh(operation)
    body = render_template("operations/_steps.html",
                           **_panel(operation, panel_error=error, version_oob=True))
    return body, code, headers or {}


def _step_dialog(operation: Operation, step: Step | None, form: StepForm, code: int = 200,
                 saved: bool = False, error: str = "", refresh_panel: bool = False):
    return render_template(
        "operations/_step_dialog.html", step=step, form=form, saved=saved, error=error,
        action_form=ActionForm(formdata=None, prefix="action"),
        document_form=DocumentForm(formdata=None, prefix="document"), task=StepKind.TASK,
        **_panel(operation, refresh_panel=refresh_panel)), code


@bp.route("/<int:operation_id>/steps/new", methods=["GET", "POST"])
@manage_required
def new_step(operation_id: int):
    """Add a step (dialog); a task stays open for its actions and documents."""
    operation = managed_or_404(operation_id)
    form = StepForm(prefix="step")
    if not form.validate_on_submit():
        return _step_dialog(operation, None, form, 422 if form.errors else 200)
    try:
        step = add_step(operation, form.values())
    except Refused as refused:
        return _step_dialog(operation, None, form, refused.status, error=refused.message)
    db.session.refresh(operation)
    return _step_dialog(operation, step, StepForm(obj=step, formdata=None, prefix="step"),
                        saved=True, refresh_panel=True)


@bp.route("/<int:operation_id>/steps/<int:step_id>", methods=["GET", "POST"])
@manage_required
def edit_step(operation_id: int, step_id: int):
    """A step's settings, actions and documents (dialog)."""
    operation = managed_or_404(operation_id)
    step = _step_of(operation, step_id)
    form = StepForm(obj=step, prefix="step")
    if not form.validate_on_submit():
        return _step_dialog(operation, step, form, 422 if form.errors else 200)
    save_step(step, form.values())
    db.session.refresh(operation)
    return _step_dialog(operation, step, form, saved=True, refresh_panel=True)


@bp.route("/<int:operation_id>/steps/<int:step_id>/delete", methods=["POST"])
@manage_required
def remove_step(operation_id: int, step_id: int):
    """Delete a step no advisor validated; the dialog closes on success."""
    operation = managed_or_404(operation_id)
    step = _step_of(operation, step_id)
    try:
        delete_step(operation, step)
    except Refused as refused:
        return _step_dialog(operation, step, StepForm(obj=step, formdata=None, prefix="step"),
                            refused.status, error=refused.message)
    return _steps_panel(operation, headers={"HX-Retarget": "#steps-panel",
                                            "HX-Reswap": "outerHTML", **CLOSE_DIALOG})


@bp.route("/<int:operation_id>/steps/reorder", methods=["POST"])
@manage_required
def reorder_steps(operation_id: int):
    """Persist the steps' dragged order (all of the operation's step ids, first first)."""
    operation = managed_or_404(operation_id)
    renumber_steps(operation, posted_ids({s.id for s in operation.steps}))
    return _steps_panel(operation)


@bp.route("/<int:operation_id>/sale-step", methods=["POST"])
@manage_required
def sale_step(operation_id: int):
    """Choose the sale step among the steps."""
    operation = managed_or_404(operation_id)
    form = SaleStepForm(operation=operation)
    if not form.validate_on_submit():
        return _steps_panel(operation, 422, error="Choisissez une des étapes.")
    set_sale_step(operation, _step_of(operation, form.sale_step_id.data))
    return _steps_panel(operation)


@bp.route("/<int:operation_id>/steps/<int:step_id>/actions", methods=["POST"])
@manage_required
def new_action(operation_id: int, step_id: int):
    """Add an action (sub-task) to a task step."""
    operation = managed_or_404(operation_id)
    step = _step_of(operation, step_id)
    form = ActionForm(prefix="action")
    if form.validate_on_submit():
        add_action(step, form.values())
        db.session.refresh(step)
        form = ActionForm(formdata=None, prefix="action")
    return render_template("operations/_step_actions.html", step=step, action_form=form,
                           **_panel(operation, refresh_panel=True)), 422 if form.errors else 200


@bp.route("/<int:operation_id>/steps/<int:step_id>/actions/<int:action_id>/delete",
          methods=["POST"])
@manage_required
def delete_action(operation_id: int, step_id: int, action_id: int):
    """Remove an action from a task step."""
    operation = managed_or_404(operation_id)
    step = _step_of(operation, step_id)
    action = _child_or_404(StepAction, action_id, "step_id", step.id)
    remove_action(action)
    db.session.refresh(step)
    return render_template("operations/_step_actions.html", step=step,
                           action_form=ActionForm(formdata=None, prefix="action"),
                           **_panel(operation, refresh_panel=True))


def _document_of(operation: Operation, step_id: int, document_id: int) -> StepDocument:
    return _child_or_404(StepDocument, document_id, "step_id", _step_of(operation, step_id).id)


@bp.route("/<int:operation_id>/steps/<int:step_id>/documents", methods=["POST"])
@manage_required
def new_document(operation_id: int, step_id: int):
    """Attach a document to a task step."""
    operation = managed_or_404(operation_id)
    step = _step_of(operation, step_id)
    form = DocumentForm(prefix="document")
    if form.validate_on_submit():
        try:
            add_document(step, store(form.file.data, "document"))
        except UploadError as error:
            form.file.errors.append(str(error))
        else:
            form = DocumentForm(formdata=None, prefix="document")
    return render_template("operations/_step_documents.html", step=step, document_form=form,
                           **_panel(operation, refresh_panel=True)), 422 if form.errors else 200


@bp.route("/<int:operation_id>/steps/<int:step_id>/documents/<int:document_id>")
@login_required
def document(operation_id: int, step_id: int, document_id: int):
    """Download a step's document (anyone who sees the operation)."""
    found = _document_of(get_or_404(Operation, operation_id), step_id, document_id)
    return serve(found.stored_name, found.original, found.mimetype)


@bp.route("/<int:operation_id>/steps/<int:step_id>/documents/<int:document_id>/delete",
          methods=["POST"])
@manage_required
def delete_document(operation_id: int, step_id: int, document_id: int):
    """Detach a document from a task step."""
    operation = managed_or_404(operation_id)
    found = _document_of(operation, step_id, document_id)
    step = _step_of(operation, step_id)
    remove_document(found)
    db.session.refresh(step)
    return render_template("operations/_step_documents.html", step=step,
                           document_form=DocumentForm(formdata=None, prefix="document"),
                           **_panel(operation, refresh_panel=True))
