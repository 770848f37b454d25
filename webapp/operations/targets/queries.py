"""Read queries on an operation's targets: the list, its totals, the client query, the
operations of the home box and of the client file."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, case, exists, func, select
from sqlalchemy.orm import joinedload

from webapp.auth.models import Role, User
from webapp.auth.scope import scoped
from webapp.clients.models import Client
from webapp.clients.selection.queries import selected
from webapp.clients.selection.rules import Criteria
from webapp.extensions import db
from webapp.operations.models import (
    AdvisorObjective,
    Operation,
    RecordStatus,
    StepRecord,
    Target,
    TargetAttachment,
)
from webapp.operations.rules import Status, operation_status


def _done(target_id_column):
    """« contact pris » : the target has a step record marked « Terminée »."""
    return exists().where(StepRecord.target_id == target_id_column,
                          StepRecord.status == RecordStatus.DONE)


def _in_operation(stmt: Select, operation_id: int, advisor_id: int = 0) -> Select:
    stmt = scoped(stmt, Target).where(Target.operation_id == operation_id)
    return stmt.where(Target.advisor_id == advisor_id) if advisor_id else stmt


def target_rows(operation_id: int, advisor_id: int = 0) -> Select:
    """The operation's targets the viewer sees, by client name, with client and advisor."""
    return (_in_operation(select(Target), operation_id, advisor_id)
            .join(Client, Client.id == Target.client_id)
            .options(joinedload(Target.client), joinedload(Target.advisor),
                     joinedload(Target.conclusion_kind))
            .order_by(Client.last_name, Client.first_name, Target.id))


def contacted(target_ids: list[int]) -> set[int]:
    """Among ``target_ids``, those with a done step record (one query for a page)."""
    if not target_ids:
        return set()
    return set(db.session.scalars(
        select(StepRecord.target_id).distinct()
        .where(StepRecord.target_id.in_(target_ids), StepRecord.status == RecordStatus.DONE)))


@dataclass(frozen=True)
class Totals:
    count: int
    potential: Decimal


def target_totals(operation_id: int, advisor_id: int = 0) -> Totals:
    """Number of targets and sum of their potentials, in SQL, on the same rows as the list."""
    row = db.session.execute(_in_operation(
        select(func.count(Target.id), func.coalesce(func.sum(Target.potential), 0)),
        operation_id, advisor_id)).one()
    return Totals(count=row[0], potential=Decimal(row[1]))


def target_advisors(operation_id: int) -> list[tuple[int, str]]:
    """The advisors of the targets the viewer sees in the operation (the list filter)."""
    return db.session.execute(
        _in_operation(select(User.id, User.name).distinct().select_from(Target)
                      .join(User, User.id == Target.advisor_id), operation_id)
        .order_by(User.name)).all()


def assignable_advisors() -> list[tuple[int, str]]:
    """Active advisors and managers in the viewer's hierarchy."""
    return db.session.execute(
        scoped(select(User.id, User.name), User)
        .where(User.active, User.role.in_([Role.ADVISOR, Role.MANAGER]))
        .order_by(User.name)).all()


def records_of(target: Target) -> tuple[int, int]:
    """(step records, attachments) a removal deletes with the target."""
    records = db.session.scalar(select(func.count(StepRecord.id))
                                .where(StepRecord.target_id == target.id))
    files = db.session.scalar(select(func.count(TargetAttachment.id))
                              .where(TargetAttachment.target_id == target.id))
    return records, files


# --- The client query (bulk add) -------------------------------------------------------

def matching_clients(criteria: Criteria, user: User | None = None) -> Select:
    """Every client of the viewer's scope the query builder's criteria match (the client
    list's builder, one implementation: ``clients.selection``): (id, advisor_id) rows."""
    return selected(select(Client.id, Client.advisor_id), criteria, (), user)


def own_criteria(criteria: Criteria) -> Criteria:
    """An advisor who only takes part adds the clients he follows, whatever the query's
    advisor or team says: those criteria give way to « his own clients »."""
    return criteria.with_values("advisor_id", ()).with_values("team_id", ())


@dataclass(frozen=True)
class Preview:
    matched: int
    already: int

    @property
    def new(self) -> int:
        return self.matched - self.already


