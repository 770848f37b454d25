"""Alerts (every user) and the outbox administration page (admins)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from webapp.auth.decorators import role_required
from webapp.auth.models import Role
from webapp.auth.redirects import is_our_page
from webapp.auth.scope import get_or_404
from webapp.errors import Refused
from webapp.extensions import db
from webapp.htmx import render
from webapp.ids import id_param
from webapp.notifications import bp
from webapp.notifications.alerts import alerts_of, unread_count
from webapp.notifications.models import Alert, MessageStatus, OutboxMessage
from webapp.notifications.services import mark_read, queue_test_mail, requeue
from webapp.pagination import paginate


@bp.route("/alerts/")
@login_required
def alerts():
    """My alerts, unread first (the home page loads the first ones with htmx)."""
    page = paginate(alerts_of(current_user), request.args.get("page", 1, type=id_param))
    return render("notifications/alerts.html", "alerts", page=page)


@bp.route("/alerts/badge")
@login_required
def badge():
    """The navigation badge: how many alerts are unread (htmx fragment)."""
    return render_template("notifications/_badge.html", count=unread_count(current_user))


@bp.route("/alerts/<int:alert_id>")
@login_required
def open_alert(alert_id: int):
    """Open an alert: it is read, and leads where it points (one of our pages)."""
    alert = get_or_404(Alert, alert_id)
    mark_read(alert)
    return redirect(alert.url if is_our_page(alert.url) else url_for("notifications.alerts"))


@bp.route("/admin/outbox")
@role_required(Role.ADMIN)
def outbox():
    """Outbox state: counts by status, the messages, failures with their error."""
    status = request.args.get("status", "")
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status in {s.value for s in MessageStatus}:
        stmt = stmt.where(OutboxMessage.status == status)
    counts = dict(db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    page = paginate(stmt, request.args.get("page", 1, type=id_param))
    return render("notifications/outbox.html", "messages", page=page, counts=counts,
                  selected=status, statuses=list(MessageStatus))


@bp.route("/admin/outbox/<int:message_id>/resend", methods=["POST"])
@role_required(Role.ADMIN)
def resend(message_id: int):
    """Put a failed message back in the queue, tries counted from zero."""
    message = db.get_or_404(OutboxMessage, message_id)
    try:
        requeue(message)
    except Refused as refusal:
        flash(refusal.message, "warning")
    else:
        flash("Message remis dans la file d'envoi.", "success")
    return redirect(url_for("notifications.outbox", status=request.args.get("status", "")))


@bp.route("/admin/outbox/test", methods=["POST"])
@role_required(Role.ADMIN)
def test_mail():
    """Queue a test message to the admin, to check the SMTP settings end to end."""
    queue_test_mail(current_user)
    flash(f"E-mail de test mis en file pour {current_user.email}.", "success")
    return redirect(url_for("notifications.outbox"))
