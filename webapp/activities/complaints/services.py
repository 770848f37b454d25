"""Writes on complaints: file one (the acknowledgement e-mail queued at once), move its
status. The client file, the import and the demo call them."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp.activities.complaints.models import Complaint, ComplaintOrigin, ComplaintStatus
from webapp.activities.complaints.rules import (
    complaint_error,
    foreign_contacts,
    is_open,
    move_error,
    open_key,
)
from webapp.clients.models import Client
from webapp.concurrency import save_versioned
from webapp.errors import Refused
from webapp.extensions import db
from webapp.notifications.outbox import queue_mail


@dataclass(frozen=True)
class ComplaintInput:
    vintage: int | None
    order_number: str
    comment: str
    origin: str = ComplaintOrigin.VISIT.value


class DuplicateComplaint(Refused):
    """« Un seul canal »: the client already has an open complaint on this order."""

    def __init__(self, first: Complaint):
        super().__init__(f"Une réclamation est déjà ouverte pour ce client sur la commande "
                         f"{first.order_number} ({first.reference}) : complétez-la plutôt "
                         f"que d'en déposer une seconde.", status=409)
        self.first_id = first.id


def contact_warnings(client: Client, comment: str) -> list[str]:
    """Someone else's e-mail addresses and phone numbers written in the comment."""
    return foreign_contacts(comment, {client.email or ""},
                            {client.phone or "", client.phone2 or ""})


def open_complaint(client_id: int, order_number: str) -> Complaint | None:
    return db.session.scalar(select(Complaint).where(
        Complaint.open_key == open_key(client_id, order_number)))


def _acknowledge(complaint: Complaint) -> None:
    """Slide 44: « il reçoit systématiquement un accusé réception l'informant que sa
    demande est prise en compte »."""
    client = complaint.client
    if client.email:
        queue_mail("complaint_ack", client.email, "complaint_ack", complaint=complaint,
                   client=client, dedup_key=f"complaint-ack:{complaint.id}")


def file_complaint(client: Client, values: ComplaintInput, author_id: int | None,
                   acknowledge: bool = True, key: str | None = None,
                   filed_at: datetime | None = None) -> Complaint:
    """File a complaint for ``client`` (already loaded and authorised) and queue the
    client's acknowledgement (not for an import of past complaints). A second open
    complaint on the same order is refused (409), also when two are filed at once: the
    unique ``open_key`` decides, inside a savepoint."""
    order = (values.order_number or "").strip()
    if error := complaint_error(values.vintage, order, values.comment, values.origin,
                                set(ComplaintOrigin.labels())):
        raise Refused(error)
    if first := open_complaint(client.id, order):
        raise DuplicateComplaint(first)
    complaint = Complaint(client_id=client.id, client=client, vintage=values.vintage,
                          order_number=order, origin=values.origin,
                          comment=values.comment.strip(), author_id=author_id,
                          status=ComplaintStatus.FILED.value,
                          open_key=open_key(client.id, order), key=key)
    if filed_at is not None:  # the import: when it was filed
        complaint.created_at = complaint.updated_at = filed_at
    try:
        with db.session.begin_nested():
            db.session.add(complaint)
            db.session.flush()
    except IntegrityError:
        first = open_complaint(client.id, order)
        if first is None:
            raise
        raise DuplicateComplaint(first) from None
    if acknowledge:
        _acknowledge(complaint)
    return complaint


def move_complaint(complaint: Complaint, status: str, posted_version: int | None = None
                   ) -> None:
    """Change the complaint's status (déposée → en cours → traitée → close); closed, it no
    longer holds its order (a new complaint may be filed on it)."""
    if error := move_error(complaint.status, status):
        raise Refused(error)

    def write():
        complaint.status = status
        complaint.open_key = (open_key(complaint.client_id, complaint.order_number)
                              if is_open(status) else None)

    if posted_version is None:  # the import: no form, no version typed
        write()
        db.session.flush()
    else:
        save_versioned(complaint, posted_version, write)
