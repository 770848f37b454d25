"""Writes on an operation's targets: add one client, add a client query's result, remove."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, insert, select
from sqlalchemy.exc import IntegrityError

from webapp import history, uploads
from webapp.auth.models import User
from webapp.clients.models import Client
from webapp.clients.selection.rules import Criteria, changed_since_preview, refuse_bulk
from webapp.errors import Refused
from webapp.extensions import db
from webapp.operations.models import AdvisorObjective, Operation, Target, TargetAttachment
from webapp.operations.rules import TargetRight, can_add_targets, target_right
from webapp.operations.targets.queries import matching_clients, own_criteria

ARCHIVED = "Cette opération est archivée : elle ne peut plus être attribuée à un client."
ALREADY = "Ce client fait déjà partie de cette opération."
NOT_YOURS = ("Vous ajoutez à cette opération vos propres clients seulement, suivis par "
             "vous-même.")
NO_RIGHT = "Vous ne pouvez pas ajouter de clients à cette opération."
RACED = ("Des clients viennent d'être ajoutés à l'opération par quelqu'un d'autre : "
         "recommencez.")
BULK_MAX = 10_000
CHUNK = 500


def right(user: User, operation: Operation) -> str | None:
    """What ``user`` may do with the operation's clients (``rules.target_right``): all
    of them, their own ones, or nothing."""
    runs = user.id in (operation.created_by_id, operation.responsible_id)
    participates = False
    if not (user.manage_operations or runs):
        participates = bool(
            db.session.scalar(select(AdvisorObjective.id).where(
                AdvisorObjective.operation_id == operation.id,
                AdvisorObjective.advisor_id == user.id).limit(1))
            or db.session.scalar(select(Target.id).where(
                Target.operation_id == operation.id, Target.advisor_id == user.id).limit(1)))
    return target_right(bool(user.manage_operations), runs, participates)


def may_edit_targets(user: User, operation: Operation) -> bool:
    """« ajouter ou supprimer des clients » (any client): the right to manage operations,
    or being the operation's creator or responsible."""
    return right(user, operation) == TargetRight.ALL


def check_adding(operation: Operation, actor: User | None) -> str | None:
    """The actor's right (None: a command, which may add anyone), or ``Refused``."""
    if not can_add_targets(operation.archived):
        raise Refused(ARCHIVED)
    if actor is None:
        return TargetRight.ALL
    granted = right(actor, operation)
    if granted is None:
        raise Refused(NO_RIGHT, 403)
    return granted


def _flush_or_refuse(message: str) -> None:
    """Flush; a client put in the operation meanwhile by another request (the unique
    constraint on operation and client) is a ``Refused`` (409), the transaction rolled
    back, never a 500. (No savepoint: pysqlite's are unreliable.)"""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Refused(message, 409) from None


def add_target(operation: Operation, client: Client, advisor_id: int | None,
               potential: Decimal | None, entry_date: date | None,
               actor: User | None = None) -> Target:
    """Put ``client`` in ``operation`` (advisor by default the client's) and flush. An
    advisor who only takes part in the operation adds their own clients, for themselves;
    the same client twice is refused, even when two requests race."""
    granted = check_adding(operation, actor)
    if granted == TargetRight.OWN and (client.advisor_id != actor.id
                                       or advisor_id not in (None, actor.id)):
        raise Refused(NOT_YOURS, 403)
    if db.session.scalar(select(Target.id).where(Target.operation_id == operation.id,
                                                 Target.client_id == client.id)):
        raise Refused(ALREADY)
    target = Target(operation=operation, client=client,
                    advisor_id=advisor_id or client.advisor_id, potential=potential,
                    entry_date=entry_date)
    db.session.add(target)
    _flush_or_refuse(ALREADY)
    return target


def update_target(target: Target, advisor_id: int, potential: Decimal | None,
                  entry_date: date | None) -> None:
    """Change who follows the client in the operation, its potential and entry date;
    refused once the operation is archived."""
    if not can_add_targets(target.operation.archived):
        raise Refused(ARCHIVED)
    target.advisor_id = advisor_id
    target.potential = potential
    target.entry_date = entry_date
    db.session.flush()


