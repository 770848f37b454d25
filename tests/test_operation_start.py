"""The operation start notification: an alert and an e-mail per advisor, once."""

from datetime import timedelta

from sqlalchemy import func, select

from webapp import clock
from webapp.extensions import db
from webapp.notifications import reminders, worker
from webapp.notifications.models import Alert, OutboxMessage
from webapp.operations import reminders as operation_reminders  # registers the kind
from webapp.operations.models import RecordStatus, StepRecord

TODAY = clock.today()


def _run(runner):
    result = runner.invoke(args=["reminders", "run"])
    assert result.exit_code == 0, result.output
    return result.output


def _setup(org, make_client, make_operation, make_target, **fields):
    marc, lea = org["advisor"], org["other_advisor"]
    operation = make_operation(org["manager"], name="Épargne retraite T1", **fields)
    anne = make_target(operation, make_client("Anne", "Roux", advisor=marc, phone="0612345678"),
                       potential="30000")
    paul = make_target(operation, make_client("Paul", "Durand", advisor=marc))
    done = make_target(operation, make_client("Eva", "Faite", advisor=marc))
    db.session.add(StepRecord(target=done, step=operation.steps[0], status=RecordStatus.DONE))
    paul.concluded, paul.success = True, False
    make_target(operation, make_client("Zoé", "Blanc", advisor=lea))
    db.session.commit()
    return operation, anne


def test_start_notification_alert_and_mail_once(app, runner, org, make_client, make_operation,
                                                 make_target, smtp_sink):
    assert reminders.KINDS["operation-start"] is operation_reminders.operation_start
    operation, anne = _setup(org, make_client, make_operation, make_target, notify_start=True)
    marc, lea = org["advisor"], org["other_advisor"]
    assert "operation-start : 2 nouveau(x)" in _run(runner)
    assert "operation-start : 0 nouveau(x)" in _run(runner)
    assert db.session.scalar(select(func.count(OutboxMessage.id))
                             .where(OutboxMessage.kind == "operation-start")) == 2
    [alert] = db.session.scalars(select(Alert).where(Alert.user_id == marc.id)).all()
    assert alert.title == "Opération « Épargne retraite T1 » démarrée : 1 client à contacter"
    assert alert.url == f"/operations/{operation.id}/targets?advisor_id={marc.id}"
    assert alert.dedup_key == f"operation-start:{operation.id}-{marc.id}:{marc.id}"
    assert db.session.scalar(select(Alert.title).where(Alert.user_id == lea.id)).endswith(
        "1 client à contacter")
    worker.drain()
    [mail] = [m for m in smtp_sink.messages if m["To"] == marc.email]
    assert mail["Subject"] == "Opération « Épargne retraite T1 » démarrée : 1 client à contacter"
    text = mail.get_body(("plain",)).get_content()
    assert "Vous avez 1 client à contacter" in text
    assert f"Roux Anne — {anne.client.phone} — potentiel 30" in text
    assert "Durand" not in text and "Faite" not in text  # concluded, already contacted
    assert "Roux Anne" in mail.get_body(("html",)).get_content()


def test_alert_opens_the_filtered_list(app, runner, org, make_client, make_operation,
                                       make_target, login):
    _setup(org, make_client, make_operation, make_target, notify_start=True)
    _run(runner)
    alert = db.session.scalar(select(Alert).where(Alert.user_id == org["advisor"].id))
    http = login(org["advisor"])
    opened = http.get(f"/alerts/{alert.id}")
    assert opened.status_code == 302
    page = http.get(opened.location)
    assert page.status_code == 200 and "Roux Anne" in page.text


def test_notification_date_defaults_to_start_and_waits(app, runner, org, make_client,
                                                       make_operation, make_target):
    _setup(org, make_client, make_operation, make_target, notify_start=True,
           notify_on=TODAY + timedelta(days=2))
    assert "operation-start : 0 nouveau(x)" in _run(runner)
    assert db.session.scalar(select(func.count(Alert.id))) == 0


def test_not_started_operation_waits_for_its_start(app, runner, org, make_client,
                                                   make_operation, make_target):
    _setup(org, make_client, make_operation, make_target, notify_start=True,
           start=TODAY + timedelta(days=1))
    assert "operation-start : 0 nouveau(x)" in _run(runner)


def test_no_notification_when_not_asked_or_archived(app, runner, org, make_client,
                                                    make_operation, make_target):
    operation, _ = _setup(org, make_client, make_operation, make_target, notify_start=False)
    assert "operation-start : 0 nouveau(x)" in _run(runner)
    operation.notify_start, operation.archived = True, True
    db.session.commit()
    assert "operation-start : 0 nouveau(x)" in _run(runner)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_clients_added_later_are_notified_to_a_new_advisor(app, runner, org, make_client,
                                                           make_operation, make_target):
    operation, _ = _setup(org, make_client, make_operation, make_target, notify_start=True)
    _run(runner)
    make_target(operation, make_client("Luc", "Neuf", advisor=org["manager"]))
    assert "operation-start : 1 nouveau(x)" in _run(runner)
