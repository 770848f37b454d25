"""Commercial operations: the campaign, its steps, its targets and their step records."""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import Access, User
from webapp.auth.scope import owned_by, scope_for, users_under
from webapp.choices import LabelledEnum
from webapp.clients.models import Account, Client
from webapp.database import UTCDateTime
from webapp.extensions import db
from webapp.history import Audited
from webapp.operations.rules import STATUS_LABELS, line_colour, operation_status

MONEY = Numeric(14, 2)


def _now():
    return datetime.now(UTC)


class StepKind(LabelledEnum):
    TASK = "task", "Tâche"
    MEETING = "meeting", "Rendez-vous"
    REMINDER = "reminder", "Relance"
    FOLLOWUP = "followup", "Fiche de suivi"
    MAIL = "mail", "Mail"


class RecordStatus(LabelledEnum):
    PLANNED = "planned", "Planifiée"
    DONE = "done", "Terminée"
    CANCELLED = "cancelled", "Annulée"


class Operation(Audited, db.Model):
    __tablename__ = "operation"
    __audit_exclude__ = frozenset({"position"})

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    responsible_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    objective: Mapped[Decimal | None] = mapped_column(MONEY)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    notify_start: Mapped[bool] = mapped_column(Boolean, default=False)
    notify_on: Mapped[date | None] = mapped_column(Date)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(default=0)  # manual order of the list
    sale_step_id: Mapped[int | None] = mapped_column(
        ForeignKey("step.id", use_alter=True, ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    responsible: Mapped[User] = relationship(foreign_keys=[responsible_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    steps: Mapped[list["Step"]] = relationship(
        back_populates="operation", order_by="Step.position", cascade="all, delete-orphan",
        foreign_keys="Step.operation_id")
    sale_step: Mapped["Step | None"] = relationship(foreign_keys=[sale_step_id],
                                                    post_update=True)
    shares: Mapped[list["AdvisorObjective"]] = relationship(
        back_populates="operation", cascade="all, delete-orphan")

    def status(self, today: date) -> str:
        return operation_status(self.start, self.end, self.archived, today)

    def status_label(self, today: date) -> str:
        return STATUS_LABELS[self.status(today)]

    def __str__(self):
        return self.name


class AdvisorObjective(Audited, db.Model):
    """An advisor's share of the operation's objective, in € or in %."""

    __tablename__ = "advisor_objective"
    __table_args__ = (UniqueConstraint("operation_id", "advisor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"))
    advisor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    amount: Mapped[Decimal | None] = mapped_column(MONEY)
    percent: Mapped[Decimal | None] = mapped_column(Numeric(7, 4))

    operation: Mapped[Operation] = relationship(back_populates="shares")
    advisor: Mapped[User] = relationship()


class Step(Audited, db.Model):
    __tablename__ = "step"
    __table_args__ = (UniqueConstraint("operation_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"),
                                              index=True)
    key: Mapped[str | None] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10), default=StepKind.TASK)
    mandatory: Mapped[bool] = mapped_column(Boolean, default=True)
    propose_next: Mapped[bool] = mapped_column(Boolean, default=False)
    instructions: Mapped[str | None] = mapped_column(Text)

    operation: Mapped[Operation] = relationship(back_populates="steps",
                                                foreign_keys=[operation_id])
    actions: Mapped[list["StepAction"]] = relationship(
        back_populates="step", order_by="StepAction.position", cascade="all, delete-orphan")
    documents: Mapped[list["StepDocument"]] = relationship(cascade="all, delete-orphan")

    @property
    def kind_label(self) -> str:
        return StepKind(self.kind).label


class StepAction(Audited, db.Model):
    """A sub-task of a task step; a mandatory one must be checked before « Terminée »."""

    __tablename__ = "step_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    label: Mapped[str] = mapped_column(String(200))
    mandatory: Mapped[bool] = mapped_column(Boolean, default=False)

    step: Mapped[Step] = relationship(back_populates="actions")


class StepDocument(db.Model):
    """A document attached to a task step (stored by webapp.uploads)."""

    __tablename__ = "step_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(80))
    original: Mapped[str] = mapped_column(String(200))
    mimetype: Mapped[str] = mapped_column(String(80))
    size: Mapped[int]


class ConclusionKind(db.Model):
    """Vente, Signature (positive), Refus, Sans décision (negative): data."""

    __tablename__ = "conclusion_kind"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    positive: Mapped[bool] = mapped_column(Boolean)
    position: Mapped[int] = mapped_column(default=0)

    def __str__(self):
        return self.name


class Target(Audited, db.Model):
    """A client in an operation: potential, entry date, advisor, then the conclusion."""

    __tablename__ = "target"
    __table_args__ = (
        UniqueConstraint("operation_id", "client_id"),
        Index("ix_target_operation_advisor", "operation_id", "advisor_id"),
        Index("ix_target_client", "client_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    advisor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    potential: Mapped[Decimal | None] = mapped_column(MONEY)
    entry_date: Mapped[date | None] = mapped_column(Date)
    concluded: Mapped[bool] = mapped_column(Boolean, default=False)
    conclusion_kind_id: Mapped[int | None] = mapped_column(ForeignKey("conclusion_kind.id"))
    conclusion_date: Mapped[date | None] = mapped_column(Date)
    success: Mapped[bool | None] = mapped_column(Boolean)
    amount: Mapped[Decimal | None] = mapped_column(MONEY)
    version: Mapped[int] = mapped_column(default=1)
    # Where the target stands in the plan, derived from its step records by
    # webapp/operations/progress.py (never set by hand): reach(t), a planned record, and
    # bit k-1 set for a live / done record of the step at position k.
    reach: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    planned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    live_steps: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    done_steps: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    __mapper_args__ = {"version_id_col": version}
    __audit_exclude__ = frozenset({"reach", "planned", "live_steps", "done_steps"})

    operation: Mapped[Operation] = relationship()
    client: Mapped[Client] = relationship()
    advisor: Mapped[User | None] = relationship()
    conclusion_kind: Mapped[ConclusionKind | None] = relationship()
    records: Mapped[list["StepRecord"]] = relationship(
        back_populates="target", order_by="StepRecord.id", cascade="all, delete-orphan")
    accounts: Mapped[list[Account]] = relationship(secondary="target_account")

    @property
    def colour(self) -> str | None:
        return line_colour(self.concluded, self.success)


class TargetAccount(db.Model):
    """The client's accounts a successful conclusion is linked to."""

    __tablename__ = "target_account"

    target_id: Mapped[int] = mapped_column(ForeignKey("target.id", ondelete="CASCADE"),
                                           primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"),
                                            primary_key=True)


class StepRecord(Audited, db.Model):
    """A step done or planned for a target, or an unplanned event (no step)."""

    __tablename__ = "step_record"
    __table_args__ = (Index("ix_step_record_target_step", "target_id", "step_id"),
                      Index("ix_step_record_step_status", "step_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("target.id", ondelete="CASCADE"))
    step_id: Mapped[int | None] = mapped_column(ForeignKey("step.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10), default=StepKind.TASK)
    title: Mapped[str | None] = mapped_column(String(200))  # unplanned events
    status: Mapped[str] = mapped_column(String(10), default=RecordStatus.PLANNED)
    day: Mapped[date | None] = mapped_column(Date)  # done on, or planned for
    time: Mapped[str | None] = mapped_column(String(5))  # HH:MM, meetings
    place: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    checked_actions: Mapped[str | None] = mapped_column(String(500))  # "3,5,8"
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

    target: Mapped[Target] = relationship(back_populates="records")
    step: Mapped[Step | None] = relationship()

    @staticmethod
    def decode_checked(raw: str | None) -> set[int]:
        """The ids of the actions ``checked_actions`` holds (« 3,5,8 »)."""
        return {int(x) for x in (raw or "").split(",") if x}

    @staticmethod
    def encode_checked(ids) -> str | None:
        """« 3,5,8 » for the action ids ``ids`` (None when there are none)."""
        return ",".join(str(i) for i in sorted(set(ids or ()))) or None

    @property
    def checked(self) -> set[int]:
        """The ids of the step's actions this record checks: the one place the stored
        encoding is read or written (form, service, import, export)."""
        return self.decode_checked(self.checked_actions)

    @checked.setter
    def checked(self, ids) -> None:
        self.checked_actions = self.encode_checked(ids)

    @property
    def status_label(self) -> str:
        return RecordStatus(self.status).label


class TargetAttachment(db.Model):
    """A file attached to a target's follow-up (stored by webapp.uploads)."""

    __tablename__ = "target_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("target.id", ondelete="CASCADE"),
                                           index=True)
    stored_name: Mapped[str] = mapped_column(String(80))
    original: Mapped[str] = mapped_column(String(200))
    mimetype: Mapped[str] = mapped_column(String(80))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


@scope_for(Operation)
def _operations(user: User):
    """Visible to its creator, its responsible, and by the viewer's operations access:
    all; team (an operation with a target of an advisor below me, or run by one); own (an
    operation where I have targets or a share)."""
    access = user.operations_access
    mine = (Operation.created_by_id == user.id) | (Operation.responsible_id == user.id)
    if access == Access.ALL:
        return true()
    if access == Access.NONE:
        return mine
    people = users_under(user) if access == Access.TEAM else [user.id]
    involved = (Operation.id.in_(db.select(Target.operation_id)
                                 .where(Target.advisor_id.in_(people)))
                | Operation.id.in_(db.select(AdvisorObjective.operation_id)
                                   .where(AdvisorObjective.advisor_id.in_(people))))
    return mine | involved


@scope_for(Target)
def _targets(user: User):
    """A target is followed by its advisor, their hierarchy (team access) or anyone with
    all access; an operation's creator and responsible see all of its targets."""
    access = user.operations_access
    runs = Target.operation_id.in_(db.select(Operation.id).where(
        (Operation.created_by_id == user.id) | (Operation.responsible_id == user.id)))
    if access == Access.NONE:
        return runs
    return runs | owned_by(Target.advisor_id, user, access)
