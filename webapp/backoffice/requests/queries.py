"""Read queries on requests: the matrix's people, the queue with its filters and its
search across past exchanges, one request's thread."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import selectinload

from webapp.auth.models import Role, User
from webapp.auth.scope import scoped
from webapp.backoffice.models import (
    DESK_ROLES,
    Attachment,
    BoRequest,
    Comment,
    RequestRecipient,
    RequestType,
    RoutingEntry,
)
from webapp.backoffice.requests.rules import actors_of
from webapp.clients.models import Account, Client
from webapp.clients.rules import search_key
from webapp.extensions import db
from webapp.ids import MAX_ID
from webapp.pagination import Page, paginate

STATUSES = (("open", "En cours"), ("overdue", "En retard"), ("closed", "Clôturées"),
            ("all", "Toutes"))


def active_types() -> list[RequestType]:
    return db.session.scalars(select(RequestType).where(RequestType.active)
                              .order_by(RequestType.position, RequestType.id)).all()


def accounts_of(client: Client) -> list[Account]:
    return db.session.scalars(select(Account).where(Account.client_id == client.id)
                              .order_by(Account.product, Account.id)).all()


def _routed(request_type: RequestType | None, copy: bool) -> list[User]:
    if request_type is None:
        return []
    return db.session.scalars(
        select(User).join(RoutingEntry, RoutingEntry.user_id == User.id)
        .where(RoutingEntry.type_id == request_type.id, RoutingEntry.copy.is_(copy),
               User.active).order_by(RoutingEntry.id)).all()


def copy_choices(request_type: RequestType | None) -> list[User]:
    """The copies the matrix proposes for a type (« Copie ? »)."""
    return _routed(request_type, copy=True)


def addressees(request_type: RequestType) -> list[User]:
    """Who the matrix sends a type to (« A qui ? »), when named people."""
    return _routed(request_type, copy=False)


def bo_assistants() -> list[User]:
    return db.session.scalars(select(User).where(User.role == Role.BO_ASSISTANT, User.active)
                              .order_by(User.name)).all()


@dataclass(frozen=True)
class Filters:
    status: str = "open"
    type_id: int = 0
    assignee: str = ""  # "", "me", "none" or a user id
    q: str = ""

    def as_args(self) -> dict:
        return {k: v for k, v in vars(self).items() if v}


def _filtered(stmt: Select, filters: Filters, user: User, today: date) -> Select:
    if filters.status == "open":
        stmt = stmt.where(BoRequest.closed.is_(False))
    elif filters.status == "overdue":
        stmt = stmt.where(BoRequest.closed.is_(False), BoRequest.deadline < today)
    elif filters.status == "closed":
        stmt = stmt.where(BoRequest.closed.is_(True))
    if filters.type_id:
        stmt = stmt.where(BoRequest.type_id == filters.type_id)
    if filters.assignee == "me":
        stmt = stmt.where(BoRequest.assignee_id == user.id)
    elif filters.assignee == "none":
        stmt = stmt.where(BoRequest.assignee_id.is_(None))
    elif filters.assignee.isdigit() and int(filters.assignee) <= MAX_ID:
        # An id beyond any row is no filter (it was a 500 on PostgreSQL: integer range).
        stmt = stmt.where(BoRequest.assignee_id == int(filters.assignee))
    if key := search_key(filters.q):
        # « interroger le BO pour connaître l'historique d'un échange »: the subject (client
        # or contract, label) and every message of the thread, compared folded (« honore »
        # finds « HONORÉ » on both engines). A key holds no LIKE wildcard (% and _ fold to
        # spaces).
        pattern = f"%{key}%"
        in_thread = select(Comment.id).where(Comment.request_id == BoRequest.id,
                                             Comment.search_key.like(pattern)).exists()
        stmt = stmt.where(or_(BoRequest.search_key.like(pattern), in_thread))
    return stmt


def queue_page(filters: Filters, user: User, today: date, number: int = 1) -> Page:
    """The requests the user sees, by deadline (the most urgent first)."""
    stmt = (_filtered(scoped(select(BoRequest), BoRequest, user), filters, user, today)
            .options(selectinload(BoRequest.type), selectinload(BoRequest.author),
                     selectinload(BoRequest.assignee))
            .order_by(BoRequest.deadline, BoRequest.id))
    return paginate(stmt, number)


@dataclass(frozen=True)
class Counts:
    open: int
    overdue: int
    unassigned: int
    mine: int


def _how_many(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def counts(user: User, today: date) -> Counts:
    """The home box's figures: one aggregate query over the user's open requests."""
    row = db.session.execute(
        scoped(select(func.count(BoRequest.id), _how_many(BoRequest.deadline < today),
                      _how_many(BoRequest.assignee_id.is_(None)),
                      _how_many(BoRequest.assignee_id == user.id)),
               BoRequest, user).where(BoRequest.closed.is_(False))).one()
    return Counts(*row)


def thread(request: BoRequest) -> list[Comment]:
    return db.session.scalars(select(Comment).where(Comment.request_id == request.id)
                              .options(selectinload(Comment.author))
                              .order_by(Comment.id)).all()


def attachments(request: BoRequest) -> list[Attachment]:
    return db.session.scalars(select(Attachment).where(Attachment.request_id == request.id)
                              .order_by(Attachment.id)).all()


def attachment_of(request: BoRequest, attachment_id: int) -> Attachment | None:
    return db.session.scalar(select(Attachment).where(Attachment.request_id == request.id,
                                                      Attachment.id == attachment_id))


def handler_ids(request: BoRequest) -> set[int]:
    """Who the request is sent to: its assignee and the matrix's addressees."""
    ids = {r.user_id for r in request.recipients if not r.copy}
    if request.assignee_id:
        ids.add(request.assignee_id)
    return ids


def actors(request: BoRequest, user: User):
    return actors_of(user.id, user.role == Role.BO_ASSISTANT, request.author_id,
                     handler_ids(request))


def is_desk(user: User) -> bool:
    return user.role in DESK_ROLES


def assignable(request: BoRequest) -> list[User]:
    """Who may take a request: the BO assistants and the matrix's addressees."""
    people = {u.id: u for u in bo_assistants()}
    people |= {r.user.id: r.user for r in request.recipients if not r.copy and r.user.active}
    return sorted(people.values(), key=lambda u: u.name)


def recipients_of(request: BoRequest) -> list[RequestRecipient]:
    return db.session.scalars(select(RequestRecipient).where(
        RequestRecipient.request_id == request.id).options(
        selectinload(RequestRecipient.user))).all()
