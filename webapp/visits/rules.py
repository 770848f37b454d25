"""Rules of the offline visit mode: pure functions (no database, no Flask)."""

from datetime import date, datetime, timedelta

# How many clients one preparation may hold: a day or a week of visits, not a portfolio
# (each client is a handful of pages on a tablet's storage).
MAX_CLIENTS = 30


def expiry(prepared_at: datetime, days: int) -> datetime:
    """When prepared pages stop being served from the tablet: ``days`` after preparing."""
    return prepared_at + timedelta(days=max(1, days))


def available(expires_at: datetime, now: datetime) -> bool:
    """A prepared client is « disponible hors ligne » until its expiry (excluded)."""
    return now < expires_at


def preparation_refusal(count: int, limit: int = MAX_CLIENTS) -> str | None:
    """Why a preparation of ``count`` clients is refused, or None."""
    if count > limit:
        return (f"Préparez au plus {limit} clients à la fois ({count} choisis) : les pages "
                "sont gardées sur la tablette.")
    return None


def period_days(today: date, period: str) -> tuple[date, date]:
    """The days whose visits are proposed: today, or today to the end of the week
    (Sunday)."""
    if period == "week":
        return today, today + timedelta(days=6 - today.weekday())
    return today, today
