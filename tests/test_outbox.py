"""The outbox: written in the caller's transaction, sent through a real SMTP server by
the worker, retried with backoff, idempotent with a crash and with two workers."""

import os
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from tests.conftest import PASSWORD, database_url, make_config
from webapp import create_app
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.notifications.calendar import Invite
from webapp.notifications.links import absolute_url
from webapp.notifications.models import MessageStatus, OutboxMessage
from webapp.notifications.outbox import Attachment, queue_mail
from webapp.notifications.worker import drain


@pytest.fixture
def admin_user(org):
    return org["admin"]


def _queue(user, n=1, **kwargs):
    for _ in range(n):
        queue_mail("test", user.email, "test", user=user, **kwargs)
    db.session.commit()


def _statuses():
    return dict(db.session.execute(select(OutboxMessage.status, func.count())
                                   .group_by(OutboxMessage.status)).all())


def test_rolled_back_change_sends_nothing(app, admin_user):
    queue_mail("test", admin_user.email, "test", user=admin_user)
    db.session.rollback()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_worker_sends_text_html_and_invite(app, admin_user, smtp_sink):
    app.config.update(MAIL_SENDER="Pilote <noreply@pilote.test>",
                      MAIL_REPLY_TO="bo@pilote.test")
    start = datetime(2026, 11, 24, 14, 0)
    invite = Invite(uid="meeting-7@pilote", sequence=0, start=start,
                    end=start + timedelta(hours=1), summary="ANNE / STOCK",
                    organizer="dv@example.fr", attendees=(admin_user.email,))
    _queue(admin_user, cc=["copie@example.fr"], invite=invite)
    tally = drain()
    assert tally.sent == 1 and _statuses() == {"sent": 1}
    [mail] = smtp_sink.messages
    assert mail["Subject"] == "Pilote — e-mail de test"
    assert mail["From"] == "Pilote <noreply@pilote.test>"
    assert mail["Reply-To"] == "bo@pilote.test" and mail["Cc"] == "copie@example.fr"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Bonjour Alice Admin" in text and "<p>Bonjour Alice Admin,</p>" in html
    [ics_part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert ics_part.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(ics_part.get_payload(decode=True))
    event = next(c for c in calendar.walk() if c.name == "VEVENT")
    assert str(calendar["method"]) == "REQUEST" and str(event["uid"]) == "meeting-7@pilote"
    message = db.session.scalar(select(OutboxMessage))
    assert mail["Message-ID"] == message.message_id and message.sent_at is not None


def test_message_ids_are_unique_whatever_the_random_seed(app, admin_user):
    """make_msgid draws from the ``random`` module, which a caller may seed (hypothesis
    does): two mails queued in the same instant with the same seed still get two ids."""
    random.seed(7)
    first = queue_mail("test", admin_user.email, "test", user=admin_user)
    random.seed(7)
    second = queue_mail("test", admin_user.email, "test", user=admin_user)
    db.session.commit()
    assert first.message_id != second.message_id


def test_dedup_key_queues_a_cause_once(app, admin_user):
    _queue(admin_user, dedup_key="meeting-confirmation:7")
    _queue(admin_user, dedup_key="meeting-confirmation:7")
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1


def test_failure_retries_with_backoff_then_gives_up(app, admin_user):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9, OUTBOX_MAX_ATTEMPTS=3,
                      OUTBOX_RETRY_BASE_SECONDS=60, MAIL_TIMEOUT=2)  # port 9: nobody there
    _queue(admin_user)
    before = datetime.now(UTC)
    assert drain().retried == 1
    message = db.session.scalar(select(OutboxMessage))
    db.session.refresh(message)
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.next_attempt_at.replace(tzinfo=UTC) >= before + timedelta(seconds=59)
    assert "Connection refused" in message.last_error or "Errno" in message.last_error
    assert drain().sent == 0  # not due yet: nothing tried
    for attempts in (2, 3):
        db.session.execute(OutboxMessage.__table__.update().values(
            next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)))
        db.session.commit()
        drain()
        db.session.refresh(message)
        assert message.attempts == attempts
    assert message.status == "failed"


def test_admin_sees_failures_and_resends(app, admin_user, login, smtp_sink):
    _queue(admin_user)
    message = db.session.scalar(select(OutboxMessage))
    message.status, message.attempts, message.last_error = "failed", 8, "SMTPRecipientsRefused"
    db.session.commit()
    http = login(admin_user)
    page = http.get("/admin/outbox?status=failed")
    assert "SMTPRecipientsRefused" in page.text and "Renvoyer" in page.text
    assert http.post(f"/admin/outbox/{message.id}/resend").status_code == 302
    db.session.refresh(message)
    assert (message.status, message.attempts) == ("pending", 0)
    assert drain().sent == 1 and len(smtp_sink.messages) == 1


def test_admin_test_mail(app, admin_user, login, smtp_sink):
    assert login(admin_user).post("/admin/outbox/test").status_code == 302
    drain()
    assert smtp_sink.messages[0]["To"] == admin_user.email


def test_console_backend_prints(app, admin_user, capsys):
    app.config["MAIL_BACKEND"] = "console"
    _queue(admin_user)
    assert drain().sent == 1
    assert "Subject: Pilote" in capsys.readouterr().out