@dataclass(frozen=True)
class BulkResult:
    added: int
    skipped: int  # already in the operation


NO_ADVISOR = ("{n} de ces clients n'ont pas de conseiller : choisissez le conseiller qui "
              "les suivra dans l'opération.")


def add_targets_bulk(operation: Operation, criteria: Criteria, potential: Decimal | None,
                     entry_date: date, actor: User | None = None) -> BulkResult:
    """Put every client the query builder's criteria match in ``operation``, each with
    their own advisor, skipping those already there (``add_clients``). An advisor who
    only takes part adds the clients he follows, whatever the query's advisor says."""
    if actor is not None and right(actor, operation) == TargetRight.OWN:
        criteria = own_criteria(criteria)
    return add_clients(operation, matching_clients(criteria, actor), entry_date,
                       potential=potential, actor=actor)


def add_clients(operation: Operation, clients: Select, entry_date: date | None,
                potential: Decimal | None = None, potentials: dict | None = None,
                advisor_id: int | None = None, actor: User | None = None,
                expected: int | None = None) -> BulkResult:
    """Put the clients of ``clients`` (a select of ``Client.id, Client.advisor_id`` rows,
    already restricted to the actor's scope) in ``operation``, all or nothing: skipping
    those already there, each followed by ``advisor_id`` or else their own advisor, with
    ``potentials[client id]`` or else ``potential``. ORM inserts in chunks, so the audit
    trail is kept. An advisor who only takes part adds the clients they follow, for
    themself, whatever the query says. ``expected``: the number of clients the
    confirmation announced; another number now is a 409 and nothing is written."""
    if check_adding(operation, actor) == TargetRight.OWN:
        if advisor_id not in (None, actor.id):
            raise Refused(NOT_YOURS, 403)
        clients = clients.where(Client.advisor_id == actor.id)
    rows = db.session.execute(clients.order_by(Client.id)).all()
    if message := refuse_bulk(len(rows), BULK_MAX):
        raise Refused(message)
    present = set(db.session.scalars(select(Target.client_id)
                                     .where(Target.operation_id == operation.id)))
    fresh = [row for row in rows if row.id not in present]
    if message := changed_since_preview(expected, len(fresh)):
        raise Refused(message, 409)
    orphans = 0 if advisor_id else sum(1 for row in fresh if row.advisor_id is None)
    if orphans and expected is not None:  # the builder's confirmation
        raise Refused(NO_ADVISOR.format(n=orphans))
    potentials = potentials or {}
    _insert_targets([{"operation_id": operation.id, "client_id": row.id,
                      "advisor_id": advisor_id or row.advisor_id,
                      "potential": potentials.get(row.id, potential), "entry_date": entry_date}
                     for row in fresh])
    return BulkResult(added=len(fresh), skipped=len(rows) - len(fresh))


def _insert_targets(values: list[dict]) -> None:
    """Insert the targets in bulk (one statement per chunk, no unit of work: 5 000 clients
    in well under a second), their audit rows written alongside (``history``); a client
    put in the operation meanwhile is a ``Refused`` (409), nothing written."""
    for start in range(0, len(values), CHUNK):
        chunk = values[start:start + CHUNK]
        try:
            ids = db.session.execute(insert(Target).returning(Target.id, Target.client_id),
                                     chunk).all()
        except IntegrityError:
            db.session.rollback()
            raise Refused(RACED, 409) from None
        id_of = dict((client_id, target_id) for target_id, client_id in ids)
        history.log_bulk_insert(Target, [{**row, "id": id_of[row["client_id"]]}
                                         for row in chunk])


def remove_target(target: Target) -> None:
    """Take the client out of the operation, with its step records and attachments."""
    files = list(db.session.scalars(select(TargetAttachment.stored_name)
                                    .where(TargetAttachment.target_id == target.id)))
    db.session.delete(target)
    db.session.flush()
    uploads.remove_after_commit(files)
