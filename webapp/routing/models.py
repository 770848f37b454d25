"""Client request routing (seed 002): request types and companies (data), the competence
table, the requests with their feedback, the bonus/malus points and the settings."""

from datetime import UTC, date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import Access, User
from webapp.auth.scope import owned_by, scope_for
from webapp.choices import LabelledEnum
from webapp.clients.models import Client
from webapp.database import UTCDateTime
from webapp.extensions import db
from webapp.history import Audited
from webapp.routing import rules


def _now():
    return datetime.now(UTC)


class Channel(LabelledEnum):
    PHONE = "phone", "Téléphone"
    EMAIL = "email", "E-mail"


class ActionKind(LabelledEnum):
    CALL = "call", "Appel effectué le"
    MEETING = "meeting", "RDV posé le"
    NEW_BUSINESS = "new_business", "Affaire nouvelle"
    MONEY_PITCH = "money_pitch", "Money Pitch réalisé"
    CONTRACT_ENDED = "contract_ended", "Contrat existant racheté / clôturé le"
    OTHER = "other", "Autre"


class FlagStatus(LabelledEnum):
    PENDING = "pending", "À examiner"
    CONFIRMED = "confirmed", "Confirmé (malus)"
    DISMISSED = "dismissed", "Écarté"


class RoutedBy(LabelledEnum):
    SITUATION = "situation", "Conseiller du client"
    TABLE = "table", "Tableau des compétences"


class ClientRequestType(Audited, db.Model):
    """A kind of client request (demande de rachat, arbitrage…): data an admin edits."""

    __tablename__ = "routing_request_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # A rachat or an arrêt des versements ends a contract: « ne pas casser un contrat ».
    ends_contract: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_certification: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(default=0)

    def __str__(self):
        return self.name


class Company(Audited, db.Model):
    """An insurer or product company a request concerns."""

    __tablename__ = "routing_company"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self):
        return self.name


class RoutingProfile(Audited, db.Model):
    """One advisor's line of the competence table."""

    __tablename__ = "routing_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    advisor_id: Mapped[int] = mapped_column(ForeignKey("user.id"), unique=True)
    volunteer: Mapped[bool] = mapped_column(Boolean, default=False)
    sectors: Mapped[str] = mapped_column(String(400), default="")
    certified: Mapped[bool] = mapped_column(Boolean, default=False)
    max_open: Mapped[int | None] = mapped_column()

    advisor: Mapped[User] = relationship()
    competences: Mapped[list["Competence"]] = relationship(
        back_populates="profile", cascade="all, delete-orphan")

    @property
    def sector_list(self) -> tuple[str, ...]:
        return rules.parse_sectors(self.sectors)


