"""Reads of the per-client timeline: one target's records and its operation's plan.

Everything here is bounded by one target and one operation's steps: nothing grows with the
number of targets of the operation (an operation may hold 20 000 clients).
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.auth.models import User
from webapp.clients.models import Account
from webapp.extensions import db
from webapp.operations.models import (
    ConclusionKind,
    RecordStatus,
    Step,
    StepRecord,
    Target,
    TargetAttachment,
)
from webapp.operations.rules import (
    PlanStep,
    allowed_steps,
    missing_mandatory_before,
    proposed_step,
)


@dataclass
class Progress:
    """Where a target stands in its operation's plan."""

    steps: list[Step]
    records: list[StepRecord]
    authors: dict[int, str] = field(default_factory=dict)  # who recorded, by user id
    plan: list[PlanStep] = field(init=False)
    done: set[int] = field(init=False)
    recorded: set[int] = field(init=False)
    allowed: list[int] = field(init=False)
    proposed: int | None = field(init=False)

    def __post_init__(self):
        self.plan = [PlanStep(s.id, s.position, s.mandatory) for s in self.steps]
        live = [r for r in self.records if r.step_id and r.status != RecordStatus.CANCELLED]
        self.done = {r.step_id for r in live if r.status == RecordStatus.DONE}
        self.recorded = {r.step_id for r in live}
        self.allowed = allowed_steps(self.plan, self.done, self.recorded)
        self.proposed = proposed_step(self.plan, self.done, self.recorded)

    def step(self, step_id: int) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def live_record(self, step_id: int) -> StepRecord | None:
        """The step's current record (the last one not cancelled)."""
        return next((r for r in reversed(self.records)
                     if r.step_id == step_id and r.status != RecordStatus.CANCELLED), None)

    def missing_before(self, step_id: int) -> list[Step]:
        """The earlier mandatory steps not done yet, which block ``step_id``."""
        return [self.step(s.id) for s in missing_mandatory_before(self.plan, step_id,
                                                                  self.done)]

    @property
    def blocked(self) -> list[Step]:
        """Steps not recorded that « Ajouter » does not offer (a mandatory one missing)."""
        return [s for s in self.steps
                if s.id not in self.recorded and s.id not in self.allowed]

    @property
    def events(self) -> list[StepRecord]:
        """Unplanned events: records without a step (they never count as a step done)."""
        return [r for r in self.records if r.step_id is None]

    @property
    def chronology(self) -> list[StepRecord]:
        """Every record, steps and unplanned events, by date (undated last)."""
        return sorted(self.records, key=lambda r: (r.day is None, r.day, r.id))


def progress(target: Target) -> Progress:
    """The target's operation, client and advisor (one joined query, for the header), the
    operation's steps with their actions (one), this target's records with who wrote them
    (one)."""
    db.session.execute(select(Target).where(Target.id == target.id).options(
        joinedload(Target.operation), joinedload(Target.client), joinedload(Target.advisor)))
    steps = db.session.scalars(
        select(Step).where(Step.operation_id == target.operation_id)
        .options(joinedload(Step.actions)).order_by(Step.position, Step.id)).unique().all()
    rows = db.session.execute(
        select(StepRecord, User.name).outerjoin(User, User.id == StepRecord.created_by_id)
        .where(StepRecord.target_id == target.id).order_by(StepRecord.id)).all()
    return Progress(steps=list(steps), records=[r for r, _ in rows],
                    authors={r.created_by_id: name for r, name in rows if name})


def attachments(target: Target) -> list[TargetAttachment]:
    return list(db.session.scalars(
        select(TargetAttachment).where(TargetAttachment.target_id == target.id)
        .order_by(TargetAttachment.id)))


def attachment_of(target: Target, attachment_id: int) -> TargetAttachment | None:
    """An attachment of this target only (an id of another target is not found)."""
    return db.session.scalar(select(TargetAttachment).where(
        TargetAttachment.id == attachment_id, TargetAttachment.target_id == target.id))


def record_of(target: Target, record_id: int) -> StepRecord | None:
    """A record of this target only."""
    return db.session.scalar(select(StepRecord).where(
        StepRecord.id == record_id, StepRecord.target_id == target.id))


def conclusion_kinds() -> list[ConclusionKind]:
    return list(db.session.scalars(
        select(ConclusionKind).order_by(ConclusionKind.position, ConclusionKind.name)))


def client_accounts(target: Target) -> list[Account]:
    """The accounts of the target's client (a success may be linked to them)."""
    return list(db.session.scalars(
        select(Account).where(Account.client_id == target.client_id).order_by(Account.id)))