def _worker(tmp_path, pg_schema, port, **env):
    """`flask outbox work --once` in its own process, as cron or a supervisor runs it."""
    environment = {**os.environ, "DATABASE_URL": database_url(tmp_path, pg_schema),
                   "SECRET_KEY": "test", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port),
                   "MAIL_BACKEND": "smtp", "BASE_URL": "https://pilote.example.fr", **env}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "webapp", "outbox", "work",
                             "--once"], env=environment, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _run_worker(tmp_path, pg_schema, port, **env):
    """Run one worker to its end: (exit code, output)."""
    process = _worker(tmp_path, pg_schema, port, **env)
    out, err = process.communicate(timeout=120)
    return process.returncode, out + err


def test_worker_killed_between_claim_and_send_sends_once(app, admin_user, smtp_sink,
                                                          tmp_path, pg_schema):
    _queue(admin_user, n=5)
    code, output = _run_worker(tmp_path, pg_schema, smtp_sink.port,
                               OUTBOX_CRASH_AFTER_CLAIM="1")
    assert code == 70, output
    db.session.expire_all()
    assert _statuses() == {"sending": 5} and smtp_sink.messages == []
    # Restarted before the lease ends: the claim still stands, nothing is sent twice.
    code, output = _run_worker(tmp_path, pg_schema, smtp_sink.port)
    assert code == 0 and smtp_sink.messages == [], output
    # Once the lease has run out the restarted worker takes the messages back.
    code, output = _run_worker(tmp_path, pg_schema, smtp_sink.port, OUTBOX_LEASE_SECONDS="0")
    assert code == 0, output
    db.session.expire_all()
    assert _statuses() == {"sent": 5}
    ids = smtp_sink.message_ids()
    assert len(ids) == 5 and len(set(ids)) == 5


def test_two_workers_send_each_of_1000_messages_exactly_once(app, admin_user, smtp_sink,
                                                            tmp_path, pg_schema):
    _queue(admin_user, n=1000)
    workers = [_worker(tmp_path, pg_schema, smtp_sink.port) for _ in range(2)]
    outputs = [w.communicate(timeout=300) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    sent = [int(out.split("Envoyés : ")[1].split(",")[0]) for out, _ in outputs]
    assert sum(sent) == 1000 and all(sent), sent  # both took part
    ids = smtp_sink.message_ids()
    assert len(ids) == 1000 and len(set(ids)) == 1000
    db.session.expire_all()
    assert _statuses() == {MessageStatus.SENT.value: 1000}


def test_mail_links_use_base_url_not_the_host_header(app, org, make_client, make_user,
                                                      route_type):
    """Issue 19: a request posted with ``Host: evil.example`` queued a link to it."""
    app.config["BASE_URL"] = "https://pilote.example.fr"
    route_type("Cotation R1", to=[make_user(Role.MANAGER, name="Chris Tarif")])
    anne = make_client("Anne", "Roux", advisor=org["advisor"])
    from webapp.backoffice.models import RequestType

    type_id = db.session.scalar(select(RequestType.id).where(RequestType.name == "Cotation R1"))
    http, forged = app.test_client(), "http://evil.example"
    http.post("/login", base_url=forged, data={"email": "marc@example.fr", "password": PASSWORD})
    response = http.post("/bo/requests/new", base_url=forged, data={
        "type_id": type_id, "client_id": anne.id, "label": "Cotation R1", "body": "R1",
        "deadline": "2030-01-15"})
    assert response.status_code == 302 and "/bo/requests/" in response.location
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert "https://pilote.example.fr/bo/requests/" in mail.text_body
    assert "https://pilote.example.fr/bo/requests/" in mail.html_body
    assert "evil.example" not in mail.text_body + mail.html_body


@pytest.mark.parametrize(("settings", "expected"), [
    ({"BASE_URL": "https://pilote.example.fr/"}, "https://pilote.example.fr"),
    ({"TESTING": False, "DEVELOPMENT": True}, "http://localhost:5000"),
    ({"TESTING": False, "BASE_URL": "http://10.0.0.5:8000"}, "http://10.0.0.5:8000"),
])
def test_base_url_setting(tmp_path, pg_schema, settings, expected):
    app = create_app(make_config(tmp_path, pg_schema, **settings))
    assert app.config["BASE_URL"] == expected
    with app.test_request_context("/", base_url="http://evil.example"):
        assert absolute_url("/clients/") == expected + "/clients/"


@pytest.mark.parametrize("base_url", [None, "", "ftp://pilote.example.fr", "pilote.example.fr",
                                      "https://pilote.example.fr/sous-dossier"])
def test_base_url_is_required_in_production(tmp_path, pg_schema, base_url):
    with pytest.raises(RuntimeError, match="BASE_URL"):
        create_app(make_config(tmp_path, pg_schema, TESTING=False, BASE_URL=base_url))


def test_attached_files_reach_the_receiver_byte_for_byte(app, admin_user, smtp_sink):
    pdf = b"%PDF-1.7\n" + bytes(range(256))
    _queue(admin_user, attachments=[Attachment("fiche client.pdf", "application/pdf", pdf)])
    assert drain().sent == 1
    [mail] = smtp_sink.messages
    [part] = list(mail.iter_attachments())
    assert part.get_content_type() == "application/pdf"
    assert part.get_filename() == "fiche client.pdf"
    assert part.get_payload(decode=True) == pdf