class Competence(db.Model):
    """The advisor handles this request type for this company."""

    __tablename__ = "routing_competence"
    __table_args__ = (UniqueConstraint("profile_id", "type_id", "company_id"),
                      Index("ix_routing_competence_need", "type_id", "company_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("routing_profile.id", ondelete="CASCADE"))
    type_id: Mapped[int] = mapped_column(ForeignKey("routing_request_type.id"))
    company_id: Mapped[int] = mapped_column(ForeignKey("routing_company.id"))

    profile: Mapped[RoutingProfile] = relationship(back_populates="competences")


class ClientRequest(Audited, db.Model):
    """A client's request taken by phone or e-mail and transmitted to an advisor: a row of
    the tracking table, due 7 days after its transmission."""

    __tablename__ = "routing_request"
    __table_args__ = (
        # The tracking table's counts per state read these indexes only (the whole desk's,
        # or an advisor's / a team's), and its first page walks the open ones by due date.
        Index("ix_routing_request_advisor_open", "advisor_id", "closed_on", "answered_on",
              "due_on"),
        Index("ix_routing_request_due", "closed_on", "answered_on", "due_on"),
        Index("ix_routing_request_open_due", "closed_on", "due_on", "id"),
        Index("ix_routing_request_client", "client_id", "closed_on"),
        Index("ix_routing_request_transmitted", "transmitted_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10))
    type_id: Mapped[int] = mapped_column(ForeignKey("routing_request_type.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("routing_company.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    situation: Mapped[str] = mapped_column(String(40))
    routed_by: Mapped[str] = mapped_column(String(10))
    why: Mapped[str | None] = mapped_column(String(400))
    advisor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    transmitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    transmitted_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    answered_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    client: Mapped[Client] = relationship()
    type: Mapped[ClientRequestType] = relationship()
    company: Mapped[Company] = relationship()
    advisor: Mapped[User] = relationship(foreign_keys=[advisor_id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    actions: Mapped[list["FeedbackAction"]] = relationship(
        back_populates="request", cascade="all, delete-orphan",
        order_by="(FeedbackAction.done_on, FeedbackAction.id)")

    def state(self, today: date) -> str:
        return rules.state(self.transmitted_on, today, self.answered_on, self.closed_on)

    @property
    def channel_label(self) -> str:
        return Channel(self.channel).label


class FeedbackAction(db.Model):
    """One action the advisor reports (« Appel effectué le…, RDV posé, affaire nouvelle »)."""

    __tablename__ = "routing_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("routing_request.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    done_on: Mapped[date] = mapped_column(Date)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("routing_company.id"))
    note: Mapped[str | None] = mapped_column(String(500))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

    request: Mapped[ClientRequest] = relationship(back_populates="actions")
    company: Mapped[Company | None] = relationship()
    author: Mapped[User | None] = relationship()

    @property
    def kind_label(self) -> str:
        return ActionKind(self.kind).label


class ContractFlag(Audited, db.Model):
    """« Ne pas casser un contrat pour un autre »: a new business next to the end of the
    client's contract with the same company, for a manager's review."""

    __tablename__ = "routing_contract_flag"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("routing_request.id", ondelete="CASCADE"), unique=True)
    reason: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10), default=FlagStatus.PENDING)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request: Mapped[ClientRequest] = relationship()

    @property
    def status_label(self) -> str:
        return FlagStatus(self.status).label


class ScoreRule(Audited, db.Model):
    """A bonus or malus rule: its points are data (``rules.DEFAULT_POINTS`` at first)."""

    __tablename__ = "routing_score_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    points: Mapped[int] = mapped_column(default=0)


class ScoreEvent(db.Model):
    """One point line of an advisor's bonus/malus, from one request."""

    __tablename__ = "routing_score_event"
    # An advisor's total reads this index only.
    __table_args__ = (Index("ix_routing_score_advisor", "advisor_id", "points"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    advisor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    request_id: Mapped[int] = mapped_column(
        ForeignKey("routing_request.id", ondelete="CASCADE"), index=True)
    rule_key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(120))
    points: Mapped[int] = mapped_column()
    earned_on: Mapped[date] = mapped_column(Date)

    request: Mapped[ClientRequest] = relationship()


class RoutingSettings(Audited, db.Model):
    """One row: who follows the transmissions, the contract window, the boosters' rule."""

    __tablename__ = "routing_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_email: Mapped[str | None] = mapped_column(String(254))
    contract_window_days: Mapped[int] = mapped_column(default=90)
    booster_floor: Mapped[int] = mapped_column(default=0)
    booster_cap: Mapped[int] = mapped_column(default=20)


def _sees_all(user: User) -> bool:
    return user.role.client_access == Access.ALL or bool(getattr(user, "take_requests", False))


@scope_for(ClientRequest)
def _requests(user: User):
    """The desk (BO, admin, whoever takes calls) sees every request; a manager their
    hierarchy's advisors'; an advisor their own; a BDC agent none."""
    if user.role.value == "bdc_agent" and not user.take_requests:
        return ClientRequest.id.is_(None)
    if _sees_all(user):
        return true()
    return owned_by(ClientRequest.advisor_id, user, user.role.client_access)
