"""Where each target stands in its operation's plan, kept on the target itself.

METRICS.md's step table needs, per target, reach(t) (highest plan position among its live
records), whether it has something planned, and which steps it holds a live or a done
record of. Reading them from the step records at every request means aggregating every
record of a 20 000-target operation; instead the target carries them (``reach``,
``planned``, ``live_steps`` and ``done_steps``, bit k-1 for the step at position k), and
this module recomputes them, in SQL, whenever a record or a step changes: one session hook
covers the timeline, the set-up screens and the import; bulk loads call ``refresh``.
"""

from sqlalchemy import BigInteger, cast, event, func, inspect, literal, select, update
from sqlalchemy.orm import Session

from webapp.operations.models import Step, StepRecord, Target

CHUNK = 500  # target ids per UPDATE

def _records(*conditions):
    """The live (not cancelled) records of the target being updated, with their step."""
    return (select(StepRecord.id).join(Step, Step.id == StepRecord.step_id)
            .where(StepRecord.target_id == Target.id, StepRecord.status != "cancelled",
                   *conditions).correlate(Target))


def _mask(*conditions):
    bit = cast(literal(1), BigInteger).op("<<")(Step.position - 1)
    return (_records(*conditions).with_only_columns(func.coalesce(func.sum(bit.distinct()), 0))
            .scalar_subquery())


def _update(condition):
    return (update(Target).where(condition).values(
        reach=_records().with_only_columns(func.coalesce(func.max(Step.position), 0))
        .scalar_subquery(),
        planned=_records(StepRecord.status == "planned").exists(),
        live_steps=_mask(), done_steps=_mask(StepRecord.status == "done"))
        .execution_options(synchronize_session=False))


def refresh(session: Session, condition) -> None:
    """Recompute the progress columns of the targets matching ``condition`` (after a bulk
    load that bypassed the session hook)."""
    session.connection().execute(_update(condition))


def _touched(session: Session) -> list:
    """Conditions on the targets whose records, or whose operation's plan, changed."""
    targets, operations = set(), set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, StepRecord) and obj.target_id is not None:
            targets.add(obj.target_id)
        elif isinstance(obj, Step) and obj.operation_id is not None and (
                obj not in session.dirty or inspect(obj).attrs.position.history.has_changes()):
            operations.add(obj.operation_id)
    ids = sorted(targets)
    return [Target.id.in_(ids[i:i + CHUNK]) for i in range(0, len(ids), CHUNK)] + (
        [Target.operation_id.in_(operations)] if operations else [])


def _after_flush(session: Session, _context) -> None:
    for condition in _touched(session):
        refresh(session, condition)


def init_app(app) -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def holds(mask_column, position: int):
    """SQL: the mask has the bit of the step at ``position``."""
    return mask_column.op("&")(bit(position)) != 0


def bit(position: int) -> int:
    return 1 << (position - 1)
