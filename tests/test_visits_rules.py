"""Rules of the offline visit mode (issue #20 « Mode connecté / mode déconnecté », seed
001 slide 34): how long prepared pages stay on the tablet, how many clients one holds."""

from datetime import UTC, date, datetime, timedelta

import pytest

from webapp.visits.rules import (
    MAX_CLIENTS,
    available,
    expiry,
    period_days,
    preparation_refusal,
)

NOON = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize(("days", "expected"), [
    (3, NOON + timedelta(days=3)),   # the default setting: a few days of visits
    (1, NOON + timedelta(days=1)),
    (0, NOON + timedelta(days=1)),   # a setting of 0 still keeps the day's visits
    (-2, NOON + timedelta(days=1)),
])
def test_expiry(days, expected):
    assert expiry(NOON, days) == expected


@pytest.mark.parametrize(("now", "expected"), [
    (NOON - timedelta(seconds=1), True),
    (NOON, False),  # expired at its instant
    (NOON + timedelta(days=1), False),
])
def test_available_until_expiry(now, expected):
    assert available(NOON, now) is expected


@pytest.mark.parametrize(("count", "refused"), [
    (0, False), (1, False), (MAX_CLIENTS, False), (MAX_CLIENTS + 1, True),
])
def test_preparation_size(count, refused):
    message = preparation_refusal(count)
    assert (message is not None) is refused
    if refused:
        assert f"au plus {MAX_CLIENTS} clients" in message


@pytest.mark.parametrize(("today", "period", "expected"), [
    (date(2026, 12, 7), "today", (date(2026, 12, 7), date(2026, 12, 7))),  # a Monday
    (date(2026, 12, 7), "week", (date(2026, 12, 7), date(2026, 12, 13))),  # to Sunday
    (date(2026, 12, 13), "week", (date(2026, 12, 13), date(2026, 12, 13))),  # Sunday
    (date(2026, 12, 31), "week", (date(2026, 12, 31), date(2027, 1, 3))),  # across the year
])
def test_period_days(today, period, expected):
    assert period_days(today, period) == expected
