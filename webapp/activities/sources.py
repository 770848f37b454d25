"""The kinds of the client's feed that exist outside the activities' own tables'
packages: opportunities and their meetings, operation steps, BO requests; and the
activities' tasks, rejets, appointments and discovery. (Complaints, churn and quotes
register themselves beside their models.)"""

from flask import url_for
from sqlalchemy import String, case, func, literal, select

from webapp.activities.appointments.models import Appointment, AppointmentStatus
from webapp.activities.discovery.models import Discovery
from webapp.activities.feed import Source, register
from webapp.activities.tasks.models import Task, TaskKind
from webapp.backoffice.models import BoRequest
from webapp.operations.models import Step, StepRecord, Target
from webapp.opportunities.models import Meeting, Opportunity


def _tasks(kind: str):
    def rows(client_id: int):
        return select(Task.created_at.label("at"), Task.subject.label("title"),
                      Task.id.label("ref_id")).where(Task.client_id == client_id,
                                                     Task.kind == kind)
    return rows


register(Source("task", "Tâche", _tasks(TaskKind.TASK), "activities.task",
                lambda ref: url_for("activities.task", task_id=ref)))
register(Source("confirm", "Confirmation de RDV", _tasks(TaskKind.CONFIRM), "activities.task",
                lambda ref: url_for("activities.task", task_id=ref)))
register(Source("rejet", "Rejet", _tasks(TaskKind.REJET), "activities.task",
                lambda ref: url_for("activities.task", task_id=ref)))


def _appointments(client_id: int):
    cancelled = literal("Annulé : ", String(20))
    return select(Appointment.starts_at.label("at"),
                  case((Appointment.status == AppointmentStatus.CANCELLED,
                        cancelled + Appointment.subject), else_=Appointment.subject)
                  .label("title"),
                  Appointment.id.label("ref_id")).where(Appointment.client_id == client_id)


register(Source("appointment", "Rendez-vous", _appointments, "activities.appointment",
                lambda ref: url_for("activities.appointment", appointment_id=ref)))


def _discovery(client_id: int):
    return select(Discovery.updated_at.label("at"),
                  literal("Découverte enrichie", String(40)).label("title"),
                  Discovery.client_id.label("ref_id")).where(Discovery.client_id == client_id)


register(Source("discovery", "Découverte", _discovery, "activities.discovery",
                lambda ref: url_for("activities.discovery", client_id=ref)))


def _opportunities(client_id: int):
    return select(Opportunity.created_at.label("at"), Opportunity.name.label("title"),
                  Opportunity.id.label("ref_id")).where(Opportunity.client_id == client_id)


def _meetings(client_id: int):
    return (select(Meeting.starts_at.label("at"), Meeting.subject.label("title"),
                   Meeting.opportunity_id.label("ref_id"))
            .join(Opportunity, Opportunity.id == Meeting.opportunity_id)
            .where(Opportunity.client_id == client_id))


def _opportunity_link(ref: int) -> str:
    return url_for("opportunities.detail", opportunity_id=ref)


register(Source("opportunity", "Opportunité", _opportunities, "opportunities.detail",
                _opportunity_link))
register(Source("meeting", "Réunion d'opportunité", _meetings, "opportunities.detail",
                _opportunity_link))


def _steps(client_id: int):
    return (select(StepRecord.created_at.label("at"),
                   func.coalesce(StepRecord.title, Step.name).label("title"),
                   StepRecord.target_id.label("ref_id"))
            .join(Target, Target.id == StepRecord.target_id)
            .outerjoin(Step, Step.id == StepRecord.step_id)
            .where(Target.client_id == client_id))


register(Source("step", "Étape d'opération", _steps, "operations.timeline",
                lambda ref: url_for("operations.timeline", target_id=ref)))


def _requests(client_id: int):
    return select(BoRequest.created_at.label("at"), BoRequest.subject.label("title"),
                  BoRequest.id.label("ref_id")).where(BoRequest.client_id == client_id)


register(Source("bo_request", "Demande au back-office", _requests, "backoffice.request_detail",
                lambda ref: url_for("backoffice.request_detail", request_id=ref)))
