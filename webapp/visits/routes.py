"""« Préparer mes visites », the tablet's manifest, « À revoir », and the service worker."""

from datetime import UTC, datetime
from pathlib import Path

from flask import (
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from webapp import clock
from webapp.visits import bp, queries, services
from webapp.visits.forms import PeriodForm, PrepareForm
from webapp.visits.proposals import proposals
from webapp.visits.rules import period_days


def _now() -> datetime:
    return datetime.now(UTC)


def _page(form: PrepareForm, status: int = 200):
    period = PeriodForm(request.args)
    first, last = period_days(clock.today(), period.period.data if period.validate()
                              else "today")
    prepared = queries.prepared(current_user.id, _now())
    chosen = set(form.clients.data or []) or {p.client_id for p in prepared}
    return render_template("visits/prepare.html", form=form, period=period,
                           proposals=proposals(current_user, first, last),
                           prepared=prepared, chosen=chosen,
                           days=current_app.config["OFFLINE_DAYS"]), status


@bp.route("/visits/", methods=["GET", "POST"])
@login_required
def prepare():
    """Pick the clients of the day or the week; their pages are then cached by the page's
    script (``static/js/offline.js``) from the manifest."""
    form = PrepareForm()
    if not form.validate_on_submit():
        return _page(form, 422 if request.method == "POST" else 200)
    ids = form.values()
    clients = queries.visible_clients(ids)
    if len(clients) != len(ids):
        abort(404)  # another advisor's client: as if it did not exist
    services.prepare(current_user.id, clients, _now(), current_app.config["OFFLINE_DAYS"])
    return redirect(url_for("visits.prepare", prepared=len(clients)))


@bp.route("/visits/manifest")
@login_required
def manifest():
    """The pages and files the tablet caches for the current user (JSON)."""
    return jsonify(queries.manifest(current_user.id, _now()))


@bp.route("/visits/token")
@login_required
def token():
    """A fresh CSRF token and the user, for the replay of the offline queue (JSON)."""
    return jsonify({"csrf_token": generate_csrf(), "user": current_user.id})


@bp.route("/visits/forget", methods=["POST"])
@login_required
def forget():
    """Nothing prepared any more (the tablet cleared its cache: logout)."""
    services.forget(current_user.id)
    return "", 204


@bp.route("/visits/review")
@login_required
def review():
    """« À revoir »: the queued changes the server refused (filled from the tablet's
    queue by ``static/js/offline.js``)."""
    return render_template("visits/review.html")


@bp.route("/sw.js")
def service_worker():
    """The service worker, a static file served at the root so that its scope covers
    the pages it keeps."""
    body = (Path(current_app.static_folder) / "sw.js").read_bytes()
    return Response(body, mimetype="text/javascript",
                    headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"})


@bp.app_template_global()
def offline_ready(client_id: int) -> bool:
    """The client is prepared by the current user (the badge « disponible hors ligne »);
    one query per request."""
    if not current_user.is_authenticated:
        return False
    cached = g.get("offline_ready")
    if cached is None or cached[0] != current_user.id:
        cached = g.offline_ready = (current_user.id,
                                    queries.prepared_ids(current_user.id, _now()))
    return client_id in cached[1]
