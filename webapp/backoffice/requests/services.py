"""Writes on requests: intake, thread, attachments, workflow moves, assignment. Each
service changes data and flushes; the route commits once."""

from webapp import uploads
from webapp.auth.models import User
from webapp.backoffice import notify as tell
from webapp.backoffice.models import (
    Attachment,
    BoRequest,
    Checklist,
    Comment,
    RequestRecipient,
)
from webapp.backoffice.requests import queries
from webapp.backoffice.requests.rules import subject, workflow
from webapp.extensions import db


def create_request(form, author: User) -> BoRequest:
    """A request as slide 4 wants it, routed by the matrix, its copies told."""
    request_type = form.chosen_type
    flow = workflow(request_type.workflow)
    request = BoRequest(
        type_id=request_type.id, client_id=form.client.id,
        account_id=form.account.id if form.account else None,
        label=" ".join(form.label.data.split()),
        subject=subject(form.subject_name(), form.label.data),
        deadline=form.deadline.data, state=flow.initial, closed=False, author_id=author.id)
    addressees = [] if request_type.to_bo else queries.addressees(request_type)
    if addressees:
        request.assignee_id = addressees[0].id
    chosen = set(form.copies.data or [])
    request.recipients = [RequestRecipient(user_id=u.id, copy=False) for u in addressees] + [
        RequestRecipient(user_id=u.id, copy=True) for u in form.offered
        if u.id in chosen and u.id not in {a.id for a in addressees}]
    if request_type.checklist:
        request.checklist = Checklist()
    db.session.add(request)
    db.session.flush()
    if (form.body.data or "").strip():
        db.session.add(Comment(request_id=request.id, author_id=author.id,
                               body=form.body.data.strip()))
    tell.request_created(request, author)
    db.session.flush()
    return request


def add_comment(request: BoRequest, body: str, author: User) -> Comment:
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


def move(request: BoRequest, target: str, actor: User, note: str | None) -> None:
    """Apply an allowed workflow move (checked by the caller with the rule), log it in the
    thread (the audit trail records the state change) and tell the next actor."""
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
    db.session.flush()


def assign(request: BoRequest, assignee: User | None, actor: User) -> None:
    """Hand the request to someone (or back to the BO queue) and tell them."""
    if request.assignee_id == (assignee.id if assignee else None):
        return
    request.assignee = assignee
    db.session.flush()
    if assignee is not None:
        tell.request_assigned(request, actor)
        db.session.flush()
