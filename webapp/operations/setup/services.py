"""Writes of the operations' set-up: operations, shares, steps, actions, documents.

Each service changes data and flushes; the route commits.
"""

from sqlalchemy import bindparam, func, select, update

from webapp.extensions import db
from webapp.operations.models import (
    AdvisorObjective,
    Operation,
    Step,
    StepAction,
    StepDocument,
    Target,
)
from webapp.operations.rules import can_delete_operation, can_delete_step
from webapp.operations.setup.queries import started_targets, validated_records
from webapp.uploads import StoredFile, remove_after_commit

COPY_SUFFIX = " (copie)"


class Refused(Exception):
    """A change the rules forbid; the message is French and shown to the user."""


def _forget_files(stored_names: list[str]) -> None:
    """Delete, once committed, the stored files no document points to any more (a
    duplicated operation shares its original's files)."""
    if not stored_names:
        return
    still = set(db.session.scalars(select(StepDocument.stored_name)
                                   .where(StepDocument.stored_name.in_(stored_names))))
    remove_after_commit([name for name in stored_names if name not in still])


def _stored_names(steps) -> list[str]:
    return [d.stored_name for step in steps for d in step.documents]


def _next_position(column, *where) -> int:
    return (db.session.scalar(select(func.max(column)).where(*where)) or 0) + 1


def _copy_fields(operation: Operation, form) -> None:
    operation.name = form.name.data.strip()
    operation.responsible_id = form.responsible_id.data
    operation.objective = form.objective.data
    operation.start = form.start.data
    operation.end = form.end.data
    operation.notify_start = form.notify_start.data
    # « Par défaut, c'est la date du début de l'opération commerciale qui est renseignée ».
    operation.notify_on = (form.notify_on.data or form.start.data) if form.notify_start.data \
        else None


def create_operation(form, user) -> Operation:
    """A new operation, last in the list, with its first step as the sale step."""
    operation = Operation(created_by_id=user.id, position=_next_position(Operation.position))
    _copy_fields(operation, form)
    step = Step(name=form.step_name.data.strip(), kind=form.step_kind.data,
                mandatory=form.step_mandatory.data, position=1)
    operation.steps.append(step)
    db.session.add(operation)
    db.session.flush()
    operation.sale_step = step
    db.session.flush()
    return operation


def save_operation(operation: Operation, form) -> Operation:
    """Copy the validated edit form onto the operation."""
    _copy_fields(operation, form)
    operation.archived = form.archived.data
    db.session.flush()
    return operation


def set_archived(operation: Operation, archived: bool) -> None:
    """Archive or bring back an operation."""
    operation.archived = archived
    db.session.flush()


def reorder_operations(ordered_ids: list[int]) -> None:
    """Put the given operations in this order, in the slots they occupy together: the
    others (another page, another filter) keep their places.

    Positions are written with a plain UPDATE: reordering is not an edit of the operation
    (no version bump, so nobody's open form conflicts; position is not audited)."""
    rows = db.session.execute(select(Operation.id, Operation.position)
                              .order_by(Operation.position, Operation.id)).all()
    slot = {row.id: n for n, row in enumerate(rows, 1)}  # unique slots, ties broken by id
    moved = set(ordered_ids)
    slots = sorted(slot[i] for i in moved)
    wanted = dict(slot) | dict(zip(ordered_ids, slots, strict=True))
    current = {row.id: row.position for row in rows}
    changes = [{"oid": i, "pos": p} for i, p in wanted.items() if p != current[i]]
    if changes:
        table = Operation.__table__
        db.session.execute(update(table).where(table.c.id == bindparam("oid"))
                           .values(position=bindparam("pos")), changes)


def duplicate_operation(operation: Operation, user) -> Operation:
    """A copy « … (copie) » with its steps, actions, documents and shares; no targets."""
    copy = Operation(
        name=(operation.name[:200 - len(COPY_SUFFIX)] + COPY_SUFFIX),
        responsible_id=operation.responsible_id, objective=operation.objective,
        start=operation.start, end=operation.end, notify_start=operation.notify_start,
        notify_on=operation.notify_on, created_by_id=user.id,
        position=_next_position(Operation.position))
    sale = None
    for step in operation.steps:
        twin = Step(position=step.position, name=step.name, kind=step.kind,
                    mandatory=step.mandatory, propose_next=step.propose_next,
                    instructions=step.instructions)
        twin.actions = [StepAction(position=a.position, label=a.label, mandatory=a.mandatory)
                        for a in step.actions]
        # The same stored file: documents are never rewritten, only listed.
        twin.documents = [StepDocument(stored_name=d.stored_name, original=d.original,
                                       mimetype=d.mimetype, size=d.size)
                          for d in step.documents]
        copy.steps.append(twin)
        if step.id == operation.sale_step_id:
            sale = twin
    copy.shares = [AdvisorObjective(advisor_id=s.advisor_id, amount=s.amount,
                                    percent=s.percent) for s in operation.shares]
    db.session.add(copy)
    db.session.flush()
    copy.sale_step = sale
    db.session.flush()
    return copy


