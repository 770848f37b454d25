"""Writes of the query builder: saved queries, and the actions on a query's result (add
to an operation, assign an advisor), each all or nothing, counted before it is confirmed.

The services take plain values: the criteria (a frozen ``Criteria``), the ticked client
ids, the acting user; the result is read again here, in the actor's scope."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlencode

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp.auth.models import Role, User
from webapp.auth.scope import scoped
from webapp.clients.models import Client
from webapp.clients.selection.models import SavedQuery
from webapp.clients.selection.queries import selected
from webapp.clients.selection.rules import (
    Criteria,
    changed_since_preview,
    parse_criteria,
    refuse_bulk,
)
from webapp.clients.services import assign_advisor
from webapp.errors import Refused
from webapp.extensions import db
from webapp.forms import FieldRefused
from webapp.operations.models import Operation, Target
from webapp.operations.rules import TargetRight
from webapp.operations.targets.services import BULK_MAX, BulkResult, add_clients, check_adding

NAME_TAKEN = "Vous avez déjà une requête de ce nom."
EMPTY_QUERY = "Choisissez au moins un critère avant d'enregistrer la requête."
NOT_OWNER = "Seul son auteur modifie ou supprime une requête."
MANAGERS_ONLY = "Seuls les responsables changent le conseiller de clients."
ADVISOR_OUT = "Ce conseiller n'est pas dans votre périmètre."
ASSIGN_ROLES = (Role.MANAGER, Role.ADMIN)


# --- Saved queries ---------------------------------------------------------------------

def criteria_of(query: SavedQuery) -> Criteria:
    """A saved query's criteria, read again like a URL's (a criterion since removed is
    ignored, never an error)."""
    return parse_criteria(parse_qs(query.criteria or "", keep_blank_values=False))


def save_query(owner: User, name: str, criteria: Criteria, shared: bool,
               query: SavedQuery | None = None) -> SavedQuery:
    """Save (or rename / re-share / change) ``owner``'s query; shared means seen by the
    owner's team and the teams below it."""
    if not criteria:
        raise Refused(EMPTY_QUERY)
    if query is not None and query.owner_id != owner.id:
        raise Refused(NOT_OWNER, 403)
    name = " ".join(name.split())
    clash = select(SavedQuery.id).where(SavedQuery.owner_id == owner.id,
                                        func.lower(SavedQuery.name) == name.lower())
    if query is not None and query.id is not None:
        clash = clash.where(SavedQuery.id != query.id)
    if db.session.scalar(clash.limit(1)):
        raise FieldRefused("name", NAME_TAKEN)
    query = query or SavedQuery(owner_id=owner.id)
    query.name = name
    query.criteria = urlencode(criteria.as_args())
    query.team_id = owner.team_id if shared else None
    db.session.add(query)
    db.session.flush()
    return query


def delete_query(owner: User, query: SavedQuery) -> None:
    if query.owner_id != owner.id:
        raise Refused(NOT_OWNER, 403)
    db.session.delete(query)
    db.session.flush()


# --- Add the result to an operation ----------------------------------------------------

@dataclass(frozen=True)
class AddPreview:
    matched: int  # clients the query (or the ticked rows) gives, in the actor's scope
    already: int  # of them, already in the operation: skipped
    without_advisor: int  # of the new ones, without an advisor

    @property
    def new(self) -> int:
        return self.matched - self.already


def _rows(criteria: Criteria, ticked: tuple[int, ...], actor: User):
    return selected(select(Client.id, Client.advisor_id), criteria, ticked, actor)


def preview_add(operation: Operation, criteria: Criteria, ticked: tuple[int, ...],
                actor: User) -> AddPreview:
    """What adding the result to ``operation`` would do, counted in SQL (an advisor who
    only takes part counts the clients he follows: those he may add)."""
    rows = _rows(criteria, ticked, actor)
    if check_adding(operation, actor) == TargetRight.OWN:
        rows = rows.where(Client.advisor_id == actor.id)
    inner = rows.subquery()
    row = db.session.execute(
        select(func.count(inner.c.id), func.count(Target.id),
               func.count(inner.c.id).filter(Target.id.is_(None)
                                             & inner.c.advisor_id.is_(None)))
        .select_from(inner)
        .outerjoin(Target, (Target.client_id == inner.c.id)
                   & (Target.operation_id == operation.id))).one()
    return AddPreview(matched=row[0], already=row[1], without_advisor=row[2])


def add_to_operation(operation: Operation, criteria: Criteria, ticked: tuple[int, ...],
                     actor: User, entry_date: date, potential: Decimal | None,
                     potentials: dict[int, Decimal] | None, advisor_id: int | None,
                     expected: int) -> BulkResult:
    """Put the result (or the ticked rows) in ``operation``: the targets' service, with
    its rights (an advisor taking part adds his own clients), all or nothing."""
    return add_clients(operation, _rows(criteria, ticked, actor), entry_date,
                       potential=potential, potentials=potentials, advisor_id=advisor_id,
                       actor=actor, expected=expected)


# --- Assign an advisor -----------------------------------------------------------------

@dataclass(frozen=True)
class AssignPreview:
    matched: int
    unchanged: int  # already followed by that advisor

    @property
    def changing(self) -> int:
        return self.matched - self.unchanged


def may_assign(user: User) -> bool:
    return user.role in ASSIGN_ROLES


def _check_assign(actor: User, advisor_id: int) -> None:
    if not may_assign(actor):
        raise Refused(MANAGERS_ONLY, 403)
    allowed = scoped(select(User.id), User, actor).where(
        User.id == advisor_id, User.active.is_(True),
        User.role.in_([Role.ADVISOR, Role.MANAGER]))
    if db.session.scalar(allowed) is None:
        raise FieldRefused("advisor_id", ADVISOR_OUT)


def preview_assign(criteria: Criteria, ticked: tuple[int, ...], actor: User,
                   advisor_id: int) -> AssignPreview:
    _check_assign(actor, advisor_id)
    inner = _rows(criteria, ticked, actor).subquery()
    row = db.session.execute(select(
        func.count(inner.c.id),
        func.count(inner.c.id).filter(inner.c.advisor_id == advisor_id))).one()
    return AssignPreview(matched=row[0], unchanged=row[1])


def assign_clients(criteria: Criteria, ticked: tuple[int, ...], actor: User,
                   advisor_id: int, expected: int, on: date | None = None) -> int:
    """Give the result's clients (or the ticked ones) to ``advisor_id``: each change
    closes the former advisor's period and opens the new one (the advisor history), all
    or nothing. Returns the number of clients changed."""
    _check_assign(actor, advisor_id)
    stmt = (selected(select(Client), criteria, ticked, actor)
            .where(Client.advisor_id.is_distinct_from(advisor_id))
            .options(selectinload(Client.advisor_periods)).order_by(Client.id))
    clients = db.session.scalars(stmt).all()
    if message := refuse_bulk(len(clients), BULK_MAX):
        raise Refused(message)
    if message := changed_since_preview(expected, len(clients)):
        raise Refused(message, 409)
    for client in clients:
        assign_advisor(client, advisor_id, on)
    db.session.flush()
    return len(clients)
