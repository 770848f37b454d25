"""French display formats, one set of filters."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from webapp.formatting import DASH, day, moment, money, rate

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(("value", "shown"), [
    (4100000, f"4{NNBSP}100{NNBSP}000{NBSP}€"),
    (Decimal("1234.50"), f"1{NNBSP}234,50{NBSP}€"),
    (0, f"0{NBSP}€"),
    (None, DASH),
])
def test_money(app, value, shown):
    with app.test_request_context():
        assert money(value) == shown


@pytest.mark.parametrize(("value", "shown"), [(2 / 3, "66,67"), (1, "100,00"), (None, DASH)])
def test_rate(app, value, shown):
    with app.test_request_context():
        assert rate(value).replace(NBSP, " ").removesuffix(" %") == shown


def test_day(app):
    with app.test_request_context():
        assert day(date(2026, 11, 22)) == "22/11/2026"
        assert day(datetime(2026, 11, 22, 23, 30, tzinfo=UTC)) == "23/11/2026"  # Paris
        assert day(None) == DASH


@pytest.mark.parametrize(("value", "shown"), [
    (datetime(2026, 11, 22, 13, 5, tzinfo=UTC), "22/11/2026 14:05"),  # winter: UTC+1
    (datetime(2026, 7, 1, 12, 5, tzinfo=UTC), "01/07/2026 14:05"),  # summer: UTC+2
    (datetime(2026, 7, 1, 12, 5), "01/07/2026 14:05"),  # naive: taken as UTC
    (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "29/03/2026 01:59"),  # the last minute…
    (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "29/03/2026 03:00"),  # …before 02:00 → 03:00
    (datetime(9999, 12, 31, 23, 59, tzinfo=UTC), "31/12/9999 23:59 UTC"),  # cannot shift
    (None, DASH),
])
def test_moment_in_paris_time(app, value, shown):
    """The same digits Babel's ``dd/MM/yyyy HH:mm`` gave, in Europe/Paris."""
    from flask_babel import format_datetime

    with app.test_request_context():
        assert moment(value) == shown
        if value is not None and value.year < 9999:
            assert format_datetime(value, "dd/MM/yyyy HH:mm") == shown


def _wtforms_messages() -> set[str]:
    """Every message WTForms translates (``gettext("…")`` in its sources)."""
    import re
    from pathlib import Path

    import wtforms

    found = set()
    for path in Path(wtforms.__file__).parent.rglob("*.py"):
        found |= set(re.findall(r'gettext\(\s*"([^"]+)"', path.read_text("utf-8")))
    return found


def test_every_wtforms_message_is_french(app):
    """Issue 13: no raw English WTForms message (« Not a valid choice », « Date must be… »)."""
    from flask_wtf import FlaskForm

    class Form(FlaskForm):
        pass

    messages = _wtforms_messages()
    assert "Not a valid choice." in messages and len(messages) > 30
    with app.test_request_context("/", method="POST"):
        translations = Form(meta={"csrf": False}).meta.get_translations(None)
        untranslated = {m for m in messages if translations.gettext(m) == m}
    assert untranslated == set()
