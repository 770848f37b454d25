"""Writes of appointments: book (the client invited with an .ics, the task « confirmer le
RDV » left for the day before), change (SEQUENCE + 1 and the invitation sent again when
the client must know), cancel (METHOD CANCEL). The mails go through the outbox, in the
caller's transaction."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from webapp import clock
from webapp.activities.appointments.models import Appointment, AppointmentStatus
from webapp.activities.appointments.rules import (
    CANCELLED_ALREADY,
    INVITED_FIELDS,
    appointment_error,
    next_sequence,
    reminder_task_due,
)
from webapp.activities.tasks.models import Task, TaskKind, TaskStatus
from webapp.activities.tasks.services import create_task
from webapp.auth.models import User
from webapp.clients.models import Client
from webapp.errors import Refused
from webapp.extensions import db
from webapp.formatting import moment
from webapp.notifications.calendar import Invite
from webapp.notifications.outbox import queue_mail


@dataclass(frozen=True)
class AppointmentInput:
    """An appointment as typed: the form's ``values()``."""

    subject: str
    starts_at: datetime  # aware, UTC
    duration_minutes: int = 60
    virtual: bool = False
    place: str | None = None
    notes: str | None = None


def _check(values: AppointmentInput) -> None:
    if error := appointment_error(values.subject, values.starts_at, values.duration_minutes,
                                  values.virtual, values.place, clock.today()):
        raise Refused(error)


def _fill(appointment: Appointment, values: AppointmentInput) -> None:
    appointment.subject = values.subject.strip()
    appointment.starts_at = values.starts_at
    appointment.duration_minutes = values.duration_minutes
    appointment.virtual = bool(values.virtual)
    appointment.place = None if values.virtual else (values.place or "").strip() or None
    appointment.notes = (values.notes or "").strip() or None


def _invited(appointment: Appointment) -> dict:
    return {name: getattr(appointment, name) for name in INVITED_FIELDS}


def book_appointment(client: Client, rep: User, values: AppointmentInput, *,
                     key: str | None = None, notify: bool = True) -> Appointment:
    """« Je prends rdv à partir du contact »: the appointment, the client's invitation
    (when the file has an e-mail) and the rep's task « confirmer le RDV » the day before.
    ``notify=False`` (the import, the demo): no invitation, history is not re-sent."""
    _check(values)
    appointment = Appointment(client=client, rep_id=rep.id, sequence=0, key=key,
                              status=AppointmentStatus.PLANNED)
    _fill(appointment, values)
    db.session.add(appointment)
    db.session.flush()
    task = create_task(client.id, _task_subject(appointment),
                       reminder_task_due(appointment.starts_at), rep.id,
                       kind=TaskKind.CONFIRM, issuer_id=rep.id)
    task.appointment_id = appointment.id
    if notify:
        queue_invitation(appointment)
    db.session.flush()
    return appointment


def update_appointment(appointment: Appointment, values: AppointmentInput,
                       notify: bool = True) -> bool:
    """Change the appointment; when the client sees the change, the invitation goes again
    with SEQUENCE + 1 and the confirmation task moves. True when the client was told."""
    if appointment.cancelled:
        raise Refused(CANCELLED_ALREADY, status=409)
    _check(values)
    before = _invited(appointment)
    _fill(appointment, values)
    sequence = next_sequence(appointment.sequence, before, _invited(appointment), False)
    told = sequence != appointment.sequence
    appointment.sequence = sequence
    for task in _confirmation_tasks(appointment):
        task.subject = _task_subject(appointment)
        task.due_at = reminder_task_due(appointment.starts_at)
    db.session.flush()
    if told and notify:
        queue_invitation(appointment, moved=True)
    return told


def cancel_appointment(appointment: Appointment, notify: bool = True) -> Appointment:
    """Cancel: METHOD CANCEL with SEQUENCE + 1 to the client, the confirmation task closed."""
    if appointment.cancelled:
        raise Refused(CANCELLED_ALREADY, status=409)
    appointment.status = AppointmentStatus.CANCELLED
    appointment.sequence = next_sequence(appointment.sequence, {}, {}, True)
    for task in _confirmation_tasks(appointment):
        if task.status != TaskStatus.DONE:
            task.status = TaskStatus.DONE
    db.session.flush()
    if notify:
        queue_invitation(appointment)
    return appointment


def _confirmation_tasks(appointment: Appointment) -> list[Task]:
    return db.session.scalars(db.select(Task).where(
        Task.appointment_id == appointment.id, Task.kind == TaskKind.CONFIRM)).all()


def _task_subject(appointment: Appointment) -> str:
    return f"Confirmer le RDV du {moment(appointment.starts_at)}"


def invite_of(appointment: Appointment) -> Invite:
    """The appointment's .ics: one UID, its SEQUENCE, the client as attendee."""
    return Invite(
        uid=f"appointment-{appointment.id}@{current_app.config['MAIL_DOMAIN']}",
        sequence=appointment.sequence, start=appointment.starts_at, end=appointment.ends_at,
        summary=appointment.subject, organizer=appointment.rep.email,
        attendees=(appointment.client.email,), location=appointment.where,
        description=appointment.notes or "",
        tz=current_app.config["BABEL_DEFAULT_TIMEZONE"], cancelled=appointment.cancelled)


def queue_invitation(appointment: Appointment, moved: bool = False):
    """The invitation (REQUEST) or the cancellation (CANCEL) to the client, the rep in
    copy; nothing when the client file has no e-mail address."""
    client = appointment.client
    if not client.email:
        return None
    return queue_mail("appointment-invitation", client.email, "appointment_invitation",
                      cc=appointment.rep.email, invite=invite_of(appointment),
                      appointment=appointment, client=client, moved=moved,
                      cancelled=appointment.cancelled)
