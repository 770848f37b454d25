"""Writes of the per-client timeline; each flushes, the route commits."""

from webapp import uploads
from webapp.clients.models import Account
from webapp.extensions import db
from webapp.operations.models import (
    RecordStatus,
    StepRecord,
    Target,
    TargetAttachment,
)
from webapp.operations.timeline.forms import (
    ConclusionForm,
    EventForm,
    StepRecordForm,
)


def _fill_step_record(record: StepRecord, form: StepRecordForm) -> None:
    record.status = form.status.data
    record.day = form.day.data
    record.notes = (form.notes.data or "").strip() or None
    if "time" in form:
        record.time = form.time.data or None
        record.place = (form.place.data or "").strip() or None
    if "actions" in form:
        record.checked_actions = ",".join(str(i) for i in sorted(set(form.actions.data or [])))


def record_step(target: Target, form: StepRecordForm, user_id: int) -> StepRecord:
    """Record a step of the plan for the target (planned or done)."""
    record = StepRecord(target=target, step_id=form.step.id, kind=form.step.kind,
                        created_by_id=user_id)
    _fill_step_record(record, form)
    db.session.add(record)
    db.session.flush()
    return record


def update_step_record(record: StepRecord, form: StepRecordForm) -> None:
    """Change a step's record (planned → done, more actions checked, notes)."""
    _fill_step_record(record, form)
    db.session.flush()


def _fill_event(record: StepRecord, form: EventForm) -> None:
    record.kind = form.kind.data
    record.title = form.title.data.strip()
    record.status = form.status.data
    record.day = form.day.data
    record.notes = (form.notes.data or "").strip() or None


def record_event(target: Target, form: EventForm, user_id: int) -> StepRecord:
    """Record an unplanned event (no step): it never counts as a step done."""
    record = StepRecord(target=target, step_id=None, created_by_id=user_id)
    _fill_event(record, form)
    db.session.add(record)
    db.session.flush()
    return record


def update_event(record: StepRecord, form: EventForm) -> None:
    """Change an unplanned event."""
    _fill_event(record, form)
    db.session.flush()


def cancel_record(record: StepRecord) -> None:
    """Cancel a record: the step is offered again and no longer counts as done."""
    record.status = RecordStatus.CANCELLED
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


def conclude(target: Target, form: ConclusionForm) -> None:
    """« Terminé » for this client: the line turns green (success) or red."""
    kind = form.kind()
    target.concluded = True
    target.conclusion_kind_id = kind.id
    target.conclusion_date = form.conclusion_date.data
    target.success = kind.positive
    target.amount = form.amount.data
    if not kind.positive:
        target.accounts = []  # « L'onglet Compte n'apparaît que … par un succès »
    db.session.flush()


def reopen(target: Target) -> None:
    """Back to not concluded: the conclusion and its linked accounts are cleared."""
    target.concluded = False
    target.conclusion_kind_id = None
    target.conclusion_date = None
    target.success = None
    target.amount = None
    target.accounts = []
    db.session.flush()


def link_accounts(target: Target, accounts: list[Account]) -> None:
    """Link a successful conclusion to the client's accounts."""
    target.accounts = accounts
    db.session.flush()
