"""Writes on requests: intake, thread, attachments, workflow moves, assignment. Each
service checks its rules (``Refused`` with the French reason), changes data and flushes;
the request's one commit happens after the view."""

from dataclasses import dataclass
from datetime import date

from webapp import uploads
from webapp.auth.models import User
from webapp.backoffice import notify as tell
from webapp.backoffice.models import (
    Attachment,
    BoRequest,
    Checklist,
    Comment,
    RequestRecipient,
    RequestType,
)
from webapp.backoffice.requests import queries
from webapp.backoffice.requests.rules import (
    copies_error,
    deadline_error,
    label_error,
    subject,
    transition_error,
    workflow,
)
from webapp.clients.models import Account, Client
from webapp.concurrency import Conflict, save_versioned
from webapp.errors import Refused
from webapp.extensions import db


@dataclass(frozen=True)
class RequestInput:
    """A request as the intake form gives it to ``services.create_request``."""

    request_type: RequestType
    client: Client
    label: str
    deadline: date
    account: Account | None = None
    copies: tuple[int, ...] = ()
    body: str = ""


CONFLICT = "La demande vient de changer (« {state} ») : vérifiez avant d'agir à nouveau."


def _intake_error(values: RequestInput, today: date) -> str | None:
    """The first of slide 4's rules the request breaks (None when it keeps them all)."""
    if values.request_type is None or not values.request_type.active:
        return "Choisissez le type de demande."
    if values.client is None:
        return "Choisissez le client concerné."
    if values.account is not None and values.account.client_id != values.client.id:
        return "Ce contrat n'est pas celui du client choisi."
    kinds = [t.name for t in queries.active_types()]
    offered = [u.id for u in queries.copy_choices(values.request_type)]
    return (label_error(values.label, kinds) or deadline_error(values.deadline, today)
            or copies_error(values.copies, offered))


def create_request(values: RequestInput, author: User, today: date) -> BoRequest:
    """A request as slide 4 wants it, routed by the matrix, its copies told."""
    if error := _intake_error(values, today):
        raise Refused(error)
    request_type = values.request_type
    name = values.account.product if values.account else values.client.full_name
    request = BoRequest(
        type_id=request_type.id, client_id=values.client.id,
        account_id=values.account.id if values.account else None,
        label=" ".join(values.label.split()), subject=subject(name, values.label),
        deadline=values.deadline, state=workflow(request_type.workflow).initial,
        closed=False, author_id=author.id)
    addressees = [] if request_type.to_bo else queries.addressees(request_type)
    if addressees:
        request.assignee_id = addressees[0].id
    handlers = {a.id for a in addressees}
    request.recipients = [RequestRecipient(user_id=u.id, copy=False) for u in addressees] + [
        RequestRecipient(user_id=uid, copy=True) for uid in dict.fromkeys(values.copies)
        if uid not in handlers]
    if request_type.checklist:
        request.checklist = Checklist()
    db.session.add(request)
    db.session.flush()
    if values.body.strip():
        db.session.add(Comment(request_id=request.id, author_id=author.id,
                               body=values.body.strip()))
    tell.request_created(request, author)
    db.session.flush()
    return request


def add_comment(request: BoRequest, body: str, author: User) -> Comment:
    """A message in the request's thread; the others of the request get an alert."""
    if not (body or "").strip():
        raise Refused("Écrivez votre message.")
    comment = Comment(request_id=request.id, author_id=author.id, body=body.strip())
    db.session.add(comment)
    tell.request_commented(request, author)
    db.session.flush()
    return comment


def attach(request: BoRequest, file_storage, author: User) -> Attachment:
    """Store an uploaded document (type sniffed) and attach it; raises UploadError."""
    stored = uploads.store(file_storage, "document")
    attachment = Attachment(request_id=request.id, author_id=author.id,
                            stored_name=stored.name, original=stored.original,
                            mimetype=stored.mimetype, size=stored.size)
    db.session.add(attachment)
    db.session.flush()
    return attachment


def _apply_move(request: BoRequest, target: str, actor: User, note: str | None) -> None:
    flow = request.flow
    before = flow.state(request.state)
    transition = next(t for t in flow.transitions
                      if t.source == request.state and t.target == target)
    request.state = target
    request.closed = flow.state(target).closed
    db.session.add(Comment(request_id=request.id, author_id=actor.id,
                           body=(note or "").strip(),
                           move=f"{before.label} → {flow.state(target).label}"))
    db.session.flush()
    tell.request_moved(request, actor, transition.label, note)


def move(request: BoRequest, seen_state: str, target: str, actor: User,
         note: str | None = None) -> None:
    """A workflow move (slides 5–6) by whoever it belongs to, from the state the actor saw
    (``Conflict`` if it changed meanwhile; ``Refused`` if the rule says no), logged in the
    thread (the audit trail records the state change) and told to the next actor."""
    if seen_state != request.state:
        raise Conflict(CONFLICT.format(state=request.state_label))
    complete = request.checklist is None or request.checklist.completed_at is not None
    if error := transition_error(request.type.workflow, request.state, target,
                                 queries.actors(request, actor), checklist_complete=complete):
        raise Refused(error)
    try:
        save_versioned(request, request.version,
                       lambda: _apply_move(request, target, actor, note))
    except Conflict:
        # Someone moved it between our read and our write: say where it is now.
        raise Conflict(CONFLICT.format(state=request.state_label)) from None


def assign(request: BoRequest, assignee: User | None, actor: User) -> None:
    """Hand the request to someone (or back to the BO queue) and tell them."""
    if not queries.is_desk(actor):
        raise Refused("Seul le back-office confie les demandes.", 403)
    if assignee is not None and assignee.id not in {u.id for u in queries.assignable(request)}:
        raise Refused("Confiez la demande à un assistant BO ou à un destinataire de la "
                      "matrice.")
    if request.assignee_id == (assignee.id if assignee else None):
        return
    request.assignee = assignee
    db.session.flush()
    if assignee is not None:
        tell.request_assigned(request, actor)
        db.session.flush()
