"""Writes of the per-client timeline: step records, unplanned events, attachments, the
conclusion. Each takes values, checks its rules (raising ``Refused`` with the French
message) and flushes; the request commits (``webapp/transaction.py``)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from webapp import uploads
from webapp.clients.models import Account
from webapp.concurrency import Conflict, conflicts, save_versioned
from webapp.errors import Refused
from webapp.extensions import db
from webapp.operations.models import (
    ConclusionKind,
    RecordStatus,
    Step,
    StepKind,
    StepRecord,
    Target,
    TargetAttachment,
)
from webapp.operations.rules import (
    actions_refusal,
    conclusion_error,
    follow_up_closed,
    record_refusal,
    revive_refusal,
    unchecked_mandatory_actions,
)
from webapp.operations.timeline.queries import Progress, progress

STALE = ("Ce suivi vient d'être modifié par quelqu'un d'autre : vérifiez puis validez à "
         "nouveau.")


class FieldRefused(Refused):
    """A refusal about one field of the form (shown under it): ``field`` is its name."""

    def __init__(self, message: str, field: str, status: int = 422):
        super().__init__(message, status)
        self.field = field


@dataclass(frozen=True)
class RecordInput:
    """A step's record as typed: ``time`` and ``place`` for a meeting, ``checked`` (the
    ids of the step's actions) for a task; the other kinds ignore them."""

    status: str
    day: date | None
    time: str | None = None
    place: str | None = None
    notes: str | None = None
    checked: frozenset[int] = frozenset()


@dataclass(frozen=True)
class EventInput:
    """An unplanned event (an extra meeting…)."""

    kind: str
    title: str
    status: str
    day: date | None
    notes: str | None = None


@dataclass(frozen=True)
class ConclusionInput:
    """« Terminé » for a client: the conclusion kind, its date, the amount collected."""

    kind: ConclusionKind
    day: date
    amount: Decimal | None


def _clean(text: str | None) -> str | None:
    return (text or "").strip() or None


def _check_open(target: Target) -> None:
    if message := follow_up_closed(target.operation.archived, target.concluded):
        raise Refused(message)


def _check_record(target: Target, prog: Progress, step: Step, record: StepRecord | None,
                  values: RecordInput) -> None:
    """Every rule a step's record obeys, in the order the user meets them."""
    _check_open(target)
    missing = [s.name for s in prog.missing_before(step.id)]
    already = record is None and step.id in prog.recorded
    if message := record_refusal(step.name, missing, already):
        raise Refused(message)
    if record is not None and values.status != RecordStatus.CANCELLED:
        live = prog.live_record(step.id)
        beside = live is not None and live.id != record.id
        if message := revive_refusal(step.name, record.status == RecordStatus.CANCELLED,
                                     beside):
            raise Refused(message)
    if step.kind == StepKind.TASK:
        unchecked = set(unchecked_mandatory_actions(
            [(a.id, a.mandatory) for a in step.actions], set(values.checked)))
        labels = [a.label for a in step.actions if a.id in unchecked]
        if message := actions_refusal(values.status == RecordStatus.DONE, labels):
            raise FieldRefused(message, "status")


def refusal(target: Target, prog: Progress, step: Step) -> str | None:
    """Why a new record of ``step`` would be refused now (shown before the form is
    filled), or None."""
    try:
        _check_record(target, prog, step, None, RecordInput(RecordStatus.PLANNED, None))
    except Refused as refused:
        return refused.message
    return None


def _fill(record: StepRecord, step: Step, values: RecordInput) -> None:
    record.status = values.status
    record.day = values.day
    record.notes = _clean(values.notes)
    if step.kind == StepKind.MEETING:
        record.time = values.time or None
        record.place = _clean(values.place)
    if step.kind == StepKind.TASK:
        known = {a.id for a in step.actions}
        record.checked = set(values.checked) & known


def record_step(target: Target, step: Step, values: RecordInput, user_id: int | None,
                prog: Progress | None = None) -> StepRecord:
    """Record a step of the plan for the target (planned or done); refused while the
    follow-up is closed, an earlier mandatory step is missing, the step is already
    recorded, or a task is « Terminée » with a mandatory action unchecked."""
    _check_record(target, prog or progress(target), step, None, values)
    record = StepRecord(target=target, step_id=step.id, kind=step.kind,
                        created_by_id=user_id)
    _fill(record, step, values)
    db.session.add(record)
    db.session.flush()
    return record


