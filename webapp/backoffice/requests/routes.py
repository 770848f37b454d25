"""Requests to the BO: the queue (or « Mes demandes »), the intake form, one request with
its thread, attachments, workflow moves and assignment."""


from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import clock, uploads
from webapp.auth.models import User
from webapp.auth.scope import get_or_404
from webapp.backoffice import bp
from webapp.backoffice.models import BoRequest, RequestType
from webapp.backoffice.requests import queries, services
from webapp.backoffice.requests.forms import (
    AssignForm,
    AttachmentForm,
    CommentForm,
    RequestForm,
    TransitionForm,
)
from webapp.backoffice.requests.rules import allowed_transitions
from webapp.clients.models import Account
from webapp.errors import Refused
from webapp.history import history_of, names_by_id, value_labels
from webapp.htmx import is_htmx, render
from webapp.ids import id_param

DETAIL = "backoffice/requests/detail.html"
FORM = "backoffice/requests/form.html"
FIELD_LABELS = {"type_id": "Type", "client_id": "Client", "account_id": "Contrat",
                "label": "Libellé", "subject": "Objet", "deadline": "Deadline",
                "state": "État", "author_id": "Demandeur", "assignee_id": "Pris en charge par"}
HISTORY_VALUES = {
    "type_id": names_by_id(RequestType, RequestType.name),
    "account_id": names_by_id(Account, Account.product),
    "author_id": names_by_id(User, User.name),
    "assignee_id": names_by_id(User, User.name),
}


def _history_values(req: BoRequest, history) -> dict:
    """History values as the screens say them; states in the request's own workflow (R1
    and R2 both have a « sent », which reads differently in each)."""
    flow = req.flow
    labels = {s.key: s.label for s in flow.states}
    states = {"state": lambda values: {v: labels.get(v, v) for v in values}}
    return value_labels(history, HISTORY_VALUES | states)


def _filters() -> queries.Filters:
    args = request.args
    status = args.get("status", "open")
    return queries.Filters(
        status=status if status in dict(queries.STATUSES) else "open",
        type_id=args.get("type_id", 0, id_param), assignee=args.get("assignee", "")[:12],
        q=args.get("q", "").strip()[:100])


@bp.route("/")
@login_required
def index():
    """The BO's queue by deadline (overdue first and marked); a rep's own requests."""
    filters = _filters()
    today = clock.today()
    page = queries.queue_page(filters, current_user, today, request.args.get("page", 1, id_param))
    return render("backoffice/requests/index.html", "results", page=page, filters=filters,
                  today=today, desk=queries.is_desk(current_user),
                  statuses=queries.STATUSES, types=queries.active_types,
                  assistants=queries.bo_assistants)


@bp.route("/box")
@login_required
def box():
    """The home page's « Demandes » box (htmx fragment)."""
    counts = queries.counts(current_user, clock.today())
    return render_template("backoffice/requests/_box.html", counts=counts,
                           desk=queries.is_desk(current_user))


def _prefill() -> dict:
    """« Autre sujet »: a new request for the same client (and contract)."""
    return {name: request.args.get(name, 0, id_param)
            for name in ("type_id", "client_id", "account_id")}


def _intake_form(today) -> RequestForm:
    """The form as posted, as refreshed by htmx (the query string) or prefilled."""
    if request.method == "POST":
        return RequestForm(today=today)
    if is_htmx():
        return RequestForm(formdata=request.args, today=today)
    return RequestForm(formdata=None, data=_prefill(), today=today)


@bp.route("/requests/new", methods=["GET", "POST"])
@login_required
def new_request():
    """One subject per request, a deadline, copies from the matrix (slide 4)."""
    today = clock.today()
    form = _intake_form(today)
    if request.method == "GET" and is_htmx():
        # The type or the client changed: the contracts, copies and subject offered.
        return render(FORM, "options", form=form, today=today)
    if form.validate_on_submit():
        # The form showed slide 4's rules field by field; the service checks them again.
        created = services.create_request(form.values(), current_user, today)
        flash(f"Demande envoyée : {created.subject}", "success")
        return redirect(url_for("backoffice.request_detail", request_id=created.id))
    status = 422 if form.errors else 200
    return render_template(FORM, form=form, today=today), status


