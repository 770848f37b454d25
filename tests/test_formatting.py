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
