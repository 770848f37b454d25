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

from sqlalchemy import Select, delete, func, select, update

from webapp.extensions import db
from webapp.history import log_bulk_update
from webapp.operations.models import Target, TargetAccount
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


def conclude_all(ids: Select, conclusion: ConclusionInput) -> int:
    """Conclude every target of ``ids`` still open at the moment of writing; returns how
    many this call concluded (fewer than were open when read if another batch concluded
    some meanwhile). The request commits (or rolls back everything)."""
    olds = {row.id: row for row in db.session.execute(
        select(Target.id, *(getattr(Target, f) for f in FIELDS))
        .where(Target.id.in_(ids), Target.concluded.is_(False)))}
    new = {"concluded": True, "conclusion_kind_id": conclusion.kind.id,
           "conclusion_date": conclusion.day, "success": conclusion.kind.positive,
           "amount": conclusion.amount}
    target_ids = sorted(olds)
    changed: list[int] = []
    for start in range(0, len(target_ids), BATCH):
        done = _conclude_open(target_ids[start:start + BATCH], new)
        if done and not conclusion.kind.positive:  # accounts are linked to successes only
            db.session.execute(delete(TargetAccount).where(TargetAccount.target_id.in_(done)))
        changed += done
    log_bulk_update(Target.__tablename__,
                    [(i, name, getattr(olds[i], name), new[name])
                     for i in sorted(changed) for name in FIELDS])
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
