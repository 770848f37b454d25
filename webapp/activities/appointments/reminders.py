"""The appointment confirmation, 24 h before (seed 001, slide 27: « 24h avant mon rdv,
j'envoie une confirmation de rdv par mail »): a reminder kind of the registry, keyed by
the appointment and its start, so a moved appointment is confirmed again."""

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.activities.appointments.models import Appointment, AppointmentStatus
from webapp.activities.appointments.rules import confirmation_window, to_confirm
from webapp.activities.appointments.services import invite_of
from webapp.extensions import db
from webapp.notifications.reminders import Due, Mail, reminder


@reminder("appointment-confirmation")
def confirmations(now: datetime) -> Iterator[Due]:
    """Every planned appointment starting within the next 24 hours whose client has an
    e-mail address: the confirmation, with the .ics (unchanged SEQUENCE)."""
    start, end = confirmation_window(now)
    appointments = db.session.scalars(
        select(Appointment).where(Appointment.status == AppointmentStatus.PLANNED,
                                  Appointment.starts_at >= start, Appointment.starts_at < end)
        .options(selectinload(Appointment.client), selectinload(Appointment.rep))).all()
    for appointment in appointments:
        if not appointment.client.email or not to_confirm(
                appointment.starts_at, appointment.cancelled, now):
            continue
        yield Due(key=f"{appointment.id}-{appointment.starts_at:%Y%m%d%H%M}", mail=Mail(
            to=(appointment.client.email,), template="appointment_confirmation",
            cc=(appointment.rep.email,), invite=invite_of(appointment),
            context={"appointment": appointment, "client": appointment.client}))