def _moves(req: BoRequest):
    """The moves the viewer may make now (one button each in the state panel)."""
    return allowed_transitions(req.type.workflow, req.state, queries.actors(req, current_user))


def _context(req: BoRequest, **extra) -> dict:
    """Everything the request page and its blocks show: one function for both paths."""
    history = history_of(req)
    context = {
        "req": req, "today": clock.today(), "recipients": queries.recipients_of(req),
        "thread": queries.thread(req), "attachments": queries.attachments(req),
        "moves": _moves(req), "move_error": None,
        "move_form": TransitionForm(formdata=None, data={"state": req.state}),
        "comment_form": CommentForm(formdata=None),
        "attachment_form": AttachmentForm(formdata=None),
        "assign_form": (AssignForm(formdata=None, people=queries.assignable(req),
                                   data={"assignee_id": req.assignee_id or 0})
                        if queries.is_desk(current_user) else None),
        "history": history, "history_values": _history_values(req, history),
        "field_labels": FIELD_LABELS,
    }
    return context | extra


@bp.route("/requests/<int:request_id>")
@login_required
def request_detail(request_id: int):
    """A request: its state and next moves, its thread, files and history."""
    req = get_or_404(BoRequest, request_id)
    return render_template(DETAIL, **_context(req))


def _saved(req: BoRequest, block: str, **extra):
    """After a change: the request's block (htmx) or the page again (no JavaScript)."""
    if not is_htmx():
        return redirect(url_for("backoffice.request_detail", request_id=req.id))
    return render(DETAIL, block, **_context(req, **extra))


@bp.route("/requests/<int:request_id>/comments", methods=["POST"])
@login_required
def add_comment(request_id: int):
    """Add a message to the request's thread."""
    req = get_or_404(BoRequest, request_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return render(DETAIL, "thread_panel", status=422, **_context(req, comment_form=form))
    services.add_comment(req, form.body.data, current_user)
    return _saved(req, "thread_panel")


@bp.route("/requests/<int:request_id>/attachments", methods=["POST"])
@login_required
def upload_attachment(request_id: int):
    """Attach a document (PDF, PNG, JPEG) to the request."""
    req = get_or_404(BoRequest, request_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        try:
            services.attach(req, form.file.data, current_user)
        except uploads.UploadError as error:
            form.file.errors.append(str(error))
        else:
            return _saved(req, "attachments_panel")
    return render(DETAIL, "attachments_panel", status=422,
                  **_context(req, attachment_form=form))


@bp.route("/requests/<int:request_id>/attachments/<int:attachment_id>")
@login_required
def download_attachment(request_id: int, attachment_id: int):
    """A request's document, as an attachment with its sniffed type."""
    req = get_or_404(BoRequest, request_id)
    attachment = queries.attachment_of(req, attachment_id) or abort(404)
    return uploads.serve(attachment.stored_name, attachment.original, attachment.mimetype)


@bp.route("/requests/<int:request_id>/move", methods=["POST"])
@login_required
def move_request(request_id: int):
    """A workflow move (slides 5–6), by whoever it belongs to; logged and notified."""
    req = get_or_404(BoRequest, request_id)
    form = TransitionForm()
    if not form.validate_on_submit():
        return render(DETAIL, "state_panel", status=422, **_context(
            req, move_form=form, move_error="Choisissez une des actions proposées."))
    try:
        services.move(req, form.state.data, form.target.data, current_user, form.note.data)
    except Refused as refusal:
        # A conflict shows the moves possible now; a refusal keeps what was typed.
        kept = {"move_form": form} if refusal.status == 422 else {}
        return render(DETAIL, "state_panel", status=refusal.status,
                      **_context(req, move_error=refusal.message, **kept))
    return _saved(req, "state_panel")


@bp.route("/requests/<int:request_id>/assign", methods=["POST"])
@login_required
def assign_request(request_id: int):
    """The BO hands a request to one of its assistants or an addressee of the matrix."""
    if not queries.is_desk(current_user):
        abort(403)
    req = get_or_404(BoRequest, request_id)
    form = AssignForm(people=queries.assignable(req))
    if not form.validate_on_submit():
        return render(DETAIL, "state_panel", status=422, **_context(req, assign_form=form))
    services.assign(req, form.assignee, current_user)
    return _saved(req, "state_panel")
