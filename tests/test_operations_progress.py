"""Where a target stands in the plan (reach, planned, live / done steps) follows its step
records and its operation's plan, through the session hook and the bulk refresh."""

from sqlalchemy import select, update

from tests.fixtures.operations import record
from webapp.extensions import db
from webapp.operations import progress
from webapp.operations.models import StepRecord, Target
from webapp.operations.setup.services import renumber_steps


def state(target) -> tuple:
    db.session.expire_all()
    t = db.session.get(Target, target.id)
    return t.reach, t.planned, t.live_steps, t.done_steps


def test_records_move_the_target_along(org, campaign):  # noqa: F811
    _operation, (target,) = campaign(1)
    assert state(target) == (0, False, 0, 0)
    record(target, 1)
    record(target, 2, status="planned")
    assert state(target) == (2, True, 0b11, 0b01)
    planned = db.session.scalar(select(StepRecord).where(StepRecord.status == "planned"))
    planned.status = "cancelled"
    db.session.commit()
    assert state(target) == (1, False, 0b01, 0b01)
    db.session.delete(db.session.scalar(select(StepRecord).where(StepRecord.status == "done")))
    db.session.commit()
    assert state(target) == (0, False, 0, 0)


def test_reordering_the_plan_moves_the_bits(org, campaign):  # noqa: F811
    operation, (target,) = campaign(1)
    record(target, 1)
    first, second, *rest = [s.id for s in operation.steps]
    renumber_steps(operation, [second, first, *rest])
    db.session.commit()
    assert state(target) == (2, False, 0b10, 0b10)


def test_a_step_rename_does_not_touch_the_targets(org, campaign):  # noqa: F811
    operation, (target,) = campaign(1)
    record(target, 1)
    db.session.execute(update(Target).values(reach=9))  # a marker the hook would overwrite
    db.session.commit()
    operation.steps[0].name = "Premier appel"
    db.session.commit()
    assert state(target)[0] == 9


def test_bulk_refresh_matches_the_hook(org, campaign):  # noqa: F811
    operation, targets = campaign(3)
    record(targets[0], 1)
    record(targets[1], 1)
    record(targets[1], 2, status="planned")
    expected = [state(t) for t in targets]
    db.session.execute(update(Target).values(reach=0, planned=False, live_steps=0,
                                             done_steps=0))
    progress.refresh(db.session, Target.operation_id == operation.id)
    db.session.commit()
    assert [state(t) for t in targets] == expected
