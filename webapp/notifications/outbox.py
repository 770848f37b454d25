"""Queueing mail: a message is rendered and written to the outbox in the caller's
transaction (never sent from inside a request); the worker sends it after the commit."""

import uuid
from collections.abc import Iterable
from email.utils import make_msgid
from typing import NamedTuple

from flask import current_app, render_template
from jinja2 import Environment
from sqlalchemy import select

from webapp.extensions import db
from webapp.notifications.calendar import Invite, ics
from webapp.notifications.models import OutboxAttachment, OutboxMessage


class Attachment(NamedTuple):
    """A file to send with a message: its name as the receiver sees it, its type, its bytes."""

    filename: str
    mimetype: str
    content: bytes


def _addresses(value) -> str:
    items = [value] if isinstance(value, str) else list(value or ())
    return ", ".join(a.strip() for a in items if a and a.strip())


def _plain_text() -> Environment:
    """The app's templates without HTML autoescaping, for the subject and the plain-text
    part (escaped, « Véhicule d'intérêt » read « Véhicule d&#39;intérêt »)."""
    env = current_app.extensions.get("pilote.plain_text_jinja")
    if env is None:
        env = current_app.jinja_env.overlay(autoescape=False)
        current_app.extensions["pilote.plain_text_jinja"] = env
    return env


def _plain_block(name: str, block: str, context: dict) -> str:
    """One block of a mail template, rendered as plain text (through Flask's context
    processors, as ``render_block`` does)."""
    env = _plain_text()
    current_app.update_template_context(context)
    template = env.get_template(name)
    return "".join(template.blocks[block](template.new_context(context)))


def queue_mail(kind: str, to, template: str, cc=(), invite: Invite | None = None,
               dedup_key: str | None = None, attachments: Iterable[Attachment] = (),
               **context) -> OutboxMessage | None:
    """Render ``templates/mail/<template>.html`` (blocks subject, text, html) into an
    outbox row, with its attached files; with ``dedup_key``, a cause already queued is not
    queued again."""
    if dedup_key and db.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.dedup_key == dedup_key)):
        return None
    name = f"mail/{template}.html"
    context = {"invite": invite, **context}
    message = OutboxMessage(
        kind=kind,
        dedup_key=dedup_key,
        # make_msgid's own randomness is the `random` module's, which a caller may have
        # seeded: a uuid4 (the OS's randomness) keeps the unique id unique.
        message_id=make_msgid(uuid.uuid4().hex, domain=current_app.config["MAIL_DOMAIN"]),
        recipients=_addresses(to),
        cc=_addresses(cc) or None,
        subject=" ".join(_plain_block(name, "subject", dict(context)).split()),
        text_body=_plain_block(name, "text", dict(context)).strip() + "\n",
        html_body=render_template(name, **context),
        ics=ics(invite) if invite else None,
        ics_method=invite.method if invite else None,
        attachments=[OutboxAttachment(filename=a.filename, mimetype=a.mimetype,
                                      content=a.content) for a in attachments],
    )
    db.session.add(message)
    return message
