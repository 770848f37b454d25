"""The one bounded date parser: query strings, form fields, the import."""

from datetime import date

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from webapp.data.operations import day
from webapp.data.schema import Invalid
from webapp.dates import DayField, MomentField, day_param, parse_day


@pytest.mark.parametrize("text", ["1900-01-01", "2026-12-06", "2100-12-31"])
def test_days_within_bounds_parse(text):
    assert parse_day(text) == date.fromisoformat(text)


@pytest.mark.parametrize("text", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31",
                                  "hier", "", "2026-02-30", "2026-12-06T10:00", "٢٠٢٦-١٢-٠٦"])
def test_other_texts_are_no_day(text):
    with pytest.raises(ValueError):
        parse_day(text)


def test_day_param_falls_back_to_the_default(app):
    fallback = date(2026, 1, 1)
    with app.test_request_context("/?since=0001-01-01&until=2026-03-04&on=x"):
        assert day_param("since", fallback) == fallback
        assert day_param("until", fallback) == date(2026, 3, 4)
        assert day_param("on") is None and day_param("absent") is None


class _Form(FlaskForm):
    class Meta:
        csrf = False

    on = DayField("Le")
    at = MomentField("À")


@pytest.mark.parametrize(("data", "errors"), [
    ({"on": "2026-12-06", "at": "2026-12-06T10:30"}, {}),
    ({"on": "9999-12-31", "at": "0001-01-01T00:00"},
     {"on": ["Indiquez une date entre 1900 et 2100."],
      "at": ["Indiquez une date entre 1900 et 2100."]}),
])
def test_form_fields_are_bounded(app, data, errors):
    with app.test_request_context():
        form = _Form(formdata=MultiDict(data))
        assert form.validate() is not errors
        assert form.errors == errors



@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31"])
def test_the_import_refuses_days_out_of_bounds(text):
    with pytest.raises(Invalid, match="hors de 1900–2100"):
        day().check(text)
