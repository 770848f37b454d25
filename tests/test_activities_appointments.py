"""Appointments: booked from the client file, the client invited (.ics REQUEST, SEQUENCE
0), moved (SEQUENCE 1), cancelled (CANCEL), confirmed 24 h before by the reminders,
the task « confirmer le RDV » the day before; the agenda."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from webapp.activities.appointments.models import Appointment
from webapp.activities.tasks.models import Task, TaskKind, TaskStatus
from webapp.extensions import db
from webapp.notifications import reminders
from webapp.notifications.models import OutboxMessage
from webapp.notifications.worker import drain

WHEN = "2031-03-04T10:30"  # Paris (UTC+1 in March): 09:30 UTC
START = datetime(2031, 3, 4, 9, 30, tzinfo=UTC)


@pytest.fixture
def anne(org, make_client):
    return make_client(advisor=org["advisor"], email="anne.roux@example.com",
                       address="12 rue des Lilas, Lyon")


@pytest.fixture
def http(org, login):
    return login(org["advisor"])


def posted(**changes) -> dict:
    return {"subject": "Présentation du pavé visibilité", "starts_at": WHEN,
            "duration_minutes": "60", "place": "12 rue des Lilas, Lyon", "notes": "",
            **changes}


def _messages():
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def _event(ics_text):
    calendar = Calendar.from_ical(ics_text)
    return calendar, next(c for c in calendar.walk() if c.name == "VEVENT")


def _book(http, anne, **changes) -> Appointment:
    response = http.post(f"/activities/clients/{anne.id}/appointments/new", data=posted(**changes))
    assert response.status_code == 302, response.text
    return db.session.scalars(select(Appointment)).one()


def test_booking_invites_the_client_and_leaves_the_task(http, anne, org, smtp_sink):
    page = http.get(f"/activities/clients/{anne.id}/appointments/new")
    assert page.status_code == 200 and "anne.roux@example.com" in page.text
    item = _book(http, anne)
    assert item.starts_at == START and item.sequence == 0
    [task] = db.session.scalars(select(Task).where(Task.kind == TaskKind.CONFIRM)).all()
    assert task.due_at == START - timedelta(hours=24)  # the day before
    assert task.assignee_id == org["advisor"].id and task.subject.startswith("Confirmer le RDV")
    assert drain().sent == 1
    [mail] = smtp_sink.messages
    assert mail["To"] == "anne.roux@example.com" and mail["Cc"] == "marc@example.fr"
    assert mail["Subject"] == "Invitation : Présentation du pavé visibilité — 04/03/2031 10:30"
    [ics] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    calendar, event = _event(ics.get_payload(decode=True))
    assert str(calendar["method"]) == "REQUEST" and int(event["sequence"]) == 0
    assert event.decoded("dtstart").strftime("%Y-%m-%dT%H:%M") == WHEN
    assert str(event["attendee"]) == "mailto:anne.roux@example.com"
    assert str(event["organizer"]) == "mailto:marc@example.fr"


def test_moving_bumps_the_sequence_and_cancelling_sends_cancel(http, anne, smtp_sink):
    item = _book(http, anne)
    form = http.get(f"/activities/appointments/{item.id}")
    assert form.status_code == 200 and f'value="{WHEN}"' in form.text
    moved = http.post(f"/activities/appointments/{item.id}",
                      data=posted(starts_at="2031-03-05T14:00", version=item.version))
    assert moved.status_code == 302
    task = db.session.scalars(select(Task)).one()
    assert task.due_at == datetime(2031, 3, 4, 13, 0, tzinfo=UTC)
    same = http.post(f"/activities/appointments/{item.id}",
                     data=posted(starts_at="2031-03-05T14:00", notes="Apporter le devis",
                                 version=db.session.get(Appointment, item.id).version))
    assert same.status_code == 302  # notes only: the client is not told again
    assert http.post(f"/activities/appointments/{item.id}/cancel").status_code == 302
    assert db.session.scalars(select(Task)).one().status == TaskStatus.DONE
    assert drain().sent == 3
    events = [_event(m.ics) for m in _messages()]
    assert [(str(c["method"]), int(e["sequence"])) for c, e in events] == [
        ("REQUEST", 0), ("REQUEST", 1), ("CANCEL", 2)]
    assert len({str(e["uid"]) for _, e in events}) == 1
    assert smtp_sink.messages[1]["Subject"].startswith("Rendez-vous modifié")
    assert http.post(f"/activities/appointments/{item.id}/cancel").status_code == 409


def test_confirmation_goes_24_hours_before_once(http, anne, smtp_sink):
    item = _book(http, anne)
    drain()
    assert reminders.run(START - timedelta(hours=24, minutes=1))["appointment-confirmation"] == 0
    assert reminders.run(START - timedelta(hours=23))["appointment-confirmation"] == 1
    assert reminders.run(START - timedelta(hours=2))["appointment-confirmation"] == 0
    assert reminders.run(START + timedelta(minutes=1))["appointment-confirmation"] == 0
    assert drain().sent == 1
    mail = smtp_sink.messages[-1]
    assert mail["Subject"] == "Confirmation de notre rendez-vous — 04/03/2031 10:30"
    assert "Je vous confirme notre rendez-vous de demain." in mail.get_body(
        ("plain",)).get_content()
    assert item.id


def test_a_cancelled_appointment_is_not_confirmed(http, anne):
    item = _book(http, anne)
    http.post(f"/activities/appointments/{item.id}/cancel")
    assert reminders.run(START - timedelta(hours=3))["appointment-confirmation"] == 0


def test_no_email_no_invitation(http, org, make_client):
    bob = make_client(first_name="Bob", advisor=org["advisor"])
    response = http.post(f"/activities/clients/{bob.id}/appointments/new", data=posted(),
                         follow_redirects=True)
    assert "aucune invitation envoyée" in response.text
    assert _messages() == []


BAD = [
    ({"subject": ""}, "Ce champ est obligatoire."),
    ({"subject": "x" * 201}, "200"),
    ({"starts_at": "demain"}, "est pas une date/heure valide."),
    ({"starts_at": "9999-01-01T10:00"}, "Indiquez une date entre"),
    ({"starts_at": "2090-01-01T10:00"}, "Indiquez une date entre 2000"),
    ({"place": ""}, "Indiquez le lieu du rendez-vous"),
    ({"duration_minutes": "5"}, "Entre 15 et 480 minutes."),
]


def test_bad_input_keeps_what_was_typed(http, anne):
    for changes, message in BAD:
        response = http.post(f"/activities/clients/{anne.id}/appointments/new",
                             data=posted(**changes))
        assert response.status_code == 422, changes
        assert message in response.text
        assert posted(**changes)["subject"] in response.text  # nothing typed is lost
    assert db.session.scalars(select(Appointment)).all() == []


def test_virtual_needs_no_place(http, anne):
    item = _book(http, anne, place="", virtual="y")
    assert item.virtual and item.where == "Rendez-vous virtuel"


def test_someone_elses_client_and_appointment_are_404(http, anne, org, login, make_client):
    item = _book(http, anne)
    other = login(org["other_advisor"])
    assert other.get(f"/activities/appointments/{item.id}").status_code == 404
    assert other.post(f"/activities/appointments/{item.id}/cancel").status_code == 404
    assert other.get(f"/activities/clients/{anne.id}/appointments/new").status_code == 404
    assert http.get("/activities/appointments/2147483648").status_code == 404


def test_agenda_lists_the_week(http, anne, org, login):
    _book(http, anne)
    page = http.get("/activities/agenda?day=2031-03-05")
    assert page.status_code == 200
    assert "semaine du 03/03/2031 au 09/03/2031" in page.text
    assert "Présentation du pavé visibilité" in page.text and "10:30" in page.text
    day = http.get("/activities/agenda?day=2031-03-05&view=day")
    assert "Présentation du pavé visibilité" not in day.text
    manager = login(org["manager"])
    seen = manager.get(f"/activities/agenda?day=2031-03-04&rep={org['advisor'].id}")
    assert 'id="agenda-rep"' in seen.text and "Marc Petit" in seen.text
    assert "Présentation du pavé visibilité" in seen.text
    other = login(org["other_advisor"])
    assert other.get(f"/activities/agenda?rep={org['advisor'].id}").status_code == 404
    assert http.get("/activities/agenda?day=99999-01-01&rep=99999999999").status_code == 200
