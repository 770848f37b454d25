"""« Conclure » in bulk from the Gestion tab: one conclusion applied to every selected
client still in progress, in one transaction (all or nothing).

Clients already concluded keep their conclusion (the timeline asks to reopen one before
concluding it again; a batch must not overwrite a signature with a refusal).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, delete, func, select, update

from webapp.extensions import db
from webapp.history import log_bulk_update
from webapp.operations.models import ConclusionKind, Target, TargetAccount

FIELDS = ("concluded", "conclusion_kind_id", "conclusion_date", "success", "amount")
BATCH = 500  # ids per UPDATE (well under every engine's parameter limit)


@dataclass(frozen=True)
class Conclusion:
    kind: ConclusionKind
    day: date
    amount: Decimal | None


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


def conclude_all(ids: Select, conclusion: Conclusion) -> int:
    """Conclude every target of ``ids`` still in progress; returns how many changed.
    The caller commits (or rolls back everything)."""
    olds = db.session.execute(
        select(Target.id, *(getattr(Target, f) for f in FIELDS))
        .where(Target.id.in_(ids), Target.concluded.is_(False))).all()
    new = {"concluded": True, "conclusion_kind_id": conclusion.kind.id,
           "conclusion_date": conclusion.day, "success": conclusion.kind.positive,
           "amount": conclusion.amount}
    target_ids = [row.id for row in olds]
    for start in range(0, len(target_ids), BATCH):
        batch = target_ids[start:start + BATCH]
        db.session.execute(update(Target).where(Target.id.in_(batch))
                           .values(**new, version=Target.version + 1)
                           .execution_options(synchronize_session=False))
        if not conclusion.kind.positive:  # accounts are linked to successes only
            db.session.execute(delete(TargetAccount).where(TargetAccount.target_id.in_(batch)))
    log_bulk_update(Target.__tablename__,
                    [(row.id, name, getattr(row, name), new[name])
                     for row in olds for name in FIELDS])
    db.session.expire_all()
    return len(target_ids)
