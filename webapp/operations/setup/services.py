"""Writes of the operations' set-up: operations, shares, steps, actions, documents.

Each service takes values, checks its rules (raising ``Refused`` with the French
message), changes data and flushes; the request (or the command) commits.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import bindparam, func, select, update

from webapp.concurrency import save_versioned
from webapp.errors import Refused
from webapp.extensions import db
from webapp.operations.models import (
    AdvisorObjective,
    Operation,
    Step,
    StepAction,
    StepDocument,
    Target,
)
from webapp.operations.rules import (
    Share,
    can_delete_operation,
    can_delete_step,
    creation_errors,
    dates_error,
    share_error,
    steps_error,
)
from webapp.operations.setup.queries import started_targets, validated_records
from webapp.ordering import renumber
from webapp.uploads import StoredFile, remove_after_commit

COPY_SUFFIX = " (copie)"
STALE = ("Cette opération vient d'être modifiée par quelqu'un d'autre : vérifiez puis "
         "enregistrez à nouveau.")
SALE_STEP = "C'est l'étape de vente : choisissez d'abord une autre étape de vente."


@dataclass(frozen=True)
class OperationInput:
    """An operation's settings as typed (the set-up form, the import, the demo)."""

    name: str
    responsible_id: int
    start: date
    end: date
    objective: Decimal | None = None
    notify_start: bool = False
    notify_on: date | None = None
    archived: bool = False


@dataclass(frozen=True)
class StepInput:
    """A step's settings."""

    name: str
    kind: str
    mandatory: bool = True
    propose_next: bool = False
    instructions: str | None = None
    key: str | None = None  # the import's identity of the step (not on screen)


@dataclass(frozen=True)
class ActionInput:
    """A sub-task of a task step."""

    label: str
    mandatory: bool = False


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


def _forget_collection(model, row_id: int, name: str) -> None:
    """Reload a parent's collection once a child is deleted (a refresh of the parent
    would otherwise cascade into the deleted child)."""
    if (parent := db.session.get(model, row_id)) is not None:
        db.session.expire(parent, [name])


def _next_position(column, *where) -> int:
    return (db.session.scalar(select(func.max(column)).where(*where)) or 0) + 1


def _check_operation(values: OperationInput) -> None:
    if not (values.name or "").strip():
        raise Refused("Donnez un nom à l'opération.")
    if error := dates_error(values.start, values.end):
        raise Refused(error)
    if values.objective is not None and values.objective < 0:
        raise Refused("L'objectif ne peut pas être négatif.")


def _copy_fields(operation: Operation, values: OperationInput) -> None:
    operation.name = values.name.strip()
    operation.responsible_id = values.responsible_id
    operation.objective = values.objective
    operation.start = values.start
    operation.end = values.end
    operation.notify_start = values.notify_start
    # « Par défaut, c'est la date du début de l'opération commerciale qui est renseignée ».
    operation.notify_on = (values.notify_on or values.start) if values.notify_start else None


def _copy_step(step: Step, values: StepInput) -> None:
    step.name = values.name.strip()
    step.kind = values.kind
    step.mandatory = values.mandatory
    step.propose_next = values.propose_next
    step.instructions = (values.instructions or "").strip() or None


def _check_step(values: StepInput) -> None:
    if not (values.name or "").strip():
        raise Refused("Donnez un nom à l'étape.")


def create_operation(values: OperationInput, first_step: StepInput, user_id: int | None,
                     key: str | None = None) -> Operation:
    """A new operation, last in the list, with its first step as the sale step: « au
    minimum un nom, une date de début et de fin, et au moins une étape »."""
    if errors := creation_errors(values.name, values.start, values.end,
                                 1 if (first_step.name or "").strip() else 0, True):
        raise Refused(errors[0])
    _check_operation(values)
    operation = Operation(created_by_id=user_id, key=key, archived=values.archived,
                          position=_next_position(Operation.position))
    _copy_fields(operation, values)
    step = Step(position=1, key=first_step.key)
    _copy_step(step, first_step)
    operation.steps.append(step)
    db.session.add(operation)
    db.session.flush()
    operation.sale_step = step
    db.session.flush()
    return operation


def _write_operation(operation: Operation, values: OperationInput) -> Operation:
    _copy_fields(operation, values)
    operation.archived = values.archived
    return operation


