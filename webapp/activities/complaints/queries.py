"""Reads of complaints: the « Réclamations » list (the viewer's scope), a client's."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.activities.complaints.models import Complaint, ComplaintStatus
from webapp.activities.complaints.rules import OPEN
from webapp.auth.scope import scoped
from webapp.extensions import db
from webapp.pagination import Page, paginate

# The list's filter: the open ones (default), each status, or all.
STATUSES = (("open", "Ouvertes"), *((s.value, s.label) for s in ComplaintStatus),
            ("all", "Toutes"))


def complaints_page(status: str, number: int) -> Page:
    """The complaints the viewer may see, newest first."""
    stmt = scoped(select(Complaint), Complaint).options(
        joinedload(Complaint.client), joinedload(Complaint.author))
    if status == "open":
        stmt = stmt.where(Complaint.status.in_(OPEN))
    elif status != "all":
        stmt = stmt.where(Complaint.status == status)
    return paginate(stmt.order_by(Complaint.created_at.desc(), Complaint.id.desc()), number)


def client_complaints(client_id: int, limit: int = 10) -> list[Complaint]:
    """The client's latest complaints (the client file)."""
    return db.session.scalars(select(Complaint).where(Complaint.client_id == client_id)
                              .order_by(Complaint.created_at.desc()).limit(limit)).all()