def bulk_preview(operation_id: int, criteria: Criteria, own_of: User | None = None) -> Preview:
    """How many clients the query matches, and how many of them are already targets
    (``own_of``: an advisor who adds only his own clients)."""
    rows = matching_clients(own_criteria(criteria) if own_of else criteria)
    if own_of:
        rows = rows.where(Client.advisor_id == own_of.id)
    matching = rows.subquery()
    row = db.session.execute(
        select(func.count(matching.c.id),
               func.count(Target.id))
        .select_from(matching)
        .outerjoin(Target, (Target.client_id == matching.c.id)
                   & (Target.operation_id == operation_id))).one()
    return Preview(matched=row[0], already=row[1])


# --- Operations offered, home box ------------------------------------------------------

def addable_operations(user: User, client: Client | None = None) -> list[Operation]:
    """Operations the user may add ``client`` to: visible, not archived, and managed by
    them (the right « gestion des opérations », or their creator or responsible), or,
    for a client they follow, one they take part in (a share or clients in it)."""
    stmt = scoped(select(Operation), Operation, user).where(Operation.archived.is_(False))
    if not user.manage_operations:
        runs = (Operation.created_by_id == user.id) | (Operation.responsible_id == user.id)
        if client is not None and client.advisor_id == user.id:
            runs = runs | Operation.id.in_(
                select(AdvisorObjective.operation_id)
                .where(AdvisorObjective.advisor_id == user.id)) | Operation.id.in_(
                select(Target.operation_id).where(Target.advisor_id == user.id))
        stmt = stmt.where(runs)
    return db.session.scalars(stmt.order_by(Operation.position, Operation.id)).all()


def client_targets(client_id: int) -> list[Target]:
    """The client's targets the viewer sees, with their operation."""
    return db.session.scalars(
        scoped(select(Target), Target).where(Target.client_id == client_id)
        .join(Operation, Operation.id == Target.operation_id)
        .options(joinedload(Target.operation), joinedload(Target.advisor),
                 joinedload(Target.conclusion_kind))
        .order_by(Operation.start.desc(), Operation.id)).all()


@dataclass(frozen=True)
class MyOperation:
    id: int
    name: str
    end: date
    targets: int
    to_contact: int


def advisor_operations(user: User, today: date) -> list[MyOperation]:
    """The operations in progress where ``user`` follows clients, in the managers' order,
    with the number of their clients still to contact (not concluded, no done step)."""
    to_contact = case((Target.concluded.is_(False) & ~_done(Target.id), 1), else_=0)
    rows = db.session.execute(
        select(Operation.id, Operation.name, Operation.start, Operation.end,
               Operation.archived, func.count(Target.id), func.sum(to_contact))
        .join(Target, Target.operation_id == Operation.id)
        .where(Target.advisor_id == user.id, Operation.archived.is_(False),
               Operation.start <= today, Operation.end >= today)
        .group_by(Operation.id, Operation.name, Operation.start, Operation.end,
                  Operation.archived, Operation.position)
        .order_by(Operation.position, Operation.id)).all()
    return [MyOperation(id=r[0], name=r[1], end=r[3], targets=r[5], to_contact=r[6] or 0)
            for r in rows if operation_status(r[2], r[3], r[4], today) == Status.IN_PROGRESS]


def followed_operations(user: User, today: date) -> list[MyOperation]:
    """The operations in progress a manager runs or follows (his team's clients in them),
    in the managers' order, with his scope's clients and those still to contact."""
    in_scope = Target.id.in_(scoped(select(Target.id), Target, user))
    to_contact = case((Target.concluded.is_(False) & ~_done(Target.id), 1), else_=0)
    rows = db.session.execute(
        scoped(select(Operation.id, Operation.name, Operation.end, func.count(Target.id),
                      func.sum(to_contact)), Operation, user)
        .outerjoin(Target, (Target.operation_id == Operation.id) & in_scope)
        .where(Operation.archived.is_(False), Operation.start <= today, Operation.end >= today)
        .group_by(Operation.id, Operation.name, Operation.end, Operation.position)
        .order_by(Operation.position, Operation.id)).all()
    return [MyOperation(id=r[0], name=r[1], end=r[2], targets=r[3], to_contact=r[4] or 0)
            for r in rows]


def to_contact(operation_ids: list[int]) -> list[Target]:
    """The targets of these operations still to contact, with client and advisor, for the
    start notification (one query)."""
    if not operation_ids:
        return []
    return db.session.scalars(
        select(Target).join(Client, Client.id == Target.client_id)
        .where(Target.operation_id.in_(operation_ids), Target.advisor_id.is_not(None),
               Target.concluded.is_(False), ~_done(Target.id))
        .options(joinedload(Target.client), joinedload(Target.advisor))
        .order_by(Target.operation_id, Target.advisor_id, Client.last_name,
                  Client.first_name)).all()
