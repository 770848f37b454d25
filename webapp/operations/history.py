"""The change history of an operation (with its steps) and of a client's follow-up (the
target with its step records), shown with the clients' history macro
(``templates/_macros/history.html``); ``webapp/history.py`` formats the values."""

from sqlalchemy import and_, or_, select

from webapp.auth.models import User
from webapp.extensions import db
from webapp.history import AuditRow, enum_labels, names_by_id, value_labels
from webapp.operations.models import (
    ConclusionKind,
    Operation,
    RecordStatus,
    Step,
    StepKind,
    Target,
)

LIMIT = 200
FIELD_LABELS = {
    "name": "Nom", "responsible_id": "Responsable", "objective": "Objectif",
    "start": "Début", "end": "Fin", "notify_start": "Avertir du début",
    "notify_on": "Date de la notification", "archived": "Archivée",
    "sale_step_id": "Étape de vente", "kind": "Type", "mandatory": "Obligatoire",
    "propose_next": "Proposer l'étape suivante", "instructions": "Consignes",
    "advisor_id": "Conseiller", "potential": "Potentiel", "entry_date": "Date d'entrée",
    "concluded": "Conclu", "conclusion_kind_id": "Conclusion",
    "conclusion_date": "Date de la conclusion", "success": "Succès",
    "amount": "Montant collecté", "step_id": "Étape", "title": "Intitulé",
    "status": "Statut", "day": "Date", "time": "Heure", "place": "Lieu", "notes": "Notes",
    "checked_actions": "Actions cochées",
}
VALUES = {
    "responsible_id": names_by_id(User, User.name),
    "advisor_id": names_by_id(User, User.name),
    "sale_step_id": names_by_id(Step, Step.name),
    "step_id": names_by_id(Step, Step.name),
    "conclusion_kind_id": names_by_id(ConclusionKind, ConclusionKind.name),
    "kind": enum_labels(StepKind),
    "status": enum_labels(RecordStatus),
}


def _rows(objects: dict[str, list[int]]) -> list[AuditRow]:
    """The audit rows of these records (object type → ids), newest first."""
    wanted = [and_(AuditRow.object_type == kind, AuditRow.object_id.in_(ids))
              for kind, ids in objects.items() if ids]
    return db.session.scalars(select(AuditRow).where(or_(*wanted))
                              .order_by(AuditRow.id.desc()).limit(LIMIT)).all()


def _shown(rows: list[AuditRow]) -> dict:
    return {"history": rows, "history_labels": FIELD_LABELS,
            "history_values": value_labels(rows, VALUES)}


def of_operation(operation: Operation) -> dict:
    """The operation's history and its steps', for the macro."""
    return _shown(_rows({"operation": [operation.id],
                         "step": [step.id for step in operation.steps]}))


def of_follow_up(target: Target, record_ids: list[int]) -> dict:
    """A target's history and its step records', for the macro."""
    return _shown(_rows({"target": [target.id], "step_record": record_ids}))
