"""« Conclure » in bulk from the Gestion tab: one conclusion applied to every selected
client still in progress, in one transaction (all or nothing).

Clients already concluded keep their conclusion (the timeline asks to reopen one before
concluding it again; a batch must not overwrite a signature with a refusal). Two batches at
once must not overwrite each other either: the UPDATE itself re-checks « still open », so
a target another batch concluded between our read and our write is left as it is (on
PostgreSQL the second UPDATE waits for the first's row locks, then re-evaluates its WHERE;
SQLite serialises writers), and only the rows the UPDATE returned are audited.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, delete, func, select, update

from webapp.errors import Refused
from webapp.extensions import db
from webapp.history import log_bulk_update
from webapp.operations.models import Target, TargetAccount
from webapp.operations.rules import conclusion_error, split_amount
from webapp.operations.timeline.services import ConclusionInput

FIELDS = ("concluded", "conclusion_kind_id", "conclusion_date", "success", "amount")
BATCH = 500  # ids per UPDATE (well under every engine's parameter limit)


@dataclass(frozen=True)
class Selection:
    """What a batch would touch: selected clients, of which still in progress."""

    selected: int
    open: int

    @property
    def already_concluded(self) -> int:
        return self.selected - self.open


def selection(ids: Select) -> Selection:
    """Count the selection (a statement of target ids) and its clients in progress."""
    row = db.session.execute(
        select(func.count(), func.count().filter(Target.concluded.is_(False)))
        .where(Target.id.in_(ids))).one()
    return Selection(selected=row[0], open=row[1])


def _conclude_open(batch: list[int], new: dict) -> list[int]:
    """One conditional UPDATE: conclude those of ``batch`` still open, in the statement
    that writes them; the ids it changed."""
    return list(db.session.scalars(
        update(Target).where(Target.id.in_(batch), Target.concluded.is_(False))
        .values(**new, version=Target.version + 1).returning(Target.id)
        .execution_options(synchronize_session=False)))


def _split(changed: list[int], total: Decimal) -> dict[int, Decimal]:
    """« montant total réparti »: each concluded client's share (largest remainder), over
    the clients this batch really concluded, written once they are ours."""
    amounts = dict(zip(changed, split_amount(total, [1] * len(changed)), strict=True))
    for value in set(amounts.values()):
        ids = [i for i, v in amounts.items() if v == value]
        for start in range(0, len(ids), BATCH):
            db.session.execute(update(Target).where(Target.id.in_(ids[start:start + BATCH]))
                               .values(amount=value)
                               .execution_options(synchronize_session=False))
    return amounts


def conclude_all(ids: Select, conclusion: ConclusionInput, split: bool = False) -> int:
    """Conclude every target of ``ids`` still open at the moment of writing; returns how
    many this call concluded (fewer than were open when read if another batch concluded
    some meanwhile). The amount is per client, or with ``split`` a total shared over the
    clients concluded, exact to the cent. The request commits (or rolls back all)."""
    if message := conclusion_error(conclusion.amount, conclusion.kind.positive,
                                   conclusion.kind.positive):
        raise Refused(message)
    olds = {row.id: row for row in db.session.execute(
        select(Target.id, *(getattr(Target, f) for f in FIELDS))
        .where(Target.id.in_(ids), Target.concluded.is_(False)))}
    new = {"concluded": True, "conclusion_kind_id": conclusion.kind.id,
           "conclusion_date": conclusion.day, "success": conclusion.kind.positive,
           "amount": None if split else conclusion.amount}
    target_ids = sorted(olds)
    changed: list[int] = []
    for start in range(0, len(target_ids), BATCH):
        done = _conclude_open(target_ids[start:start + BATCH], new)
        if done and not conclusion.kind.positive:  # accounts are linked to successes only
            db.session.execute(delete(TargetAccount).where(TargetAccount.target_id.in_(done)))
        changed += done
    changed.sort()
    amounts = (_split(changed, conclusion.amount) if split and conclusion.amount is not None
               else {})
    log_bulk_update(Target.__tablename__,
                    [(i, name, getattr(olds[i], name),
                      amounts.get(i, new[name]) if name == "amount" else new[name])
                     for i in changed for name in FIELDS])
    db.session.expire_all()
    return len(changed)


def outcome(changed: int, raced: int, kind_name: str) -> str:
    """« n conclus (Refus) », and « m déjà conclus entre-temps » when another batch was
    quicker for some."""
    text = f"{changed} client{'s' if changed > 1 else ''} conclu{'s' if changed > 1 else ''}"
    text += f" ({kind_name})"
    if raced > 0:
        text += f", {raced} déjà conclu{'s' if raced > 1 else ''} entre-temps"
    return text + "."
