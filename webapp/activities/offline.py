"""The activities in the offline visit mode (webapp/visits/): the rep's appointments of
the period are proposed for « Préparer mes visites », and a prepared client's discovery
notes page is cached with the client file (its form is queued offline like a step's)."""

from datetime import date, datetime, time, timedelta

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp import clock
from webapp.activities.appointments.models import Appointment, AppointmentStatus
from webapp.auth.models import User
from webapp.extensions import db
from webapp.visits.proposals import LIMIT, Proposal, source
from webapp.visits.queries import page_source


def _instant(day: date) -> datetime:
    """Midnight of ``day`` in the app's time zone, as an aware instant."""
    return datetime.combine(day, time(), tzinfo=clock.zone())


@source
def appointments(user: User, first: date, last: date) -> list[Proposal]:
    """The user's appointments planned during the period, soonest first."""
    rows = db.session.scalars(
        select(Appointment).options(joinedload(Appointment.client))
        .where(Appointment.rep_id == user.id,
               Appointment.status == AppointmentStatus.PLANNED,
               Appointment.starts_at >= _instant(first),
               Appointment.starts_at < _instant(last + timedelta(days=1)))
        .order_by(Appointment.starts_at, Appointment.id).limit(LIMIT)).all()
    proposals = []
    for appointment in rows:
        local = appointment.starts_at.astimezone(clock.zone())
        proposals.append(Proposal(
            client_id=appointment.client_id,
            name=f"{appointment.client.first_name} {appointment.client.last_name}",
            reason=f"Rendez-vous le {local:%d/%m à %H:%M} — {appointment.subject}",
            day=local.date()))
    return proposals


@page_source
def discovery(client_id: int) -> list[dict]:
    """The client's discovery notes (their form works offline)."""
    return [{"url": url_for("activities.discovery", client_id=client_id)}]
