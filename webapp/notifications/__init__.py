"""Notifications: the transactional e-mail outbox, calendar invites, reminders, alerts.

This package knows no domain: a domain hands the outbox a message (``queue_mail``),
raises an alert (``notify``) and registers its reminder kinds (``reminder``).
"""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from webapp.notifications import routes  # noqa: E402, F401


@bp.record_once
def _setup(state) -> None:
    from webapp.notifications import links

    links.init_app(state.app)
