"""Edge dates on the pipeline (issue 19): the year 1 or 9999 in a filter is no filter (never
a 500), and a form date outside 1900–2100 is refused in French."""

import pytest
from sqlalchemy import select

from tests.fixtures.opportunities import valid
from webapp.extensions import db
from webapp.opportunities.models import Stage

EDGES = {"since": "0001-01-01", "until": "9999-12-31"}


@pytest.mark.parametrize("url", ["/opportunities/", "/opportunities/list",
                                 "/opportunities/export.csv", "/opportunities/export.xlsx",
                                 "cards"])
def test_edge_dates_in_the_filters_are_no_filter(org, anne, make_opportunity, login, url):
    make_opportunity(anne, owner=org["bdc_agent"])
    if url == "cards":
        stage_id = db.session.scalar(select(Stage.id).where(Stage.name == "En traitement"))
        url = f"/opportunities/stages/{stage_id}/cards"
    response = login(org["bdc_agent"]).get(url, query_string=EDGES)
    assert response.status_code == 200


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_form_date_out_of_bounds_is_refused_in_french(org, anne, login, day):
    response = login(org["bdc_agent"]).post("/opportunities/new", data=valid(
        anne, follow_up_on=day, owner_id=org["bdc_agent"].id))
    assert response.status_code == 422
    assert "Indiquez une date entre 1900 et 2100." in response.text
