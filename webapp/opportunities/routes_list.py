"""The list view of the pipeline, with the board's filters, and its CSV / Excel exports."""


from flask import request
from flask_login import login_required

from webapp import clock
from webapp.choices import options
from webapp.htmx import render
from webapp.opportunities import bp
from webapp.opportunities.board.queries import Filters, stages
from webapp.opportunities.export import csv_response, xlsx_response
from webapp.opportunities.forms import filter_choices
from webapp.opportunities.queries_list import export_rows, list_page


def _export_name() -> str:
    return f"opportunites-{clock.today().isoformat()}"


@bp.route("/list")
@login_required
def listing():
    """The opportunities as a table: the same filters as the board, plus the stage."""
    filters = Filters.from_args(request.args)
    page = list_page(filters, request.args.get("page", 1, type=int))
    return render("opportunities/list.html", "results", page=page, filters=filters,
                  args=filters.as_args(), today=clock.today(), choices=filter_choices,
                  stage_choices=options([(0, "Toutes"), *((s.id, s.name) for s in stages())]))


@bp.route("/export.csv")
@login_required
def export_csv():
    """The filtered list as CSV (semicolons, French decimals)."""
    rows = export_rows(Filters.from_args(request.args), clock.today())
    return csv_response(rows, _export_name())


@bp.route("/export.xlsx")
@login_required
def export_xlsx():
    """The filtered list as an Excel workbook."""
    rows = export_rows(Filters.from_args(request.args), clock.today())
    return xlsx_response(rows, _export_name())
