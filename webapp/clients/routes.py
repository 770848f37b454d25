"""Client files: list and search, detail, create (also from a dialog), edit."""

import re

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from webapp.auth.scope import get_or_404
from webapp.clients import bp
from webapp.clients.forms import (
    FIELD_LABELS,
    AccountForm,
    ClientForm,
)
from webapp.clients.models import Client, Language
from webapp.clients.queries import Filters, search_page
from webapp.clients.selection.queries import list_page, visible_query
from webapp.clients.selection.routes import builder_context, list_url, read_criteria
from webapp.clients.services import HISTORY_VALUES, accounts_of, referrals, save_client
from webapp.clients.services import add_account as add_account_to
from webapp.concurrency import Conflict, save_versioned
from webapp.forms import clean_text, saved
from webapp.history import history_of, value_labels
from webapp.htmx import render
from webapp.ids import id_param

PICKER_SIZE = 8
_NAME = re.compile(r"[a-z][a-z0-9_-]{0,40}")


def _widget_args() -> dict:
    """The picker's DOM id and form field name, echoed back into the page: checked."""
    picker = request.values.get("picker", "")
    field = request.values.get("field", "client_id")
    return {"picker": picker if _NAME.fullmatch(picker) else "",
            "field": field if _NAME.fullmatch(field) else "client_id"}


def _query() -> str:
    """The search as typed, without control characters (a NUL fails on PostgreSQL)."""
    return clean_text(request.args.get("q", "")).strip()[:100]


@bp.route("/")
@login_required
def index():
    """The client list and its query builder (« Requêtes »): criteria in the URL, search
    as you type, pages, and the actions on the result."""
    criteria = read_criteria(request.args)
    page = list_page(criteria, request.args.get("page", 1, type=id_param))
    saved = visible_query(request.args.get("saved", 0, type=id_param))
    body, status, headers = render("clients/index.html", "results", page=page,
                                   criteria=criteria, saved=saved, **builder_context())
    # The address bar shows the criteria that are set (shareable, the back button).
    return body, status, headers | {"HX-Push-Url": list_url(criteria, page=page.number)}


def _detail_context(client: Client, account_form: AccountForm | None = None) -> dict:
    """What the client page and its htmx sections need (one source for both)."""
    history = history_of(client)
    return {"client": client, "referrals": referrals(client), "history": history,
            "history_values": value_labels(history, HISTORY_VALUES),
            "field_labels": FIELD_LABELS, "languages": Language.choices(),
            "accounts": accounts_of(client), "account_form": account_form or AccountForm()}


@bp.route("/<int:client_id>")
@login_required
def detail(client_id: int):
    """A client file with its advisor history, its accounts and its change history."""
    client = get_or_404(Client, client_id)
    return render_template("clients/detail.html", **_detail_context(client))


@bp.route("/<int:client_id>/accounts", methods=["POST"])
@login_required
def add_account(client_id: int):
    """Record an account or contract of the client (htmx: the accounts section)."""
    client = get_or_404(Client, client_id)
    form = AccountForm()
    if saved(form, lambda: add_account_to(client, form.values())):
        form = AccountForm(formdata=None)
    return render("clients/detail.html", "accounts", status=422 if form.errors else 200,
                  **_detail_context(client, form))


def _created(client: Client, widget: dict):
    """After a creation: the picker with the new file chosen (in a dialog), or the file."""
    if not widget["picker"]:
        flash("Fiche client créée.", "success")
        return redirect(url_for("clients.detail", client_id=client.id))
    body = render_template("clients/_picker.html", chosen=client, created=True, **widget)
    return body, 200, {"HX-Retarget": f"#{widget['picker']}", "HX-Reswap": "outerHTML",
                       "HX-Trigger": "pilote:close-dialog"}


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """Create a client file; inside a dialog (``?picker=``), save and associate it."""
    widget = _widget_args()
    # Inside a dialog the fields are prefixed: their ids must not clash with the outer form's.
    form = ClientForm(prefix=widget["picker"])
    created = Client()
    if saved(form, lambda: save_client(created, form.values())):
        return _created(created, widget)
    status = 422 if form.errors else 200
    if widget["picker"]:
        return render_template("clients/_dialog_form.html", form=form, **widget), status
    return render_template("clients/form.html", form=form, client=None, conflicts=[]), status


def _edit_form(client: Client) -> ClientForm:
    """The edit form, filled from the file on a GET (with the version it was built from)."""
    form = ClientForm(obj=client, client=client)
    if request.method == "GET":
        form.version.data = client.version
        form.advisor_id.data = client.advisor_id or 0
        form.branch_id.data = client.branch_id or 0
    return form


@bp.route("/<int:client_id>/edit", methods=["GET", "POST"])
@login_required
def edit(client_id: int):
    """Edit a client file; a concurrent change shows both values instead of overwriting."""
    client = get_or_404(Client, client_id)
    form, clash = _edit_form(client), []
    try:
        if saved(form, lambda: save_versioned(client, form.version.data,
                                               lambda: save_client(client, form.values()))):
            flash("Fiche client enregistrée.", "success")
            return redirect(url_for("clients.detail", client_id=client.id))
    except Conflict:
        clash = form.differences(client)  # the file as the other person saved it
        form.version.data = client.version  # resubmitting now overwrites, knowingly
    status = 409 if clash else 422 if form.errors else 200
    return render_template("clients/form.html", form=form, client=client,
                           conflicts=clash), status


@bp.route("/picker")
@login_required
def picker():
    """Search results of a client picker widget (htmx fragment)."""
    if request.args.get("reset"):
        return render_template("clients/_picker.html", chosen=None, **_widget_args())
    q = _query()
    clients = (search_page(Filters(q=q), size=PICKER_SIZE, count=False).items
               if len(q) >= 2 else [])
    return render_template("clients/_picker_results.html", clients=clients, q=q,
                           **_widget_args())


@bp.route("/picker/<int:client_id>")
@login_required
def pick(client_id: int):
    """The picker widget with one client chosen (htmx fragment)."""
    client = get_or_404(Client, client_id)
    return render_template("clients/_picker.html", chosen=client, **_widget_args())


