"""The client file's activity panel (open tasks, entry points) and the feed page."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp.activities import bp, feed, visits
from webapp.activities.discovery.services import discovery_of
from webapp.activities.forms import CloseVisitForm
from webapp.activities.tasks.queries import client_open_tasks, now
from webapp.auth.models import Role
from webapp.auth.scope import get_or_404
from webapp.clients.models import Client
from webapp.forms import saved
from webapp.htmx import render
from webapp.ids import id_param


@bp.route("/clients/<int:client_id>/panel")
@login_required
def client_panel(client_id: int):
    """The client file's « Activités » card (loaded by htmx): the entry points, the open
    tasks and rejets, the discovery's date, the first page of the feed."""
    client = get_or_404(Client, client_id)
    return render_template("activities/_client_panel.html", client=client,
                           open_tasks=client_open_tasks(client.id), now=now(),
                           discovery=discovery_of(client.id),
                           can_export=current_user.role in (Role.MANAGER, Role.ADMIN),
                           page=feed.feed_page(client.id, 1, size=10), kinds=feed.kinds(),
                           kind="")


@bp.route("/clients/<int:client_id>/feed")
@login_required
def client_feed(client_id: int):
    """Everything around the client, newest first, filterable by kind, paginated."""
    client = get_or_404(Client, client_id)
    kind = request.args.get("kind", "")
    kind = kind if kind in feed.SOURCES else ""
    page = feed.feed_page(client.id, request.args.get("page", 1, type=id_param), kind or None)
    return render("activities/feed/page.html", "feed", client=client, page=page,
                  kinds=feed.kinds(), kind=kind)


@bp.route("/clients/<int:client_id>/close-visit", methods=["GET", "POST"])
@login_required
def close_visit(client_id: int):
    """« Clore la visite »: the next appointment and the next opportunity, at once."""
    client = get_or_404(Client, client_id)
    form = CloseVisitForm(data=None if request.method == "POST" else {
        "place": client.address or "", "duration_minutes": 60,
        "subject": "Prochain rendez-vous", "opportunity_name": client.full_name})
    if saved(form, lambda: visits.close_visit(client, current_user, form.values(),
                                              form.opportunity())):
        flash("Visite close : prochain rendez-vous et nouvelle opportunité enregistrés.",
              "success")
        return redirect(url_for("clients.detail", client_id=client.id))
    return render_template("activities/close_visit.html", client=client, form=form), (
        422 if request.method == "POST" else 200)
