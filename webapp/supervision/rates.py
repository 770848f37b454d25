"""Pure arithmetic of METRICS.md: every division guarded, exact decimals, rounding last."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def ratio(numerator, denominator) -> Decimal | None:
    """numerator / denominator, or None (shown "—") when the denominator is 0."""
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def percent(value: Decimal | None) -> float | None:
    """A ratio as a percentage rounded to 2 decimals (66.67), None stays None."""
    if value is None:
        return None
    return float((value * 100).quantize(CENT, ROUND_HALF_UP))


def transformation_rate(accepted: int, transformable: int) -> Decimal | None:
    """The one home of METRICS.md's « Taux de transformation »: « positive / (targets that
    completed the sale step, or concluded positively before it). Example (seed): 2 signed
    (one before, one after the sale step) and 1 refused after the sale step → 2 / 3 =
    66,67 %. A target refused before the sale step is not counted. » ``transformable`` is
    the SQL count of ``sets.transformable()``; None (shown "—") when it is 0."""
    return ratio(accepted, transformable)


def equipment_rate(accepted: int, total: int) -> Decimal | None:
    """METRICS.md « Taux d'équipement »: « positive / all targets in scope. Example
    (seed): 2 signed out of 10 → 20 % »."""
    return ratio(accepted, total)


def cents(value: Decimal) -> str:
    return str(Decimal(value).quantize(CENT, ROUND_HALF_UP))


@dataclass(frozen=True)
class Calendar:
    duration_days: int
    day_number: int
    days_remaining: int


def calendar(start: date, end: date, as_of: date) -> Calendar:
    """duration = end − start + 1; day number = as_of − start + 1 clamped to [0, duration]."""
    duration = (end - start).days + 1
    day = min(max((as_of - start).days + 1, 0), duration)
    return Calendar(duration, day, duration - day)


def expected(objective: Decimal, cal: Calendar) -> Decimal:
    """What should be collected by now: objective × day number / duration."""
    return objective * cal.day_number / cal.duration_days if cal.duration_days else Decimal(0)


PACE_LABELS = {"ahead": "En avance", "behind": "En retard"}


def pace(progress_rate: Decimal | None) -> str | None:
    """« S'il est supérieur à 100 %, alors vous êtes en avance, dans le cas contraire, vous
    êtes en retard » — exactly on time (100 %) counts as ahead; no rate, no pace."""
    if progress_rate is None:
        return None
    return "ahead" if progress_rate >= 1 else "behind"
