"""The back-office desk: request types and their routing, requests with their thread,
the new-contract checklist, booklets, commercial gestures and incentive sales."""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    select,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from webapp.auth.models import Role, User
from webapp.auth.scope import scope_for, users_under
from webapp.backoffice.booklets.rules import CHANNEL_LABELS
from webapp.backoffice.checklist.rules import checklist_items, progress
from webapp.backoffice.gestures.rules import GESTURE_LABELS
from webapp.backoffice.requests.rules import is_overdue, workflow
from webapp.clients.models import Account, Client
from webapp.clients.rules import search_key
from webapp.database import UTCDateTime
from webapp.extensions import db
from webapp.history import Audited

MONEY = Numeric(14, 2)
DESK_ROLES = (Role.BO_ASSISTANT, Role.ADMIN)  # who sees the whole desk


def _now():
    return datetime.now(UTC)


class Duty:
    """What a designated person does for the desk (``Designation.duty``)."""

    GESTURE_VALIDATOR = "gesture_validator"


class RequestType(Audited, db.Model):
    """A line of the routing matrix « Quoi ? A qui ? Copie ? » (slide 3)."""

    __tablename__ = "bo_request_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    workflow: Mapped[str] = mapped_column(String(10), default="simple")
    to_bo: Mapped[bool] = mapped_column(Boolean, default=True)  # the BO queue receives it
    checklist: Mapped[bool] = mapped_column(Boolean, default=False)  # new-contract sheet
    hint: Mapped[str | None] = mapped_column(String(200))  # the seed's line, for the admin
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    routes: Mapped[list["RoutingEntry"]] = relationship(
        back_populates="type", cascade="all, delete-orphan", order_by="RoutingEntry.id")

    @property
    def workflow_label(self) -> str:
        return workflow(self.workflow).label

    def __str__(self):
        return self.name


class RoutingEntry(Audited, db.Model):
    """A person a request type goes to (``copy`` false) or may be copied to."""

    __tablename__ = "bo_routing"
    __table_args__ = (UniqueConstraint("type_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("bo_request_type.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    copy: Mapped[bool] = mapped_column(Boolean, default=False)

    type: Mapped[RequestType] = relationship(back_populates="routes")
    user: Mapped[User] = relationship()


class Designation(Audited, db.Model):
    """A person holding a duty of the desk, e.g. validating gestures (« David »)."""

    __tablename__ = "bo_designation"
    __table_args__ = (UniqueConstraint("duty", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    duty: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))

    user: Mapped[User] = relationship()


class BoRequest(Audited, db.Model):
    """A request to the BO: one subject, a deadline, a state of its type's workflow."""

    __tablename__ = "bo_request"
    __table_args__ = (
        Index("ix_bo_request_queue", "closed", "deadline", "id"),
        Index("ix_bo_request_author", "author_id", "closed", "deadline"),
    )
    __audit_exclude__ = frozenset({"closed", "search_key"})

    id: Mapped[int] = mapped_column(primary_key=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("bo_request_type.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"),
                                           index=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL"))
    label: Mapped[str] = mapped_column(String(120))
    subject: Mapped[str] = mapped_column(String(250))
    # The subject folded (case, accents, punctuation) for the queue's search, both engines.
    search_key: Mapped[str] = mapped_column(String(250), default="", server_default="")
    deadline: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20))
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now,
                                                 onupdate=_now)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    type: Mapped[RequestType] = relationship()
    client: Mapped[Client] = relationship()
    account: Mapped[Account | None] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    recipients: Mapped[list["RequestRecipient"]] = relationship(
        cascade="all, delete-orphan", order_by="RequestRecipient.copy")
    checklist: Mapped["Checklist | None"] = relationship(back_populates="request",
                                                         cascade="all, delete-orphan")

    @validates("subject")
    def _subject(self, _key, value):
        self.search_key = search_key(value)[:250]
        return value

    @property
    def flow(self):
        return workflow(self.type.workflow)

    @property
    def state_label(self) -> str:
        return self.flow.state(self.state).label

    def overdue(self, today: date) -> bool:
        return is_overdue(self.deadline, self.closed, today)

    def __str__(self):
        return self.subject