def save_operation(operation: Operation, values: OperationInput,
                   version=None) -> Operation:
    """Change an operation's settings; with the ``version`` the form was read at, a
    change saved meanwhile is a ``Conflict`` (409)."""
    _check_operation(values)
    if version is None:
        _write_operation(operation, values)
        db.session.flush()
        return operation
    return save_versioned(operation, version, lambda: _write_operation(operation, values),
                          STALE)


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
    """Delete an operation no client has started (its targets without records go too);
    refused once one has."""
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

def _check_share(values: Share) -> None:
    if error := share_error(values):
        raise Refused(error)


def add_share(operation: Operation, advisor_id: int, values: Share) -> AdvisorObjective:
    """Give an advisor a share of the objective (in € or in %), once per advisor."""
    _check_share(values)
    if db.session.scalar(select(AdvisorObjective.id).where(
            AdvisorObjective.operation_id == operation.id,
            AdvisorObjective.advisor_id == advisor_id)):
        raise Refused("Ce conseiller a déjà une part de l'objectif : modifiez-la.")
    share = AdvisorObjective(operation=operation, advisor_id=advisor_id,
                             amount=values.amount, percent=values.percent)
    db.session.add(share)
    db.session.flush()
    return share


def save_share(share: AdvisorObjective, values: Share) -> None:
    """Change an advisor's share (in € or in %, not both)."""
    _check_share(values)
    share.amount = values.amount
    share.percent = values.percent
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

def add_step(operation: Operation, values: StepInput) -> Step:
    """A new step, last of the operation (a plan holds at most ``MAX_STEPS``)."""
    _check_step(values)
    count = db.session.scalar(select(func.count()).where(Step.operation_id == operation.id))
    if error := steps_error(count + 1):
        raise Refused(error)
    step = Step(operation_id=operation.id, key=values.key,
                position=_next_position(Step.position, Step.operation_id == operation.id))
    _copy_step(step, values)
    db.session.add(step)
    db.session.flush()
    db.session.expire(operation, ["steps"])
    return step


def save_step(step: Step, values: StepInput) -> None:
    """Change a step's settings."""
    _check_step(values)
    _copy_step(step, values)
    db.session.flush()


def delete_step(operation: Operation, step: Step) -> None:
    """Delete a step no advisor validated; never the sale step."""
    if step.id == operation.sale_step_id:
        raise Refused(SALE_STEP, 409)
    if not can_delete_step(validated_records(step.id)):
        raise Refused("Des conseillers ont déjà validé cette étape dans le suivi de leurs "
                      "clients : elle ne peut plus être supprimée.", 409)
    files = _stored_names([step])
    db.session.delete(step)
    db.session.flush()
    db.session.expire(operation, ["steps"])
    _forget_files(files)
    renumber_steps(operation, [s.id for s in operation.steps])


def renumber_steps(operation: Operation, ordered_ids: list[int]) -> None:
    """Give the operation's steps the positions 1…n in this order (all of its steps)."""
    if set(ordered_ids) != {s.id for s in operation.steps}:
        raise Refused("Cet ordre ne contient pas exactement les étapes de l'opération.", 404)
    renumber(operation.steps, ordered_ids)
    db.session.expire(operation, ["steps"])


def set_sale_step(operation: Operation, step: Step) -> None:
    """Choose the step that is the sale (one of the operation's)."""
    if step.operation_id != operation.id:
        raise Refused("Choisissez une des étapes de l'opération.", 404)
    operation.sale_step = step
    db.session.flush()


def add_action(step: Step, values: ActionInput) -> StepAction:
    """A sub-task of a task step."""
    if not (values.label or "").strip():
        raise Refused("Donnez un libellé à l'action.")
    action = StepAction(step=step, label=values.label.strip(), mandatory=values.mandatory,
                        position=_next_position(StepAction.position,
                                                StepAction.step_id == step.id))
    db.session.add(action)
    db.session.flush()
    return action


def save_action(action: StepAction, values: ActionInput) -> None:
    """Change a sub-task's label or whether it is mandatory."""
    if not (values.label or "").strip():
        raise Refused("Donnez un libellé à l'action.")
    action.label = values.label.strip()
    action.mandatory = values.mandatory
    db.session.flush()


def remove_action(action: StepAction) -> None:
    """Remove a sub-task."""
    step_id = action.step_id
    db.session.delete(action)
    db.session.flush()
    _forget_collection(Step, step_id, "actions")


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
    step_id = document.step_id
    db.session.delete(document)
    db.session.flush()
    _forget_collection(Step, step_id, "documents")
    _forget_files([document.stored_name])
