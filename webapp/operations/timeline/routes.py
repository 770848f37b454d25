"""The per-client timeline (« Suivi du client »): the advisor's cockpit for one target.

Every change answers with the cockpit (htmx, retargeted) or a redirect (no JavaScript); a
refused form answers 422 with the form, what was typed and the French messages.
"""


from flask import abort, redirect, request, url_for
from flask_login import current_user, login_required

from webapp import clock, uploads
from webapp.auth.scope import get_or_404
from webapp.concurrency import Conflict
from webapp.errors import Refused
from webapp.htmx import is_htmx, render
from webapp.operations import bp, history
from webapp.operations.models import RecordStatus, StepKind, Target
from webapp.operations.timeline import services
from webapp.operations.timeline.forms import (
    AccountsForm,
    AttachmentForm,
    ConclusionForm,
    EventForm,
    StepRecordForm,
    VersionForm,
)
from webapp.operations.timeline.queries import (
    attachment_of,
    attachments,
    client_accounts,
    conclusion_kinds,
    progress,
    record_of,
)

PAGE = "operations/timeline.html"


def _conclusion_form(target: Target, formdata=None) -> ConclusionForm:
    data = {"version": target.version, "conclusion_date": clock.today()}
    if formdata is None:
        return ConclusionForm(formdata=None, data=data, target=target,
                              kinds=conclusion_kinds())
    return ConclusionForm(target=target, kinds=conclusion_kinds())


def _accounts_form(target: Target, formdata=None) -> AccountsForm | None:
    if not (target.concluded and target.success):
        return None
    if formdata is None:
        return AccountsForm(formdata=None, accounts=client_accounts(target),
                            data={"accounts": [a.id for a in target.accounts]})
    return AccountsForm(accounts=client_accounts(target))


def _context(target: Target, prog=None, **forms) -> dict:
    """Everything the page and its blocks show: one function for both paths."""
    prog = prog or progress(target)
    context = {
        "target": target, "progress": prog, "authors": prog.authors,
        "attachments": attachments(target), "step_kinds": StepKind,
        "record_form": None, "record_action": None, "record_title": None,
        "attachment_form": AttachmentForm(formdata=None), "message": None,
        "conclusion_message": None,
    }
    context |= forms
    if "conclusion_form" not in forms:
        context["conclusion_form"] = (None if target.concluded
                                      else _conclusion_form(target))
    if "accounts_form" not in forms:
        context["accounts_form"] = _accounts_form(target)
    return context


def _step_form(target, prog, step, record=None, formdata=True):
    """The form of one step, with its action URL and title."""
    kwargs = {} if formdata else {"formdata": None}
    if record is None and not formdata:
        kwargs["data"] = {"day": clock.today()}
    form = StepRecordForm(step=step, progress=prog, record=record, **kwargs)
    action = (url_for("operations.edit_record", target_id=target.id, record_id=record.id)
              if record else url_for("operations.create_record", target_id=target.id,
                                     step_id=step.id))
    title = f"{step.position}. {step.name} ({step.kind_label})"
    return {"record_form": form, "record_action": action, "record_title": title}


def _event_form(target, record=None, formdata=True):
    kwargs = {} if formdata else {"formdata": None}
    if record is None and not formdata:
        kwargs["data"] = {"day": clock.today()}
    form = EventForm(record=record, **kwargs)
    action = (url_for("operations.edit_record", target_id=target.id, record_id=record.id)
              if record else url_for("operations.create_event", target_id=target.id))
    return {"record_form": form, "record_action": action,
            "record_title": "Événement non prévu"}


def _saved(target: Target, then: str | None = None, **context):
    """After a change: the cockpit (htmx) or the page again (PRG)."""
    if not is_htmx():
        return redirect(then or url_for("operations.timeline", target_id=target.id))
    body, code, headers = render(PAGE, "cockpit", **_context(target, **context))
    headers |= {"HX-Retarget": "#cockpit", "HX-Reswap": "outerHTML"}
    return body, code, headers


def _step_or_404(prog, step_id: int):
    step = prog.step(step_id)
    if step is None:
        abort(404)
    return step


@bp.route("/targets/<int:target_id>")
@login_required
def timeline(target_id: int):
    """The client's follow-up in one operation: plan, records, events, conclusion."""
    target = get_or_404(Target, target_id)
    return render(PAGE, "cockpit", **_context(target))


