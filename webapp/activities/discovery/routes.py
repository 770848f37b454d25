"""The discovery, editable from the tablet during the visit, and the client's data
export (JSON and PDF) for managers and admins."""

import json

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp.activities import bp
from webapp.activities.discovery.export import client_data, client_pdf
from webapp.activities.discovery.forms import DiscoveryForm
from webapp.activities.discovery.rules import CNIL_NOTICE, MIN_ITEMS
from webapp.activities.discovery.services import discovery_of, save_discovery
from webapp.auth.decorators import role_required
from webapp.auth.models import Role
from webapp.auth.scope import get_or_404
from webapp.clients.models import Client
from webapp.concurrency import Conflict, conflicts
from webapp.downloads import bytes_download
from webapp.forms import saved

STALE = "La découverte vient d'être modifiée par quelqu'un d'autre : relisez-la puis validez."


def _save(client: Client, form: DiscoveryForm) -> None:
    current = discovery_of(client.id)
    if current is not None and conflicts(current, form.version.data):
        raise Conflict(STALE)
    save_discovery(client.id, form.values(), current_user.id)


@bp.route("/clients/<int:client_id>/discovery", methods=["GET", "POST"])
@login_required
def discovery(client_id: int):
    """« J'enrichis la découverte depuis mon Pc Hybride ou mon smartphone »."""
    client = get_or_404(Client, client_id)
    current = discovery_of(client.id)
    data = None
    if request.method == "GET" and current is not None:
        data = {f"theme_{k}": v for k, v in current.texts().items()} | {
            "version": current.version}
    form = DiscoveryForm(data=data)
    message = None
    try:
        if saved(form, lambda: _save(client, form)):
            flash("Découverte enregistrée.", "success")
            return redirect(url_for("clients.detail", client_id=client.id))
    except Conflict as conflict:
        message = conflict.message
    status = 409 if message else (422 if request.method == "POST" else 200)
    return render_template("activities/discovery/form.html", client=client, form=form,
                           discovery=current, notice=CNIL_NOTICE, minimum=MIN_ITEMS,
                           message=message), status


@bp.route("/clients/<int:client_id>/export.json")
@role_required(Role.MANAGER, Role.ADMIN)
def export_json(client_id: int):
    """« Exporter les données du client »: everything stored about them, as JSON."""
    client = get_or_404(Client, client_id)
    body = json.dumps(client_data(client), ensure_ascii=False, indent=2)
    return bytes_download(f"client-{client.id}.json", body.encode(), "application/json")


@bp.route("/clients/<int:client_id>/export.pdf")
@role_required(Role.MANAGER, Role.ADMIN)
def export_pdf(client_id: int):
    """The same, as a readable PDF."""
    client = get_or_404(Client, client_id)
    return bytes_download(f"client-{client.id}.pdf", client_pdf(client), "application/pdf")
