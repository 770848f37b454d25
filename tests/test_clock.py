"""The app's calendar is its time zone's, not the server's (a server on UTC serving Paris
must start tomorrow at midnight in Paris, i.e. 23:00 UTC in winter)."""

from datetime import UTC, date, datetime

import pytest

from webapp import clock, create_app


def test_local_day_of_an_instant_is_the_paris_day():
    late = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert clock.local_day(late) == date(2026, 11, 23)
    assert clock.local_day(late.replace(tzinfo=None)) == date(2026, 11, 23)  # SQLite: UTC
    assert clock.local_day(datetime(2026, 11, 22, 22, 59, tzinfo=UTC)) == date(2026, 11, 22)
    assert clock.local_day(datetime(2026, 7, 1, 22, 0, tzinfo=UTC)) == date(2026, 7, 2)


def test_day_start_is_local_midnight_in_utc():
    assert clock.day_start(date(2026, 11, 23)) == datetime(2026, 11, 22, 23, tzinfo=UTC)
    assert clock.day_start(date(2026, 7, 2)) == datetime(2026, 7, 1, 22, tzinfo=UTC)


@pytest.mark.parametrize("ahead, behind", [("Pacific/Kiritimati", "Pacific/Pago_Pago")])
def test_today_follows_the_configured_zone(app_config, ahead, behind):
    # UTC+14 and UTC−11 are 25 hours apart: their days always differ, whatever the hour.
    days = {}
    for zone in (ahead, behind):
        with create_app({**app_config, "BABEL_DEFAULT_TIMEZONE": zone}).app_context():
            days[zone] = clock.today()
    assert days[ahead] > days[behind]