class RequestRecipient(db.Model):
    """Who a request is sent to (the matrix's people) and who is in copy."""

    __tablename__ = "bo_request_recipient"

    request_id: Mapped[int] = mapped_column(ForeignKey("bo_request.id", ondelete="CASCADE"),
                                            primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    copy: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()


class Comment(db.Model):
    """A message of the request's thread; a workflow move leaves one too."""

    __tablename__ = "bo_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("bo_request.id", ondelete="CASCADE"),
                                            index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, default="")
    search_key: Mapped[str] = mapped_column(Text, default="", server_default="")  # body folded
    move: Mapped[str | None] = mapped_column(String(120))  # « Tarifé → Vérifié »
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

    author: Mapped[User | None] = relationship()

    @validates("body")
    def _body(self, _key, value):
        self.search_key = search_key(value)
        return value


class Attachment(db.Model):
    """A file attached to a request (stored by webapp.uploads)."""

    __tablename__ = "bo_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("bo_request.id", ondelete="CASCADE"),
                                            index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    stored_name: Mapped[str] = mapped_column(String(80))
    original: Mapped[str] = mapped_column(String(200))
    mimetype: Mapped[str] = mapped_column(String(80))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

    author: Mapped[User | None] = relationship()


class Checklist(Audited, db.Model):
    """« Mise en place d'un nouveau contrat : les informations à transmettre » (slide 7)."""

    __tablename__ = "bo_checklist"
    __audit_exclude__ = frozenset({"due_date"})

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("bo_request.id", ondelete="CASCADE"), unique=True)
    contact_name: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(250))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    fram_code: Mapped[str | None] = mapped_column(String(30))
    effective_date: Mapped[date | None] = mapped_column(Date)
    fiscal_year_end: Mapped[str | None] = mapped_column(String(5))  # « 31/12 »
    due_date: Mapped[date | None] = mapped_column(Date)  # rules.due_date
    revenue: Mapped[Decimal | None] = mapped_column(MONEY)
    revenue_year: Mapped[int | None] = mapped_column(Integer)
    billing_basis: Mapped[str | None] = mapped_column(String(20))
    accounting_name: Mapped[str | None] = mapped_column(String(120))
    accounting_phone: Mapped[str | None] = mapped_column(String(30))
    subscription_format: Mapped[str | None] = mapped_column(String(20))
    reception_email: Mapped[str | None] = mapped_column(String(254))
    # « si différente de la générale »: the general e-mail receives the subscriptions.
    reception_same: Mapped[bool] = mapped_column(Boolean, default=False,
                                                 server_default=false())
    login_preference: Mapped[str | None] = mapped_column(String(200))
    chiefs: Mapped[str | None] = mapped_column(Text)
    logo_name: Mapped[str | None] = mapped_column(String(80))
    logo_original: Mapped[str | None] = mapped_column(String(200))
    logo_mimetype: Mapped[str | None] = mapped_column(String(80))
    logo_width: Mapped[int | None] = mapped_column(Integer)
    logo_height: Mapped[int | None] = mapped_column(Integer)
    booklet_type: Mapped[str | None] = mapped_column(String(120))
    booklet_format: Mapped[str | None] = mapped_column(String(10))
    booklet_quantity: Mapped[int | None] = mapped_column(Integer)
    booklet_needs: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    request: Mapped[BoRequest] = relationship(back_populates="checklist")
    completed_by: Mapped[User | None] = relationship()

    @property
    def items(self):
        return checklist_items({c.key: getattr(self, c.key)
                                for c in self.__table__.columns})

    @property
    def progress(self) -> tuple[int, int]:
        return progress(self.items)


class BookletContract(Audited, db.Model):
    """A contract whose booklets agencies order, on Logimail or not (slide 8)."""

    __tablename__ = "bo_booklet_contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    on_logimail: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(default=0)

    def __str__(self):
        return self.name


