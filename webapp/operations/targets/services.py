"""Writes on an operation's targets: add one client, add a client query's result, remove."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from webapp import uploads
from webapp.auth.models import User
from webapp.clients.models import Client
from webapp.clients.queries import Filters
from webapp.extensions import db
from webapp.operations.models import Operation, Target, TargetAttachment
from webapp.operations.rules import can_add_targets
from webapp.operations.targets.queries import matching_clients

ARCHIVED = "Cette opération est archivée : elle ne peut plus être attribuée à un client."
ALREADY = "Ce client fait déjà partie de cette opération."
BULK_MAX = 10_000
CHUNK = 500


class TargetError(ValueError):
    """A target that the rules refuse (the message is shown as is)."""


def may_edit_targets(user: User, operation: Operation) -> bool:
    """« ajouter ou supprimer des clients »: the right to manage operations, or being the
    operation's creator or responsible."""
    return bool(user.manage_operations) or user.id in (operation.created_by_id,
                                                       operation.responsible_id)


def add_target(operation: Operation, client: Client, advisor_id: int | None,
               potential: Decimal | None, entry_date: date) -> Target:
    """Put ``client`` in ``operation`` (advisor by default the client's) and flush."""
    if not can_add_targets(operation.archived):
        raise TargetError(ARCHIVED)
    if db.session.scalar(select(Target.id).where(Target.operation_id == operation.id,
                                                 Target.client_id == client.id)):
        raise TargetError(ALREADY)
    target = Target(operation=operation, client=client,
                    advisor_id=advisor_id or client.advisor_id, potential=potential,
                    entry_date=entry_date)
    db.session.add(target)
    db.session.flush()
    return target


@dataclass(frozen=True)
class BulkResult:
    added: int
    skipped: int  # already in the operation


def add_targets_bulk(operation: Operation, filters: Filters, potential: Decimal | None,
                     entry_date: date) -> BulkResult:
    """Put every client the query matches in ``operation``, each with their own advisor,
    skipping those already there; ORM inserts in chunks, so the audit trail is kept."""
    if not can_add_targets(operation.archived):
        raise TargetError(ARCHIVED)
    rows = db.session.execute(matching_clients(filters).order_by(Client.id)).all()
    if len(rows) > BULK_MAX:
        raise TargetError(f"La requête donne {len(rows)} clients : affinez-la (au plus "
                          f"{BULK_MAX} clients à la fois).")
    present = set(db.session.scalars(select(Target.client_id)
                                     .where(Target.operation_id == operation.id)))
    fresh = [row for row in rows if row.id not in present]
    for start in range(0, len(fresh), CHUNK):
        db.session.add_all(
            Target(operation_id=operation.id, client_id=row.id, advisor_id=row.advisor_id,
                   potential=potential, entry_date=entry_date)
            for row in fresh[start:start + CHUNK])
        db.session.flush()
    return BulkResult(added=len(fresh), skipped=len(rows) - len(fresh))


def remove_target(target: Target) -> None:
    """Take the client out of the operation, with its step records and attachments."""
    files = list(db.session.scalars(select(TargetAttachment.stored_name)
                                    .where(TargetAttachment.target_id == target.id)))
    db.session.delete(target)
    db.session.flush()
    uploads.remove_after_commit(files)
