"""The Gestion tab: per-client state, sorted and filtered (a figure's clients), the bulk
conclusion and the Excel export."""


from flask import flash, redirect, request, url_for
from flask_login import login_required
from sqlalchemy import Select

from webapp import clock
from webapp.htmx import is_htmx, render
from webapp.operations.models import Target
from webapp.operations.rules import split_amount
from webapp.operations.timeline.queries import conclusion_kinds
from webapp.supervision import bp
from webapp.supervision.bulk import conclude_all, outcome, selection
from webapp.supervision.excel import workbook_response
from webapp.supervision.forms import BulkConclusionForm
from webapp.supervision.gestion import Filters, listing, page_of, state_label
from webapp.supervision.params import scope_args, scope_from_args, tab_context

MAX_CHECKED = 1000  # ticked one by one: a page holds far fewer; "all" has no limit


def _list_context(scope, filters: Filters) -> dict:
    found = listing(scope, filters)
    page = page_of(found, request.args.get("page", 1, type=int))
    return {**tab_context(scope), "filters": filters, "drill": found.drill, "team": found.team,
            "page": page,
            "state_label": state_label}


@bp.route("/gestion")
@login_required
def gestion():
    """« Onglet Gestion »: every client of the scope and its state."""
    scope, filters = scope_from_args(), Filters.from_args(request.args)
    return render("supervision/gestion.html", "gestion_list", **_list_context(scope, filters))


def _chosen_ids(found_stmt: Select) -> Select:
    """The selection as a statement of target ids: the whole list (``all``), or the
    checked ids that are in it (another scope's id is simply not selected)."""
    ids = found_stmt.with_only_columns(Target.id).order_by(None)
    if request.values.get("all") == "1":
        return ids
    checked = [int(v) for v in request.values.getlist("target") if v.isdigit()]
    return ids.where(Target.id.in_(checked[:MAX_CHECKED]))


def _conclude_page(form, scope, filters, chosen, status=200):
    amount = form.amount.data if not form.amount.errors else None
    shares = (split_amount(amount, [1] * chosen.open) if amount is not None and form.split
              and chosen.open else [])
    return render("supervision/conclude.html", "conclude_body", status=status, form=form,
                  chosen=chosen, filters=filters, **tab_context(scope),
                  total=amount * chosen.open if amount is not None else None,
                  shares=(min(shares), max(shares)) if shares else None,
                  checked=request.values.getlist("target"),
                  all_selected=request.values.get("all") == "1")


def _bulk_form() -> BulkConclusionForm:
    if request.method == "POST":
        return BulkConclusionForm(kinds=conclusion_kinds())
    return BulkConclusionForm(kinds=conclusion_kinds(), formdata=None,
                              data={"conclusion_date": clock.today()})


@bp.route("/gestion/conclure", methods=["GET", "POST"])
@login_required
def conclude():
    """« Conclure »: conclusion kind, date and amount for every selected client, shown
    with its count first, then applied in one transaction."""
    scope, filters = scope_from_args(), Filters.from_args(request.args)
    ids = _chosen_ids(listing(scope, filters).kept)
    chosen, form = selection(ids), _bulk_form()
    if request.method == "GET" or not form.validate_on_submit() or chosen.open == 0:
        form.confirmed.data = ""  # an invalid form is shown to be corrected, not confirmed
        return _conclude_page(form, scope, filters, chosen,
                              422 if request.method == "POST" else 200)
    if form.confirmed.data != "1" or request.form.get("edit"):
        form.confirmed.data = "" if request.form.get("edit") else "1"
        return _conclude_page(form, scope, filters, chosen)
    changed = conclude_all(ids, form.values(), split=form.split)
    flash(outcome(changed, chosen.open - changed, form.kind().name), "success")
    target = url_for("supervision.gestion", **scope_args(scope), **filters.as_args())
    return ("", 204, {"HX-Redirect": target}) if is_htmx() else redirect(target, 303)


@bp.route("/gestion/export.xlsx")
@login_required
def export_excel():
    """« Export Excel » of the list as filtered: every row, streamed from a temporary file."""
    scope, filters = scope_from_args(), Filters.from_args(request.args)
    return workbook_response(scope, listing(scope, filters))