@bp.route("/targets/<int:target_id>/history")
@login_required
def follow_up_history(target_id: int):
    """The follow-up's change history (the target and its records), loaded into the page."""
    target = get_or_404(Target, target_id)
    return render("operations/follow_up_history.html", "history", target=target,
                  **history.of_follow_up(target, [r.id for r in progress(target).records]))


@bp.route("/targets/<int:target_id>/add")
@login_required
def add_form(target_id: int):
    """« Ajouter »: the form of the chosen step (by its kind) or of an unplanned event."""
    target = get_or_404(Target, target_id)
    prog = progress(target)
    # Without a choice, « la première étape prévue … ou bien l'étape qui suit ».
    choice = request.args.get("choice", "") or str(prog.proposed or "event")
    if choice == "event":
        forms = _event_form(target, formdata=False)
    elif choice.isdigit():
        forms = _step_form(target, prog, _step_or_404(prog, int(choice)), formdata=False)
    else:
        abort(404)
    refusal = (services.refusal(target, prog, forms["record_form"].step)
               if choice != "event" else None)
    return render(PAGE, "record_panel", status=422 if refusal else 200,
                  **_context(target, prog, message=refusal, **forms))


@bp.route("/targets/<int:target_id>/steps/<int:step_id>/records", methods=["POST"])
@login_required
def create_record(target_id: int, step_id: int):
    """Record a step; refused while an earlier mandatory step is missing."""
    target = get_or_404(Target, target_id)
    prog = progress(target)
    step = _step_or_404(prog, step_id)
    forms = _step_form(target, prog, step)
    form = forms["record_form"]
    if not form.validate_on_submit():
        return _record_panel(target, prog, forms)
    try:
        record = services.record_step(target, step, form.values(), current_user.id, prog)
    except Refused as refused:
        return _record_panel(target, prog, forms, refused)
    return _after_step(target, record)


def _record_panel(target: Target, prog, forms: dict, refused: Refused | None = None):
    """The record's form again, with the fields' errors or the service's refusal."""
    if refused is not None:
        form, name = forms["record_form"], getattr(refused, "field", None)
        errors = form[name].errors if name and name in form else form.form_errors
        errors.append(refused.message)
    return render(PAGE, "record_panel", status=refused.status if refused else 422,
                  **_context(target, prog, **forms))


def _after_step(target: Target, record):
    """« Proposer l'étape suivante à la validation »: a step done whose ``propose_next``
    is set opens the form of the proposed step at once."""
    prog = progress(target)
    proposed = prog.step(prog.proposed) if prog.proposed else None
    if not (record.status == RecordStatus.DONE and record.step.propose_next and proposed):
        return _saved(target, prog=prog)
    then = url_for("operations.add_form", target_id=target.id, choice=proposed.id)
    return _saved(target, then, prog=prog,
                  **_step_form(target, prog, proposed, formdata=False))


@bp.route("/targets/<int:target_id>/events", methods=["POST"])
@login_required
def create_event(target_id: int):
    """Record an unplanned event (an extra meeting…)."""
    target = get_or_404(Target, target_id)
    forms = _event_form(target)
    if not forms["record_form"].validate_on_submit():
        return _record_panel(target, None, forms)
    try:
        services.record_event(target, forms["record_form"].values(), current_user.id)
    except Refused as refused:
        return _record_panel(target, None, forms, refused)
    return _saved(target)


def _record_forms(target: Target, prog, record) -> dict:
    """The form of an existing record: an event's, or its step's (posted data on POST)."""
    posted = request.method == "POST"
    if record.step_id is None:
        return _event_form(target, record, formdata=posted)
    return _step_form(target, prog, record.step, record, formdata=posted)


@bp.route("/targets/<int:target_id>/records/<int:record_id>", methods=["GET", "POST"])
@login_required
def edit_record(target_id: int, record_id: int):
    """Change a record: planned → done, more actions checked, notes."""
    target = get_or_404(Target, target_id)
    record = record_of(target, record_id) or abort(404)
    prog = progress(target)
    forms = _record_forms(target, prog, record)
    form = forms["record_form"]
    if request.method == "GET":
        return render(PAGE, "record_panel", **_context(target, prog, **forms))
    if not form.validate_on_submit():
        return _record_panel(target, prog, forms)
    try:
        if record.step_id is None:
            services.update_event(record, form.values())
            return _saved(target)
        services.update_step_record(record, form.values(), prog)
    except Refused as refused:
        return _record_panel(target, prog, forms, refused)
    return _after_step(target, record)


