"""French display formats, one set of filters."""

from datetime import date
from decimal import Decimal

import pytest

from webapp.formatting import DASH, day, money, rate

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
        assert day(None) == DASH


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
