"""The clients behind each figure (PRODUCT.md §4): one SQL condition on ``Target`` per
figure, so that "refusés : 12" opens exactly those 12 in the Gestion list.

The counts of ``metrics.py`` use the same vocabulary (METRICS.md); a test checks, figure by
figure, that the filtered list and the figure agree.
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, or_, select, true

from webapp.operations.models import Operation, Step, StepRecord, Target
from webapp.operations.progress import holds

POSITIVE = and_(Target.concluded.is_(True), Target.success.is_(True))
NEGATIVE = and_(Target.concluded.is_(True), Target.success.is_not(True))
OPEN = Target.concluded.is_(False)


def sold() -> ColumnElement:
    """Completed the sale step of its operation."""
    return exists().where(StepRecord.target_id == Target.id, StepRecord.status == "done",
                          StepRecord.step_id == select(Operation.sale_step_id).where(
                              Operation.id == Target.operation_id)
                          .correlate(Target).scalar_subquery())


def transformable(sold_condition: ColumnElement | None = None) -> ColumnElement:
    """The denominator of the transformation rate (``rates.transformation_rate``):
    concluded positively, or completed the sale step (``sold_condition``, by default
    ``sold()``; the counts pass an equivalent semi-join)."""
    return or_(POSITIVE, sold() if sold_condition is None else sold_condition)


def concerned(step: Step) -> ColumnElement:
    """Holds a live record of the step, or is open, has nothing planned and waits for it
    (reach(t) + 1 is its position)."""
    return or_(holds(Target.live_steps, step.position),
               and_(OPEN, Target.planned.is_(False), Target.reach + 1 == step.position))


def completed(step: Step) -> ColumnElement:
    return holds(Target.done_steps, step.position)


def no_longer_concerned(step: Step) -> ColumnElement:
    return and_(Target.concluded.is_(True), Target.reach < step.position)


# The figures a count or an amount may open; the step figures need their step.
FIGURES = {
    "total": ("Tous les clients", lambda: true()),
    "accepted": ("Ont accepté", lambda: POSITIVE),
    "refused": ("Ont refusé", lambda: NEGATIVE),
    "in_progress": ("En cours", lambda: OPEN),
    "transformable": ("Étape de vente passée ou conclus positivement", transformable),
}
STEP_FIGURES = {
    "concerned": ("concernés par l'étape", concerned),
    "completed": ("ayant terminé l'étape", completed),
    "no_longer_concerned": ("qui ne sont plus concernés par l'étape", no_longer_concerned),
}
# Amounts open the clients they add up: potential → all, collected → accepted, remaining
# potential → in progress.
AMOUNT_FIGURES = {"potential": "total", "collected": "accepted",
                  "remaining_potential": "in_progress"}


@dataclass(frozen=True)
class Drill:
    """A figure chosen from the box or a tab: its label and its condition on Target."""

    label: str
    condition: ColumnElement


def drill(figure: str | None, step: Step | None = None) -> Drill | None:
    """The condition of a figure name (``refused``, ``concerned`` with its step…), or None
    for an unknown name."""
    figure = AMOUNT_FIGURES.get(figure, figure)
    if figure in FIGURES:
        label, condition = FIGURES[figure]
        return Drill(label, condition())
    if figure in STEP_FIGURES and step is not None:
        label, condition = STEP_FIGURES[figure]
        return Drill(f"Clients {label} « {step.name} »", condition(step))
    return None
