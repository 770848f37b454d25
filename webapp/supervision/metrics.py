"""Every figure of METRICS.md, for a scope, with SQL aggregates (no loop over targets).

A scope is the viewer's visible targets (their hierarchy and ``operations_access``),
optionally one operation and one advisor, seen on an ``as_of`` date. The pilotage box,
the tabs, the exports and ``metrics.json`` all read ``compute``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache

from sqlalchemy import Select, case, func, select

from webapp.auth.models import Access, User
from webapp.auth.scope import scoped, users_under
from webapp.extensions import db
from webapp.operations.models import AdvisorObjective, Operation, Step, StepRecord, Target
from webapp.operations.progress import bit
from webapp.operations.rules import Share, share_amount
from webapp.supervision.rates import (
    Calendar,
    calendar,
    equipment_rate,
    expected,
    ratio,
    transformation_rate,
)
from webapp.supervision.sets import NEGATIVE, OPEN, POSITIVE, transformable

ZERO = Decimal(0)


@dataclass(frozen=True)
class Scope:
    viewer: User
    as_of: date
    operation: Operation | None = None
    advisor: User | None = None


@dataclass
class StepFigures:
    key: str | None
    name: str
    position: int
    concerned: int = 0
    completed: int = 0
    no_longer_concerned: int = 0
    progress_rate: Decimal | None = None
    passage_rate: Decimal | None = None
    id: int = 0  # the step's id, for the drill-down links


@dataclass
class Figures:
    objective: Decimal
    potential: Decimal
    collected: Decimal
    remaining_to_objective: Decimal
    remaining_potential: Decimal
    calendar: Calendar | None
    expected_to_date: Decimal | None
    progress_rate: Decimal | None
    total: int
    accepted: int
    refused: int
    in_progress: int
    transformation_rate: Decimal | None
    equipment_rate: Decimal | None
    steps: list[StepFigures] = field(default_factory=list)


@dataclass(frozen=True)
class ClientShare:
    """A line of « Bilan en nombre de clients »: a count and its share of all targets."""

    figure: str  # the drill-down's name for these clients
    label: str
    count: int
    share: Decimal | None


def client_shares(figures: Figures) -> list[ClientShare]:
    """Accepted, refused and in progress, each with its share of all targets."""
    return [ClientShare(name, label, count, ratio(count, figures.total))
            for name, label, count in (("accepted", "Ont accepté", figures.accepted),
                                       ("refused", "Ont refusé", figures.refused),
                                       ("in_progress", "En cours", figures.in_progress))]


def targets_in(scope: Scope) -> Select:
    """The ids of the targets a scope covers."""
    stmt = scoped(select(Target.id), Target, scope.viewer).join(Target.operation)
    if scope.operation is not None:
        stmt = stmt.where(Target.operation_id == scope.operation.id)
    else:
        stmt = stmt.where(Operation.archived.is_(False))
    if scope.advisor is not None:
        stmt = stmt.where(Target.advisor_id == scope.advisor.id)
    return stmt


def over_targets(scope: Scope, *columns) -> Select:
    """SELECT ``columns`` over the scope's targets: the scope's own FROM and WHERE, rather
    than a semi-join on its target ids (8 ms less at 20 000 targets on SQLite)."""
    return targets_in(scope).with_only_columns(*columns)


def operations_in(scope: Scope) -> list[Operation]:
    if scope.operation is not None:
        return [scope.operation]
    stmt = scoped(select(Operation), Operation, scope.viewer).where(
        Operation.archived.is_(False)).order_by(Operation.position, Operation.id)
    return list(db.session.scalars(stmt))


def _objective(operation: Operation, scope: Scope, shares: list[AdvisorObjective],
               team: set[int] | None) -> Decimal:
    """The operation's objective, or the shares of the advisors the scope narrows to."""
    if scope.advisor is None and team is None:
        return operation.objective or ZERO
    wanted = {scope.advisor.id} if scope.advisor is not None else team
    return sum((share_amount(operation.objective, Share(s.amount, s.percent))
                for s in shares if s.operation_id == operation.id and s.advisor_id in wanted),
               ZERO)


def _team(scope: Scope, operation: Operation, under: Callable[[], set[int]]) -> set[int] | None:
    """None when the viewer sees the whole operation, else the advisors they see."""
    viewer = scope.viewer
    if viewer.operations_access == Access.ALL or viewer.id in (
            operation.responsible_id, operation.created_by_id):
        return None
    if viewer.operations_access == Access.TEAM:
        return under()
    return {viewer.id}