@bp.route("/targets/<int:target_id>/records/<int:record_id>/cancel", methods=["POST"])
@login_required
def cancel_record(target_id: int, record_id: int):
    """Cancel a record: the step is offered again."""
    target = get_or_404(Target, target_id)
    record = record_of(target, record_id) or abort(404)
    services.cancel_record(record)
    return _saved(target)


@bp.route("/targets/<int:target_id>/attachments", methods=["POST"])
@login_required
def upload_attachment(target_id: int):
    """Attach a document (PDF, PNG, JPEG; type sniffed from the content)."""
    target = get_or_404(Target, target_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        try:
            services.attach(target, form.file.data)
        except uploads.UploadError as error:
            form.file.errors.append(str(error))
        else:
            return _saved(target)
    return render(PAGE, "attachments_panel", status=422,
                  **_context(target, attachment_form=form))


@bp.route("/targets/<int:target_id>/attachments/<int:attachment_id>")
@login_required
def download_attachment(target_id: int, attachment_id: int):
    """Download an attachment of a target the viewer follows."""
    target = get_or_404(Target, target_id)
    attachment = attachment_of(target, attachment_id) or abort(404)
    return uploads.serve(attachment.stored_name, attachment.original, attachment.mimetype)


@bp.route("/targets/<int:target_id>/attachments/<int:attachment_id>/delete",
          methods=["POST"])
@login_required
def delete_attachment(target_id: int, attachment_id: int):
    """Remove an attachment."""
    target = get_or_404(Target, target_id)
    attachment = attachment_of(target, attachment_id) or abort(404)
    services.remove_attachment(attachment)
    return _saved(target)


def _conclusion_refused(target_id: int, form, refused: Refused, form_name: str):
    """The conclusion panel again with the refusal; after a conflict, with the fresh
    version (saving again is then deliberate)."""
    target = get_or_404(Target, target_id)
    if form is None:
        return render(PAGE, "conclusion_panel", status=refused.status,
                      **_context(target, conclusion_message=refused.message))
    form.form_errors.append(refused.message)
    form.version.data = target.version
    return render(PAGE, "conclusion_panel", status=refused.status,
                  **_context(target, **{form_name: form}))


@bp.route("/targets/<int:target_id>/conclusion", methods=["POST"])
@login_required
def conclude(target_id: int):
    """Conclude the operation for this client: success (green) or failure (red)."""
    target = get_or_404(Target, target_id)
    if target.concluded:  # concluded meanwhile: the panel shows the conclusion there is
        return _conclusion_refused(target_id, None, Conflict(services.STALE), "")
    form = _conclusion_form(target, formdata=True)
    if not form.validate_on_submit():
        return render(PAGE, "conclusion_panel", status=422,
                      **_context(target, conclusion_form=form))
    try:
        services.conclude(target, form.values(), form.version.data or "")
    except Refused as refused:
        return _conclusion_refused(target_id, form, refused, "conclusion_form")
    return _saved(target)


@bp.route("/targets/<int:target_id>/conclusion/reopen", methods=["POST"])
@login_required
def reopen(target_id: int):
    """Back to not concluded (the conclusion and its accounts are cleared)."""
    target = get_or_404(Target, target_id)
    if not target.concluded:
        return _saved(target)  # reopened meanwhile: show it as it is
    try:
        services.reopen(target, VersionForm().version.data or "")  # none posted: stale
    except Refused as refused:
        return _conclusion_refused(target_id, None, refused, "")
    return _saved(target)


@bp.route("/targets/<int:target_id>/accounts", methods=["POST"])
@login_required
def link_accounts(target_id: int):
    """Link a successful conclusion to the client's accounts."""
    target = get_or_404(Target, target_id)
    form = _accounts_form(target, formdata=True)
    if form is None:
        abort(409)  # « L'onglet Compte n'apparaît que … par un succès »
    if not form.validate_on_submit():
        return render(PAGE, "conclusion_panel", status=422,
                      **_context(target, accounts_form=form))
    chosen = set(form.accounts.data or [])
    services.link_accounts(target, [a for a in client_accounts(target) if a.id in chosen])
    return _saved(target)