def delete_operation(operation: Operation) -> None:
    """Delete an operation no client has started (its targets without records go too)."""
    if not can_delete_operation(started_targets(operation)):
        raise Refused("Cette opération a débuté auprès de clients (une étape a été saisie) : "
                      "elle ne peut plus être supprimée. Vous pouvez l'archiver.")
    files = _stored_names(operation.steps)
    for target in db.session.scalars(select(Target).where(Target.operation_id == operation.id)):
        db.session.delete(target)
    operation.sale_step = None
    db.session.flush()
    db.session.delete(operation)
    db.session.flush()
    _forget_files(files)


# --- Shares --------------------------------------------------------------------------

def add_share(operation: Operation, form) -> AdvisorObjective:
    """Give an advisor a share of the objective."""
    share = AdvisorObjective(operation=operation, advisor_id=form.advisor_id.data,
                             amount=form.amount.data, percent=form.percent.data)
    db.session.add(share)
    db.session.flush()
    return share


def save_share(share: AdvisorObjective, form) -> None:
    """Change an advisor's share (in € or in %)."""
    share.amount = form.amount.data
    share.percent = form.percent.data
    db.session.flush()


def remove_share(share: AdvisorObjective) -> None:
    """Remove an advisor: their share returns to « Reste à répartir »."""
    db.session.delete(share)
    db.session.flush()


def clear_shares(operation: Operation) -> None:
    """« Tout supprimer »."""
    for share in list(operation.shares):
        db.session.delete(share)
    db.session.flush()


# --- Steps ---------------------------------------------------------------------------

def _copy_step(step: Step, form) -> None:
    step.name = form.name.data.strip()
    step.kind = form.kind.data
    step.mandatory = form.mandatory.data
    step.propose_next = form.propose_next.data
    step.instructions = (form.instructions.data or "").strip() or None


def add_step(operation: Operation, form) -> Step:
    """A new step, last of the operation."""
    step = Step(operation_id=operation.id,
                position=_next_position(Step.position, Step.operation_id == operation.id))
    _copy_step(step, form)
    db.session.add(step)
    db.session.flush()
    return step


def save_step(step: Step, form) -> None:
    """Change a step's settings."""
    _copy_step(step, form)
    db.session.flush()


def delete_step(operation: Operation, step: Step) -> None:
    """Delete a step no advisor validated; never the sale step."""
    if step.id == operation.sale_step_id:
        raise Refused("C'est l'étape de vente : choisissez d'abord une autre étape de vente.")
    if not can_delete_step(validated_records(step.id)):
        raise Refused("Des conseillers ont déjà validé cette étape dans le suivi de leurs "
                      "clients : elle ne peut plus être supprimée.")
    files = _stored_names([step])
    db.session.delete(step)
    db.session.flush()
    _forget_files(files)
    renumber_steps(operation, [s.id for s in operation.steps if s.id != step.id])


def renumber_steps(operation: Operation, ordered_ids: list[int]) -> None:
    """Give the operation's steps the positions 1…n in this order."""
    by_id = {s.id: s for s in operation.steps}
    for position, step_id in enumerate(ordered_ids, 1):
        by_id[step_id].position = position
    db.session.flush()
    db.session.expire(operation, ["steps"])


def set_sale_step(operation: Operation, step: Step) -> None:
    """Choose the step that is the sale."""
    operation.sale_step = step
    db.session.flush()


def add_action(step: Step, form) -> StepAction:
    """A sub-task of a task step."""
    action = StepAction(step=step, label=form.label.data.strip(),
                        mandatory=form.mandatory.data,
                        position=_next_position(StepAction.position,
                                                StepAction.step_id == step.id))
    db.session.add(action)
    db.session.flush()
    return action


def remove_action(action: StepAction) -> None:
    """Remove a sub-task."""
    db.session.delete(action)
    db.session.flush()


def add_document(step: Step, stored: StoredFile) -> StepDocument:
    """Attach an uploaded document to a task step."""
    document = StepDocument(step_id=step.id, stored_name=stored.name,
                            original=stored.original, mimetype=stored.mimetype,
                            size=stored.size)
    db.session.add(document)
    db.session.flush()
    db.session.expire(step, ["documents"])
    return document


def remove_document(document: StepDocument) -> None:
    """Detach a document; its file goes unless a duplicated operation shares it."""
    db.session.delete(document)
    db.session.flush()
    _forget_files([document.stored_name])
