"""Turning an outbox row into a MIME message, and the two ways out: SMTP or the console."""

import smtplib
import sys
from email.message import EmailMessage
from email.utils import format_datetime

from webapp.notifications.models import OutboxMessage


def mime(message: OutboxMessage, config) -> EmailMessage:
    """Text and HTML alternatives, the .ics invitation when there is one, and the
    attached files."""
    mail = EmailMessage()
    mail["From"] = config["MAIL_SENDER"]
    if config.get("MAIL_REPLY_TO"):
        mail["Reply-To"] = config["MAIL_REPLY_TO"]
    mail["To"] = message.recipients
    if message.cc:
        mail["Cc"] = message.cc
    mail["Subject"] = message.subject
    mail["Message-ID"] = message.message_id  # the same at every try: receivers can dedupe
    mail["Date"] = format_datetime(message.created_at)
    mail.set_content(message.text_body)
    mail.add_alternative(message.html_body, subtype="html")
    if message.ics:
        mail.add_attachment(message.ics.encode(), maintype="text", subtype="calendar",
                            filename="invitation.ics", params={"method": message.ics_method})
    for attachment in message.attachments:
        maintype, _, subtype = attachment.mimetype.partition("/")
        mail.add_attachment(attachment.content, maintype=maintype, subtype=subtype,
                            filename=attachment.filename)
    return mail


class SmtpTransport:
    """One SMTP connection for a batch of messages."""

    def __init__(self, config):
        self.config = config
        self.connection = None

    def __enter__(self):
        c = self.config
        factory = smtplib.SMTP_SSL if c["MAIL_USE_SSL"] else smtplib.SMTP
        self.connection = factory(c["MAIL_SERVER"], c["MAIL_PORT"], timeout=c["MAIL_TIMEOUT"])
        if c["MAIL_USE_TLS"]:
            self.connection.starttls()
        if c.get("MAIL_USERNAME"):
            self.connection.login(c["MAIL_USERNAME"], c["MAIL_PASSWORD"])
        return self

    def send(self, mail: EmailMessage) -> None:
        self.connection.send_message(mail)

    def __exit__(self, *_exc):
        try:
            self.connection.quit()
        except smtplib.SMTPException:
            self.connection.close()


class ConsoleTransport:
    """Development: print the message instead of sending it."""

    def __init__(self, config, out=None):
        self.out = out or sys.stdout

    def __enter__(self):
        return self

    def send(self, mail: EmailMessage) -> None:
        print(mail.as_string(), file=self.out, flush=True)
        print("-" * 72, file=self.out, flush=True)

    def __exit__(self, *_exc):
        return None


def transport(config):
    return ConsoleTransport(config) if config["MAIL_BACKEND"] == "console" else SmtpTransport(
        config)