def operation_objectives(operations: list[Operation], scope: Scope) -> list[Decimal]:
    """Each operation's objective for the scope (its advisors' shares where the viewer
    sees only part of it); the viewer's hierarchy is read once, not per operation."""
    shares = list(db.session.scalars(select(AdvisorObjective).where(
        AdvisorObjective.operation_id.in_([o.id for o in operations]))))
    under = cache(lambda: set(db.session.scalars(users_under(scope.viewer))))
    return [_objective(o, scope, shares, _team(scope, o, under)) for o in operations]


def _counts(scope: Scope, sale_steps: Select) -> dict:
    """One pass over the scope's targets: sums and counts, on the conditions the
    drill-down lists filter on (``sets.py``)."""
    sold = select(StepRecord.target_id).where(StepRecord.step_id.in_(sale_steps),
                                              StepRecord.status == "done")
    row = db.session.execute(
        over_targets(
            scope, func.count(Target.id).label("total"),
            func.coalesce(func.sum(Target.potential), 0).label("potential"),
            func.coalesce(func.sum(case((POSITIVE, Target.amount), else_=0)), 0)
            .label("collected"),
            func.coalesce(func.sum(case((OPEN, Target.potential), else_=0)), 0)
            .label("remaining_potential"),
            func.count(case((POSITIVE, 1))).label("accepted"),
            func.count(case((NEGATIVE, 1))).label("refused"),
            func.count(case((transformable(Target.id.in_(sold)), 1))).label("transformable"))
    ).one()
    return row._asdict()


def compute(scope: Scope, steps: bool = True) -> Figures:
    """All the figures of a scope (the step table only for one operation, if asked)."""
    operations = operations_in(scope)
    objectives = operation_objectives(operations, scope)
    objective = sum(objectives, ZERO)
    sale_steps = select(Operation.sale_step_id).where(
        Operation.id.in_([o.id for o in operations]))
    c = _counts(scope, sale_steps)
    collected = Decimal(c["collected"])
    one = scope.operation is not None
    cal = calendar(scope.operation.start, scope.operation.end, scope.as_of) if one else None
    expected_total = sum((expected(obj, calendar(o.start, o.end, scope.as_of))
                          for o, obj in zip(operations, objectives, strict=True)), ZERO)
    started = any(scope.as_of >= o.start for o in operations)
    total, accepted = c["total"], c["accepted"]
    return Figures(
        objective=objective, potential=Decimal(c["potential"]), collected=collected,
        remaining_to_objective=max(objective - collected, ZERO),
        remaining_potential=Decimal(c["remaining_potential"]),
        calendar=cal,
        expected_to_date=expected_total if started else None,
        progress_rate=ratio(collected, expected_total) if started else None,
        total=total, accepted=accepted, refused=c["refused"],
        in_progress=total - accepted - c["refused"],
        transformation_rate=transformation_rate(accepted, c["transformable"]),
        equipment_rate=equipment_rate(accepted, total),
        steps=step_figures(scope) if one and steps else [],
    )


def step_figures(scope: Scope) -> list[StepFigures]:
    """Per step of one operation: concerned, completed, no longer concerned, rates.

    The targets carry where they stand in the plan (``webapp/operations/progress.py``): one
    GROUP BY over the scope's targets gives a few dozen groups, summed per step here."""
    steps = list(db.session.scalars(select(Step).where(
        Step.operation_id == scope.operation.id).order_by(Step.position)))
    groups = db.session.execute(
        over_targets(scope, Target.concluded, Target.reach, Target.planned,
                     Target.live_steps, Target.done_steps, func.count().label("n"))
        .group_by(Target.concluded, Target.reach, Target.planned, Target.live_steps,
                  Target.done_steps)).all()
    figures = []
    for step in steps:
        mask = bit(step.position)
        figures.append(StepFigures(
            step.key, step.name, step.position, id=step.id,
            concerned=sum(g.n for g in groups if g.live_steps & mask or (
                not g.concluded and not g.planned and g.reach + 1 == step.position)),
            completed=sum(g.n for g in groups if g.done_steps & mask),
            no_longer_concerned=sum(g.n for g in groups
                                    if g.concluded and g.reach < step.position)))
    for this, following in zip(figures, [*figures[1:], None], strict=True):
        this.progress_rate = ratio(this.completed, this.concerned)
        this.passage_rate = ratio(following.concerned, this.completed) if following else None
    return figures