def update_step_record(record: StepRecord, values: RecordInput,
                       prog: Progress | None = None) -> None:
    """Change a step's record (planned → done, more actions checked, notes), under the
    same rules as recording it; a cancelled one is not revived beside a live one."""
    target = record.target
    _check_record(target, prog or progress(target), record.step, record, values)
    _fill(record, record.step, values)
    db.session.flush()


def _fill_event(record: StepRecord, values: EventInput) -> None:
    record.kind = values.kind
    record.title = values.title.strip()
    record.status = values.status
    record.day = values.day
    record.notes = _clean(values.notes)


def record_event(target: Target, values: EventInput, user_id: int | None) -> StepRecord:
    """Record an unplanned event (no step): it never counts as a step done; refused once
    the operation is archived (its follow-up is closed)."""
    if message := follow_up_closed(target.operation.archived, False):
        raise Refused(message)
    record = StepRecord(target=target, step_id=None, created_by_id=user_id)
    _fill_event(record, values)
    db.session.add(record)
    db.session.flush()
    return record


def update_event(record: StepRecord, values: EventInput) -> None:
    """Change an unplanned event (not in an archived operation)."""
    if message := follow_up_closed(record.target.operation.archived, False):
        raise Refused(message)
    _fill_event(record, values)
    db.session.flush()


def cancel_record(record: StepRecord) -> None:
    """Cancel a record: the step is offered again and no longer counts as done; refused
    once the follow-up is closed (for a step's record: it changes the step figures)."""
    target = record.target
    if message := follow_up_closed(target.operation.archived,
                                   target.concluded and record.step_id is not None):
        raise Refused(message)
    record.status = RecordStatus.CANCELLED
    db.session.flush()


def remove_record(record: StepRecord) -> None:
    """Delete a record (an import replacing a client's records with the file's); refused
    once the follow-up is closed, like cancelling it."""
    target = record.target
    if message := follow_up_closed(target.operation.archived,
                                   target.concluded and record.step_id is not None):
        raise Refused(message)
    target.records.remove(record)
    db.session.flush()


def attach(target: Target, file_storage) -> TargetAttachment:
    """Store an uploaded document (type sniffed) and attach it; raises UploadError."""
    stored = uploads.store(file_storage, "document")
    attachment = TargetAttachment(target_id=target.id, stored_name=stored.name,
                                  original=stored.original, mimetype=stored.mimetype,
                                  size=stored.size)
    db.session.add(attachment)
    db.session.flush()
    return attachment


def remove_attachment(attachment: TargetAttachment) -> None:
    """Delete a document: its row now, its file once the transaction has committed."""
    db.session.delete(attachment)
    db.session.flush()
    uploads.remove_after_commit([attachment.stored_name])


def _write_conclusion(target: Target, values: ConclusionInput) -> None:
    if target.concluded:
        raise Conflict(STALE)  # concluded meanwhile: reopen it first
    if message := conclusion_error(values.amount, values.kind.positive, values.kind.positive):
        raise Refused(message)
    target.concluded = True
    target.conclusion_kind_id = values.kind.id
    target.conclusion_date = values.day
    target.success = values.kind.positive
    target.amount = values.amount
    if not values.kind.positive:
        target.accounts = []  # « L'onglet Compte n'apparaît que … par un succès »


def conclude(target: Target, values: ConclusionInput, version=None) -> None:
    """« Terminé » for this client: the line turns green (success) or red. With the
    ``version`` the form was read at, a change made meanwhile is a ``Conflict``."""
    if version is None:
        _write_conclusion(target, values)
        db.session.flush()
        return
    save_versioned(target, version, lambda: _write_conclusion(target, values), STALE)


def reopen(target: Target, version=None) -> None:
    """Back to not concluded: the conclusion and its linked accounts are cleared (a
    target reopened meanwhile stays as it is)."""
    if version is not None and conflicts(target, version):
        raise Conflict(STALE)
    if not target.concluded:
        return
    target.concluded = False
    target.conclusion_kind_id = None
    target.conclusion_date = None
    target.success = None
    target.amount = None
    target.accounts = []
    db.session.flush()


def link_accounts(target: Target, accounts: list[Account]) -> None:
    """Link a successful conclusion to the client's accounts (of this client only)."""
    if not (target.concluded and target.success):
        raise Refused("Seule une conclusion positive est liée à des comptes.", 409)
    if any(a.client_id != target.client_id for a in accounts):
        raise Refused("Ce compte n'est pas un compte de ce client.", 404)
    target.accounts = accounts
    db.session.flush()
