"""The rep's agenda (day or week): their appointments, their operation meetings (steps of
kind « rendez-vous » on the targets they follow) and their opportunity meetings (as owner
or SPEX), one list by start."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from webapp import clock
from webapp.activities.appointments.models import Appointment
from webapp.extensions import db
from webapp.operations.models import RecordStatus, StepKind, StepRecord, Target
from webapp.opportunities.models import Meeting, MeetingStatus, Opportunity


@dataclass(frozen=True)
class AgendaItem:
    at: datetime  # aware
    kind: str  # « Rendez-vous client », « Réunion d'opportunité », « Opération »
    title: str
    client: str
    where: str
    url_endpoint: str
    url_values: dict
    cancelled: bool = False


def _appointments(rep_id: int, start: datetime, end: datetime) -> list[AgendaItem]:
    rows = db.session.scalars(select(Appointment).where(
        Appointment.rep_id == rep_id, Appointment.starts_at >= start,
        Appointment.starts_at < end).options(joinedload(Appointment.client))).all()
    return [AgendaItem(a.starts_at, "Rendez-vous client", a.subject, a.client.full_name,
                       a.where, "activities.appointment", {"appointment_id": a.id},
                       a.cancelled) for a in rows]


def _meetings(rep_id: int, start: datetime, end: datetime) -> list[AgendaItem]:
    rows = db.session.scalars(select(Meeting).join(Opportunity).where(
        or_(Opportunity.owner_id == rep_id, Meeting.spex_id == rep_id),
        Meeting.starts_at >= start, Meeting.starts_at < end)
        .options(joinedload(Meeting.opportunity))).all()
    return [AgendaItem(m.starts_at, "Réunion d'opportunité", m.subject, m.opportunity.name,
                       m.location or "", "opportunities.detail",
                       {"opportunity_id": m.opportunity_id},
                       m.status == MeetingStatus.CANCELLED) for m in rows]


def _operation_meetings(rep_id: int, first: date, last: date) -> list[AgendaItem]:
    rows = db.session.scalars(select(StepRecord).join(Target).where(
        Target.advisor_id == rep_id, StepRecord.kind == StepKind.MEETING,
        StepRecord.day >= first, StepRecord.day <= last)
        .options(joinedload(StepRecord.target).joinedload(Target.client),
                 joinedload(StepRecord.step))).all()
    items = []
    for r in rows:
        hour, minute = _hhmm(r.time)
        at = datetime.combine(r.day, time(hour, minute), clock.zone())
        items.append(AgendaItem(at, "Opération", r.title or (r.step.name if r.step else ""),
                                r.target.client.full_name, r.place or "",
                                "operations.timeline", {"target_id": r.target_id},
                                r.status == RecordStatus.CANCELLED))
    return items


def _hhmm(text: str | None) -> tuple[int, int]:
    try:
        hour, minute = (int(part) for part in (text or "").split(":"))
        return (hour, minute) if 0 <= hour < 24 and 0 <= minute < 60 else (0, 0)
    except ValueError:
        return 0, 0


def agenda(rep_id: int, first: date, last: date) -> list[AgendaItem]:
    """Everything in the rep's diary from ``first`` to ``last`` (local days), by start."""
    start, end = clock.day_start(first), clock.day_start(last + timedelta(days=1))
    items = [*_appointments(rep_id, start, end), *_meetings(rep_id, start, end),
             *_operation_meetings(rep_id, first, last)]
    return sorted(items, key=lambda item: item.at)
