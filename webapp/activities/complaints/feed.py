"""Complaints in the client's activity feed."""

from flask import url_for
from sqlalchemy import case, literal, select

from webapp.activities.complaints.models import Complaint, ComplaintStatus
from webapp.activities.feed import Source, register


def _rows(client_id: int):
    status = case(ComplaintStatus.labels(), value=Complaint.status, else_=Complaint.status)
    return select(Complaint.created_at.label("at"),
                  (literal("Réclamation — commande ") + Complaint.order_number + literal(" (")
                   + status + literal(")")).label("title"),
                  Complaint.id.label("ref_id")).where(Complaint.client_id == client_id)


SOURCE = register(Source(kind="complaint", label="Réclamation", rows=_rows,
                         endpoint="activities.complaint",
                         link=lambda ref_id: url_for("activities.complaint",
                                                     complaint_id=ref_id)))
