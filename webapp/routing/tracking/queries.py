"""The tracking table: requests filtered (type, company, advisor, state, due), in the
viewer's scope, with the counts per state."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from webapp.auth.models import Role, User
from webapp.auth.scope import scoped
from webapp.extensions import db
from webapp.pagination import Page, paginate
from webapp.routing.models import ClientRequest, ContractFlag, FlagStatus
from webapp.routing.rules import State

STATUSES = (("open", "En cours"), (State.WAITING, "En attente de retour"),
            (State.OVERDUE, "Retour en retard"), ("due_soon", "À rendre sous 2 jours"),
            (State.ANSWERED, "Retour reçu"), (State.CLOSED, "Clôturées"), ("all", "Toutes"))


@dataclass(frozen=True)
class Filters:
    status: str = "open"
    type_id: int = 0
    company_id: int = 0
    advisor_id: int = 0

    def as_args(self) -> dict:
        return {k: v for k, v in vars(self).items() if v}


def _state_condition(status: str, today: date):
    open_ = ClientRequest.closed_on.is_(None)
    waiting = and_(open_, ClientRequest.answered_on.is_(None))
    return {
        "open": open_,
        State.WAITING: and_(waiting, ClientRequest.due_on >= today),
        State.OVERDUE: and_(waiting, ClientRequest.due_on < today),
        "due_soon": and_(waiting, ClientRequest.due_on >= today,
                         ClientRequest.due_on <= today + timedelta(days=2)),
        State.ANSWERED: and_(open_, ClientRequest.answered_on.is_not(None)),
        State.CLOSED: ClientRequest.closed_on.is_not(None),
    }.get(status)


def _filtered(filters: Filters, viewer: User):
    stmt = scoped(select(ClientRequest), ClientRequest, viewer)
    if filters.type_id:
        stmt = stmt.where(ClientRequest.type_id == filters.type_id)
    if filters.company_id:
        stmt = stmt.where(ClientRequest.company_id == filters.company_id)
    if filters.advisor_id:
        stmt = stmt.where(ClientRequest.advisor_id == filters.advisor_id)
    return stmt


def page(filters: Filters, viewer: User, today: date, number: int) -> Page:
    """One page of the tracking table: the nearest due first (overdue on top)."""
    stmt = _filtered(filters, viewer)
    condition = _state_condition(filters.status, today)
    if condition is not None:
        stmt = stmt.where(condition)
    if filters.status == State.CLOSED or filters.status == "all":
        stmt = stmt.order_by(ClientRequest.transmitted_at.desc(), ClientRequest.id.desc())
    else:
        stmt = stmt.order_by(ClientRequest.due_on, ClientRequest.id)
    stmt = stmt.options(selectinload(ClientRequest.client), selectinload(ClientRequest.type),
                        selectinload(ClientRequest.company), selectinload(ClientRequest.advisor))
    return paginate(stmt, number)


def counts(filters: Filters, viewer: User, today: date) -> dict[str, int]:
    """How many requests in each state, for the filters but the state: one count per state,
    each read from an index (a CASE over every row would read the whole table)."""
    found = {}
    for state in (State.WAITING, State.OVERDUE, State.ANSWERED, State.CLOSED):
        stmt = _filtered(filters, viewer).where(_state_condition(state, today))
        found[state] = db.session.scalar(stmt.with_only_columns(func.count()))
    return found


def mine(advisor: User, today: date) -> dict[str, int]:
    """« Mes demandes »: the advisor's own requests, per state."""
    return counts(Filters(advisor_id=advisor.id), advisor, today)


def advisors(viewer: User) -> list:
    """The advisors the filter offers (id and name): those of the viewer's scope."""
    stmt = select(User.id, User.name).where(User.role == Role.ADVISOR).order_by(User.name,
                                                                                  User.id)
    return db.session.execute(scoped(stmt, User, viewer)).all()


def flag_of(req: ClientRequest) -> ContractFlag | None:
    return db.session.scalar(select(ContractFlag).where(ContractFlag.request_id == req.id))


def pending_flags(viewer: User) -> list[ContractFlag]:
    stmt = scoped(select(ContractFlag).join(ContractFlag.request), ClientRequest, viewer)
    return list(db.session.scalars(stmt.where(ContractFlag.status == FlagStatus.PENDING)
                                   .order_by(ContractFlag.id)))


