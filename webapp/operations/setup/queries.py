"""Reads of the operations' set-up: the list by status, target counts, shares, guards."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, distinct, func, select, true
from sqlalchemy.orm import joinedload

from webapp.auth.models import Access, Role, User
from webapp.auth.scope import scoped, users_under
from webapp.extensions import db
from webapp.operations.models import (
    AdvisorObjective,
    Operation,
    RecordStatus,
    StepRecord,
    Target,
)
from webapp.operations.rules import Allocation, Share, Status, allocation, share_amount
from webapp.pagination import Page, paginate

ACTIVE, ALL = "", "all"
# The list's filter: « la liste déroulante en haut de la fenêtre »; archived ones are
# hidden unless asked for.
STATUS_FILTERS = ((ACTIVE, "Toutes sauf archivées"), (Status.NOT_STARTED, "Non démarrées"),
                  (Status.IN_PROGRESS, "En cours"), (Status.FINISHED, "Terminées"),
                  (Status.ARCHIVED, "Archivées"), (ALL, "Toutes"))


def status_condition(wanted: str, today: date) -> ColumnElement[bool]:
    """rules.operation_status as a SQL condition, for ``today``."""
    live = Operation.archived.is_(False)
    return {
        ACTIVE: live,
        Status.NOT_STARTED: live & (Operation.start > today),
        Status.IN_PROGRESS: live & (Operation.start <= today) & (Operation.end >= today),
        Status.FINISHED: live & (Operation.end < today),
        Status.ARCHIVED: Operation.archived.is_(True),
    }.get(wanted, true())


def operation_page(wanted: str, number: int, today: date) -> Page:
    """One page of the operations the viewer sees, in their manual order."""
    stmt = (scoped(select(Operation), Operation)
            .where(status_condition(wanted, today))
            .options(joinedload(Operation.responsible))
            .order_by(Operation.position, Operation.id))
    return paginate(stmt, number)


def target_counts(operation_ids: list[int]) -> dict[int, int]:
    """Number of targets of each operation (one GROUP BY)."""
    if not operation_ids:
        return {}
    rows = db.session.execute(
        select(Target.operation_id, func.count())
        .where(Target.operation_id.in_(operation_ids))
        .group_by(Target.operation_id))
    return {operation_id: n for operation_id, n in rows}


def started_targets(operation: Operation) -> int:
    """Targets with any step record: « contact pris auprès du client via une étape »."""
    return db.session.scalar(
        select(func.count(distinct(StepRecord.target_id)))
        .join(Target, Target.id == StepRecord.target_id)
        .where(Target.operation_id == operation.id)) or 0


def validated_records(step_id: int) -> int:
    """How many advisors' records validated (status « Terminée ») this step."""
    return db.session.scalar(
        select(func.count()).select_from(StepRecord)
        .where(StepRecord.step_id == step_id, StepRecord.status == RecordStatus.DONE)) or 0


@dataclass
class ShareRow:
    share: AdvisorObjective
    amount: Decimal  # the advisor's objective in €


def share_rows(operation: Operation) -> tuple[list[ShareRow], Allocation]:
    """The advisors' shares, each in €, and the total and « Reste à répartir »."""
    shares = db.session.scalars(
        select(AdvisorObjective).where(AdvisorObjective.operation_id == operation.id)
        .options(joinedload(AdvisorObjective.advisor))
        .order_by(AdvisorObjective.id)).all()
    plain = [Share(amount=s.amount, percent=s.percent) for s in shares]
    rows = [ShareRow(s, share_amount(operation.objective, p)) for s, p in zip(shares, plain,
                                                                               strict=True)]
    return rows, allocation(operation.objective, plain)


def manages(user: User, operation: Operation) -> bool:
    """« Gestion des opérations commerciales » applies to the operations whose responsible
    is the user or someone under them in the hierarchy; admins (and whoever sees every
    operation) manage all of them."""
    if not user.manage_operations:
        return False
    if user.role == Role.ADMIN or user.operations_access == Access.ALL:
        return True
    return operation.responsible_id is not None and bool(db.session.scalar(
        select(User.id).where(User.id == operation.responsible_id,
                              User.id.in_(users_under(user)))))