class BookletAllowance(Audited, db.Model):
    """An agency's yearly quota of one contract's booklets (« en fonction de la production
    annuelle des agences »); a groupist orders through the BO."""

    __tablename__ = "bo_booklet_allowance"
    __table_args__ = (UniqueConstraint("client_id", "contract_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("bo_booklet_contract.id", ondelete="CASCADE"))
    yearly_quota: Mapped[int] = mapped_column(Integer)
    groupist: Mapped[bool] = mapped_column(Boolean, default=False)

    client: Mapped[Client] = relationship()
    contract: Mapped[BookletContract] = relationship()


class BookletOrder(Audited, db.Model):
    __tablename__ = "bo_booklet_order"
    __table_args__ = (Index("ix_bo_booklet_order_agency", "client_id", "contract_id",
                            "ordered_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("bo_booklet_contract.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(Integer)
    ordered_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(10))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    client: Mapped[Client] = relationship()
    contract: Mapped[BookletContract] = relationship()

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS[self.channel]


class Gesture(Audited, db.Model):
    """A commercial gesture for an agency: asked with evidence, validated, processed."""

    __tablename__ = "bo_gesture"
    __table_args__ = (Index("ix_bo_gesture_status", "status", "requested_on"),
                      Index("ix_bo_gesture_client", "client_id", "requested_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))
    requested_on: Mapped[date] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
    processed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    client: Mapped[Client] = relationship()
    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    processed_by: Mapped[User | None] = relationship(foreign_keys=[processed_by_id])
    evidence: Mapped[list["GestureEvidence"]] = relationship(
        cascade="all, delete-orphan", order_by="GestureEvidence.id")

    @property
    def status_label(self) -> str:
        return GESTURE_LABELS[self.status]


class GestureEvidence(db.Model):
    """A proof sent by the agency (stored by webapp.uploads)."""

    __tablename__ = "bo_gesture_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    gesture_id: Mapped[int] = mapped_column(ForeignKey("bo_gesture.id", ondelete="CASCADE"),
                                            index=True)
    stored_name: Mapped[str] = mapped_column(String(80))
    original: Mapped[str] = mapped_column(String(200))
    mimetype: Mapped[str] = mapped_column(String(80))
    size: Mapped[int]


class Sale(Audited, db.Model):
    """A policy sold by an agency's seller, with its incentive (entered or imported)."""

    __tablename__ = "bo_sale"
    __table_args__ = (Index("ix_bo_sale_period", "sold_on", "agency", "seller"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sold_on: Mapped[date] = mapped_column(Date)
    agency: Mapped[str] = mapped_column(String(120))
    seller: Mapped[str] = mapped_column(String(120))
    policy: Mapped[str] = mapped_column(String(40))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


# --- Scopes -----------------------------------------------------------------------------

def _desk(user: User) -> bool:
    return user.role in DESK_ROLES


@scope_for(BoRequest)
def _requests(user: User):
    """The BO (and the admin) see the queue; a rep sees what they sent, what is sent to
    them or copied to them; a manager also what their team sent."""
    if _desk(user):
        return true()
    condition = ((BoRequest.author_id == user.id) | (BoRequest.assignee_id == user.id)
                 | BoRequest.id.in_(select(RequestRecipient.request_id)
                                    .where(RequestRecipient.user_id == user.id)))
    if user.role == Role.MANAGER:
        condition |= BoRequest.author_id.in_(users_under(user))
    return condition


@scope_for(Gesture)
def _gestures(user: User):
    """The BO and the designated validators see every gesture; a rep the ones they asked
    for; a manager their team's."""
    if _desk(user):
        return true()
    validator = select(Designation.id).where(Designation.duty == Duty.GESTURE_VALIDATOR,
                                             Designation.user_id == user.id).exists()
    condition = validator | (Gesture.requester_id == user.id)
    if user.role == Role.MANAGER:
        condition |= Gesture.requester_id.in_(users_under(user))
    return condition


def _desk_only(user: User):
    return true() if _desk(user) else false()


for _model in (BookletOrder, BookletAllowance, Sale):
    scope_for(_model)(_desk_only)
