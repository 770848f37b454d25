"""The list's CSV and Excel exports: every role that may read the pipeline gets its
file, with what it sees (a manager's team included), and a cell a spreadsheet would run
as a formula comes out as text."""

import io

import pytest
from openpyxl import load_workbook

from webapp.downloads import csv_lines, safe_cell

ROLES = ("admin", "manager", "advisor", "other_advisor", "bdc_agent", "bo_assistant")
# Who sees Marc's opportunity (Marc is its SPEX, in Claire's agency): Léa does not.
SEES_MARCS = {"admin": True, "manager": True, "advisor": True, "other_advisor": False,
              "bdc_agent": True, "bo_assistant": True}


@pytest.fixture
def marcs(org, make_client, make_opportunity):
    anne = make_client("Anne", "Roux", advisor=org["advisor"])
    return make_opportunity(anne, spex_id=org["advisor"].id, vehicle_make="=HYPERLINK(1)",
                            vehicle_model="@SUM(A1)")


@pytest.mark.parametrize("role", ROLES)
def test_csv_export_per_role(org, login, marcs, role):
    response = login(org[role]).get("/opportunities/export.csv")
    assert response.status_code == 200  # the body is read: the stream runs to its end
    lines = response.get_data(as_text=True).lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("N°;Nom;Client")
    assert (len(lines) == 2) is SEES_MARCS[role]
    assert response.headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("role", ROLES)
def test_xlsx_export_per_role(org, login, marcs, role):
    response = login(org[role]).get("/opportunities/export.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.get_data()), read_only=True)
                .active.iter_rows(values_only=True))
    assert rows[0][:3] == ("N°", "Nom", "Client")
    assert (len(rows) == 2) is SEES_MARCS[role]


def test_csv_export_neutralises_formulas(org, login, marcs):
    text = login(org["bdc_agent"]).get("/opportunities/export.csv").get_data(as_text=True)
    vehicle = text.strip().splitlines()[1].split(";")[15]
    assert vehicle == "'=HYPERLINK(1) @SUM(A1)"


@pytest.mark.parametrize(("value", "written"), [
    ("=1+1", "'=1+1"), ("+SUM(A1)", "'+SUM(A1)"), ("-2+3", "'-2+3"), ("@cmd", "'@cmd"),
    ("\tx", "'\tx"), ("-12,50", "-12,50"), ("+33 6 12 34 56 78", "+33 6 12 34 56 78"),
    ("Anne", "Anne"), ("", ""), (None, None), (5, 5),
])
def test_safe_cell(value, written):
    assert safe_cell(value) == written


def test_csv_lines_neutralises_every_cell():
    text = "".join(csv_lines(["=A"], [["=B", "ok", "-1"]], bom=False))
    assert text.splitlines() == ["'=A", "'=B;ok;-1"]


def test_csv_rows_need_no_viewer_once_read(app, org, marcs):
    """A served CSV is read after the request committed and closed its session: the rows
    must not load the viewer's hierarchy then (a manager's export was a 500)."""
    from flask_login import login_user

    from webapp import clock
    from webapp.extensions import db
    from webapp.opportunities.board.queries import Filters
    from webapp.opportunities.queries_list import export_rows

    manager = org["manager"]
    with app.test_request_context("/opportunities/export.csv"):
        login_user(manager)
        rows = export_rows(Filters(), clock.today())
        db.session.commit()  # what transaction.py does before the body is sent
        db.session.expunge(manager)  # and the session is gone when the server reads it
        assert [row[0] for row in rows] == [marcs.id]
