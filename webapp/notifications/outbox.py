"""Queueing mail: a message is rendered and written to the outbox in the caller's
transaction (never sent from inside a request); the worker sends it after the commit."""

from email.utils import make_msgid

from flask import current_app, render_template
from jinja2_fragments.flask import render_block
from sqlalchemy import select

from webapp.extensions import db
from webapp.notifications.calendar import Invite, ics
from webapp.notifications.models import OutboxMessage


def _addresses(value) -> str:
    items = [value] if isinstance(value, str) else list(value or ())
    return ", ".join(a.strip() for a in items if a and a.strip())


def queue_mail(kind: str, to, template: str, cc=(), invite: Invite | None = None,
               dedup_key: str | None = None, **context) -> OutboxMessage | None:
    """Render ``templates/mail/<template>.html`` (blocks subject, text, html) into an
    outbox row; with ``dedup_key``, a cause already queued is not queued again."""
    if dedup_key and db.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.dedup_key == dedup_key)):
        return None
    name = f"mail/{template}.html"
    context = {"invite": invite, **context}
    message = OutboxMessage(
        kind=kind,
        dedup_key=dedup_key,
        message_id=make_msgid(domain=current_app.config["MAIL_DOMAIN"]),
        recipients=_addresses(to),
        cc=_addresses(cc) or None,
        subject=" ".join(render_block(name, "subject", **context).split()),
        text_body=render_block(name, "text", **context).strip() + "\n",
        html_body=render_template(name, **context),
        ics=ics(invite) if invite else None,
        ics_method=invite.method if invite else None,
    )
    db.session.add(message)
    return message
