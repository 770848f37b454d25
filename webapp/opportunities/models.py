"""The pipeline's data: stages, types and lost reasons (data an admin may change), the
opportunity, its meetings and calls, and the branches' SPEX and DV (the rotation)."""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from webapp.auth.models import Access, Branch, User
from webapp.auth.scope import scope_for, users_under
from webapp.choices import LabelledEnum
from webapp.clients.models import Client, Language
from webapp.clock import local_day
from webapp.database import UTCDateTime
from webapp.extensions import db
from webapp.history import Audited
from webapp.opportunities.rules import (
    DEPOSIT_KINDS,
    PRIORITY_LABELS,
    StageInfo,
    is_expired,
    parse_requirements,
    stock_key,
)

MONEY = Numeric(14, 2)


def _now():
    return datetime.now(UTC)


class Stage(db.Model):
    """A column of the kanban (seed 003 « Définition des étapes de l'Opportunité »); data,
    like the types and the lost reasons (not audited: the defaults are inserted by the
    migration)."""

    __tablename__ = "opportunity_stage"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    won: Mapped[bool] = mapped_column(Boolean, default=False)
    lost: Mapped[bool] = mapped_column(Boolean, default=False)
    invalid: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_after_days: Mapped[int | None] = mapped_column(Integer)
    # « Perdu BDC … (relance automatique) »: the owner is reminded this many days after
    # the opportunity entered the stage (None: no relaunch).
    relaunch_after_days: Mapped[int | None] = mapped_column(Integer)
    # Requirement keys to enter the stage (rules.REQUIREMENTS), comma-separated.
    required: Mapped[str] = mapped_column(String(300), default="")
    # The date the stage records on entry: "sale_date" or "delivery_date".
    stamps: Mapped[str | None] = mapped_column(String(20))

    @property
    def requirements(self) -> tuple[str, ...]:
        return parse_requirements(self.required)

    @property
    def info(self) -> StageInfo:
        return StageInfo(self.id, self.position, self.won, self.lost, self.invalid,
                         self.requirements)

    @property
    def closed_badly(self) -> bool:
        return self.lost or self.invalid

    def __str__(self):
        return self.name


class OpportunityType(db.Model):
    """Lead Internet, Phone-Up, Clavardage, SMS."""

    __tablename__ = "opportunity_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    def __str__(self):
        return self.name


class LostReason(db.Model):
    """Why an opportunity was lost or put in the bin."""

    __tablename__ = "lost_reason"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    def __str__(self):
        return self.name


class Duty(LabelledEnum):
    SPEX = "spex", "Spécialiste expérience client (SPEX)"
    DV = "dv", "Directeur des ventes (DV)"


