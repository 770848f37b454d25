"""Incentives (slide 9 « les nouvelles règles »): per seller, no 5 € threshold, rounded to
the euro per seller; sales entered or imported; the export."""

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import clock
from webapp.auth.decorators import role_required
from webapp.backoffice import bp
from webapp.backoffice.incentives import queries, services
from webapp.backoffice.incentives.forms import ImportForm, PeriodForm, SaleForm
from webapp.backoffice.models import DESK_ROLES
from webapp.downloads import csv_download, csv_lines
from webapp.ids import id_param


def _period() -> PeriodForm:
    form = PeriodForm(request.args)
    form.validate()
    if not request.args.get("start") and not request.args.get("end"):
        today = clock.today()
        form.start.data, form.end.data = date(today.year, 1, 1), today
    return form


def _page(sale_form=None, import_form=None, import_errors=(), status=200):
    period = _period()
    start, end = period.start.data, period.end.data
    args = {k: v.isoformat() for k, v in (("start", start), ("end", end)) if v}
    return render_template(
        "backoffice/incentives/index.html", period=period, period_args=args,
        sellers=queries.sellers_page(start, end, request.args.get("page", 1, id_param)),
        totals=queries.totals(start, end),
        sale_form=sale_form or SaleForm(formdata=None, prefix="sale",
                                        data={"sold_on": clock.today()}),
        import_form=import_form or ImportForm(formdata=None, prefix="import"),
        import_errors=import_errors), status


@bp.route("/incentives")
@role_required(*DESK_ROLES)
def incentives():
    """Each seller's incentive over a period, and the totals."""
    return _page()


@bp.route("/incentives/sales", methods=["POST"])
@role_required(*DESK_ROLES)
def add_sale():
    """Enter one policy sold with its incentive."""
    form = SaleForm(prefix="sale")
    if not form.validate_on_submit():
        return _page(sale_form=form, status=422)
    services.add_sale(form.values(), current_user)
    flash("Vente enregistrée.", "success")
    return redirect(url_for("backoffice.incentives", **request.args))


@bp.route("/incentives/import", methods=["POST"])
@role_required(*DESK_ROLES)
def import_sales():
    """Import a sales file: every line, or none when one is wrong (its errors shown)."""
    form = ImportForm(prefix="import")
    if not form.validate_on_submit():
        return _page(import_form=form, status=422)
    try:
        count = services.import_sales(form.file.data, current_user)
    except services.ImportRefused as refusal:
        return _page(import_form=form, import_errors=refusal.errors, status=422)
    flash(f"{count} vente{'s' if count > 1 else ''} importée{'s' if count > 1 else ''}.",
          "success")
    return redirect(url_for("backoffice.incentives", **request.args))


def _french(amount) -> str:
    return f"{amount:.2f}".replace(".", ",")


def _rows(start, end):
    for row in queries.every_seller(start, end):
        yield [row.agency, row.seller, row.policies, _french(row.exact), f"{row.incentive:.0f}"]


@bp.route("/incentives/export.csv")
@role_required(*DESK_ROLES)
def export_incentives():
    """The period's incentives per seller as a CSV for Excel (streamed)."""
    period = _period()
    start, end = period.start.data, period.end.data
    header = ["Agence", "Vendeur", "Polices", "Montant exact (€)", "Incentive arrondi (€)"]
    return csv_download(f"incentives-{start or 'debut'}-{end or 'fin'}.csv",
                        csv_lines(header, _rows(start, end)))