class BranchStaff(Audited, db.Model):
    """A SPEX in a branch's rotation (« tour de gun RDV »), or a DV of the branch's DV
    group (participants of a virtual meeting)."""

    __tablename__ = "branch_staff"
    __table_args__ = (UniqueConstraint("branch_id", "user_id", "duty"),)
    __audit_exclude__ = frozenset({"last_assigned_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         index=True)
    duty: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(default=0)
    last_assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    branch: Mapped[Branch] = relationship()
    user: Mapped[User] = relationship()


class Opportunity(Audited, db.Model):
    """A sales opportunity (seed 003 « Informations – Opportunités », « Véhicule recherché
    par le client », « Véhicule de reprise », « Suivi à faire », « Remarques »; seed 001:
    finalité, montant potentiel, probabilité, période)."""

    __tablename__ = "opportunity"
    __table_args__ = (
        # The kanban: each column's cards newest first, and the same under a filter. The
        # owner, SPEX and DV last: a manager's scope is checked on the index entries alone.
        Index("ix_opportunity_board", "stage_id", "stage_entered_at", "id", "owner_id",
              "spex_id", "sales_director_id"),
        # An advisor's (or a DV's) column: their own cards as SPEX / DV, newest first.
        Index("ix_opportunity_spex_board", "spex_id", "stage_id", "stage_entered_at", "id"),
        Index("ix_opportunity_director_board", "sales_director_id", "stage_id",
              "stage_entered_at", "id"),
        # (the amount last: a filtered board's counts and sums read the index only)
        Index("ix_opportunity_owner_board", "owner_id", "stage_id", "stage_entered_at", "id",
              "amount"),
        Index("ix_opportunity_branch_board", "branch_id", "stage_id", "stage_entered_at",
              "id", "amount"),
        # Counts and sums per column read this index only, under a type or period filter too.
        Index("ix_opportunity_stage_amount", "stage_id", "amount", "type_id", "created_at"),
        Index("ix_opportunity_stock", "stock_key", "stage_id"),
        # An owner's expired opportunities per stage (the home box): counted in the index.
        Index("ix_opportunity_owner_created", "owner_id", "stage_id", "created_at"),
        # The list view, newest first: its first page reads 25 index entries, no sort.
        Index("ix_opportunity_created", "created_at", "id"),
    )
    __audit_exclude__ = frozenset({"stock_key", "stage_entered_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    # Informations – Opportunités
    name: Mapped[str] = mapped_column(String(160))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"),
                                           index=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("opportunity_type.id"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("opportunity_stage.id"))
    stage_entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    phone: Mapped[str | None] = mapped_column(String(30))
    phone_is_mobile: Mapped[bool | None] = mapped_column(Boolean)
    email: Mapped[str | None] = mapped_column(String(254))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"))
    language: Mapped[str | None] = mapped_column(String(5))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    spex_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    sales_director_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Seed 001: « la finalité, le montant potentiel, la probabilité et la période »
    purpose: Mapped[str | None] = mapped_column(String(200))
    amount: Mapped[Decimal | None] = mapped_column(MONEY)
    probability: Mapped[int | None] = mapped_column(Integer)
    expected_close_on: Mapped[date | None] = mapped_column(Date)
    # Véhicule recherché par le client
    vehicle_make: Mapped[str | None] = mapped_column(String(60))
    vehicle_model: Mapped[str | None] = mapped_column(String(60))
    vehicle_year: Mapped[int | None] = mapped_column(Integer)
    stock_number: Mapped[str | None] = mapped_column(String(30))
    stock_key: Mapped[str | None] = mapped_column(String(30))
    vehicle_notes: Mapped[str | None] = mapped_column(Text)
    # Véhicule de reprise (only if the client has a trade-in)
    has_trade_in: Mapped[bool] = mapped_column(Boolean, default=False)
    trade_make: Mapped[str | None] = mapped_column(String(60))
    trade_model: Mapped[str | None] = mapped_column(String(60))
    trade_year: Mapped[int | None] = mapped_column(Integer)
    trade_odometer: Mapped[int | None] = mapped_column(Integer)
    # Suivi à faire, Remarques
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    remarks: Mapped[str | None] = mapped_column(Text)
    # Closing
    lost_reason_id: Mapped[int | None] = mapped_column(ForeignKey("lost_reason.id"))
    sale_date: Mapped[date | None] = mapped_column(Date)
    delivery_date: Mapped[date | None] = mapped_column(Date)
    copied_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("opportunity.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now,
                                                 onupdate=_now)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    client: Mapped[Client] = relationship()
    type: Mapped[OpportunityType] = relationship()
    stage: Mapped[Stage] = relationship()
    branch: Mapped[Branch | None] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    spex: Mapped[User | None] = relationship(foreign_keys=[spex_id])
    sales_director: Mapped[User | None] = relationship(foreign_keys=[sales_director_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    lost_reason: Mapped[LostReason | None] = relationship()
    copied_from: Mapped["Opportunity | None"] = relationship(remote_side=[id])

    @validates("stock_number")
    def _stock(self, _key, value):
        self.stock_key = stock_key(value)
        return value

    def expired(self, today: date) -> bool:
        """« Expirée »: more than 8 weeks since creation in a stage that expires."""
        return is_expired(local_day(self.created_at), today, self.stage.expires_after_days)

    def __str__(self):
        return self.name


class StageTally(db.Model):
    """How many opportunities, and their summed amount in cents, per stage × owner × SPEX ×
    DV × branch × type (0: none): the board's column totals, for any viewer's scope,
    without reading 100 000 rows.
    Kept by the database's own triggers on ``opportunity`` (tally.py), so every write —
    form, move, import, demo, cascade — counts, in the writer's transaction."""

    __tablename__ = "opportunity_tally"

    stage_id: Mapped[int] = mapped_column(
        ForeignKey("opportunity_stage.id", ondelete="CASCADE"), primary_key=True)
    owner_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    spex_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sales_director_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    cents: Mapped[int] = mapped_column(BigInteger, default=0)


class MeetingCategory(LabelledEnum):
    MEETING = "meeting", "Rendez-vous"
    DELIVERY = "delivery", "Livraison"
    FOLLOW_UP = "follow_up", "Suivi"


class MeetingStatus(LabelledEnum):
    PLANNED = "planned", "Rendez-vous planifié"
    PRESENT = "present", "Client présent"
    NO_SHOW = "no_show", "Client absent"
    CANCELLED = "cancelled", "Annulé"


class Device(LabelledEnum):
    IPHONE = "iphone", "iPhone"
    ANDROID = "android", "Android"


class ESign(LabelledEnum):
    SENT = "sent", "Envoyé"
    SIGNED = "signed", "Signé"


class Meeting(Audited, db.Model):
    """A meeting (« réunion ») booked from an opportunity (seed 003 « Création d'une
    réunion »)."""

    __tablename__ = "opportunity_meeting"
    __table_args__ = (Index("ix_opportunity_meeting_day", "opportunity_id", "starts_at"),
                      # a day's meetings (the home box): that day's entries only
                      Index("ix_opportunity_meeting_starts", "starts_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunity.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(default=60)
    location: Mapped[str | None] = mapped_column(String(200))
    priority: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(10), default=MeetingCategory.MEETING)
    virtual: Mapped[bool] = mapped_column(Boolean, default=False)
    device: Mapped[str | None] = mapped_column(String(10))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"))
    language: Mapped[str | None] = mapped_column(String(5))
    stock_numbers: Mapped[str | None] = mapped_column(String(200))
    deposit_kind: Mapped[str | None] = mapped_column(String(10))
    receipt_name: Mapped[str | None] = mapped_column(String(80))
    receipt_original: Mapped[str | None] = mapped_column(String(200))
    receipt_mimetype: Mapped[str | None] = mapped_column(String(80))
    esign_status: Mapped[str | None] = mapped_column(String(10))
    transfer: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default=MeetingStatus.PLANNED)
    description: Mapped[str | None] = mapped_column(Text)
    spex_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    sequence: Mapped[int] = mapped_column(default=0)  # the .ics SEQUENCE
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    opportunity: Mapped[Opportunity] = relationship()
    branch: Mapped[Branch | None] = relationship()
    spex: Mapped[User | None] = relationship(foreign_keys=[spex_id])

    @property
    def priority_label(self) -> str:
        return PRIORITY_LABELS.get(self.priority, self.priority)

    @property
    def deposit_label(self) -> str | None:
        return DEPOSIT_KINDS.get(self.deposit_kind) if self.deposit_kind else None

    @property
    def status_label(self) -> str:
        return MeetingStatus(self.status).label

    @property
    def category_label(self) -> str:
        return MeetingCategory(self.category).label

    @property
    def device_label(self) -> str | None:
        """« Android », not the stored « android »."""
        return Device.labels().get(self.device, self.device)

    @property
    def language_label(self) -> str | None:
        """« Français », not the stored « fr »."""
        return Language.labels().get(self.language, self.language)


class Call(Audited, db.Model):
    """A call scheduled from the opportunity (« Programmer un appel »)."""

    __tablename__ = "opportunity_call"
    __table_args__ = (Index("ix_opportunity_call_due", "done_at", "scheduled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunity.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    assigned_to_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

    opportunity: Mapped[Opportunity] = relationship()
    assigned_to: Mapped[User] = relationship(foreign_keys=[assigned_to_id])


def sees_whole_pipeline(user: User) -> bool:
    return user.role.client_access == Access.ALL


def visible_opportunities(user: User):
    """The condition on Opportunity for ``user``: the BDC, the BO and the admins serve the
    whole pipeline; a manager (DV) sees those where someone of their hierarchy is the
    owner, the SPEX or the DV; an advisor (SPEX) those where they are one of the three."""
    return people_scope(user, Opportunity.owner_id, Opportunity.spex_id,
                        Opportunity.sales_director_id)


def people_scope(user: User, *columns):
    """``visible_opportunities``'s condition on any three columns holding an owner, a
    SPEX and a DV: the opportunity's own, or the tally's key (tally.py)."""
    if sees_whole_pipeline(user):
        return true()
    access = user.role.client_access
    if access == Access.TEAM:
        people = users_under(user)
        return or_(*(column.in_(people) for column in columns))
    return or_(*(column == user.id for column in columns))


@scope_for(Opportunity)
def _opportunities(user: User):
    return visible_opportunities(user)


@scope_for(Meeting)
def _meetings(user: User):
    if user.role.client_access == Access.ALL:
        return true()
    return Meeting.opportunity_id.in_(
        select(Opportunity.id).where(visible_opportunities(user)))


@scope_for(Call)
def _calls(user: User):
    if user.role.client_access == Access.ALL:
        return true()
    return Call.opportunity_id.in_(select(Opportunity.id).where(visible_opportunities(user)))
