"""Meetings (seed 003 « Création d'une réunion »): only once the opportunity is complete,
subject and priority derived, receipt required with a deposit, confirmation with its .ics
to the DV and the owner through the real outbox, moves re-sent (SEQUENCE + 1) with the
follow-up on the next day; calls scheduled, reminded, their notes in the remarks."""

import io
import json
from datetime import UTC, datetime, time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.fixtures.files import PNG
from tests.fixtures.opportunities import posted_meeting
from webapp import clock
from webapp.extensions import db
from webapp.notifications import reminders
from webapp.notifications.models import Alert, OutboxMessage
from webapp.notifications.worker import drain
from webapp.opportunities.models import BranchStaff, Call, Meeting, Stage

HTMX = {"HX-Request": "true"}
WHEN = (clock.today() + timedelta(days=3)).isoformat() + "T14:30"


@pytest.fixture
def http(org, login):
    return login(org["bdc_agent"])


def meeting_data(opportunity, **changes) -> dict:
    return posted_meeting(opportunity, WHEN, **changes)


def _messages():
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def _event(ics_text: str):
    calendar = Calendar.from_ical(ics_text)
    return calendar, next(c for c in calendar.walk() if c.name == "VEVENT")


def test_new_meeting_form_is_prefilled(http, ready):
    page = http.get(f"/opportunities/{ready.id}/meetings/new")
    assert page.status_code == 200
    assert f'<option selected value="{ready.branch_id}">Laval</option>' in page.text
    assert f'<option selected value="{ready.spex_id}">Marc Petit</option>' in page.text
    assert 'value="A1234"' in page.text


def test_meeting_created_sent_and_the_opportunity_moved(http, ready, staff, smtp_sink):
    response = http.post(f"/opportunities/{ready.id}/meetings/new", data=meeting_data(ready))
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting))
    assert (meeting.subject, meeting.priority) == ("ANNE / A1234", "gold")  # « Or : sur stock »
    db.session.refresh(ready)
    assert ready.stage.name == "Rendez-vous cédulé"
    assert ready.follow_up_on == clock.today() + timedelta(days=4)  # « le lendemain »
    served = db.session.scalar(select(BranchStaff.last_assigned_at).where(
        BranchStaff.user_id == staff["marc"].id))
    assert served is not None  # Marc's turn is over: Zoé is next
    [message] = _messages()
    assert message.recipients == "claire@example.fr, bruno@example.fr"  # the DV, the owner
    assert message.cc == "marc@example.fr"  # the SPEX
    assert drain().sent == 1
    [mail] = smtp_sink.messages
    assert "ANNE / A1234" in mail["Subject"]
    [ics] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    calendar, event = _event(ics.get_payload(decode=True))
    assert str(calendar["method"]) == "REQUEST" and int(event["sequence"]) == 0
    assert str(event["summary"]) == "ANNE / A1234"
    assert event.decoded("dtstart").strftime("%Y-%m-%dT%H:%M") == WHEN
    assert str(event["location"]) == "Laval"
    page = http.get(f"/opportunities/{ready.id}")
    assert "ANNE / A1234" in page.text and "priorité Or" in page.text


def test_rotation_proposes_the_next_spex_after_a_meeting(http, ready, staff):
    http.post(f"/opportunities/{ready.id}/meetings/new", data=meeting_data(ready))
    response = http.get(f"/opportunities/rotation?branch_id={ready.branch_id}")
    assert f'<option selected value="{staff["zoe"].id}">' in response.text


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"starts_at": ""}, "starts_at", "Indiquez la date et l&#39;heure."),
    ({"starts_at": "demain"}, "starts_at", "date"),
    ({"duration_minutes": "5"}, "duration_minutes", "Entre 15 et 480"),
    ({"duration_minutes": "une heure"}, "duration_minutes", "entier"),
    ({"branch_id": "0"}, "branch_id", "Choisissez la succursale"),
    ({"spex_id": "0"}, "spex_id", "Choisissez le SPEX"),
    ({"virtual": "y"}, "device", "iPhone ou un Android"),
    ({"deposit_kind": "stripe"}, "receipt", "Joignez le reçu du dépôt"),
    ({"deposit_kind": "cheque"}, "deposit_kind", "choix valide"),
    ({"stock_numbers": "A" * 201}, "stock_numbers", "200"),
    ({"description": "x" * 5001}, "description", "5000"),
])
def test_meeting_bad_input(http, ready, changes, field, message):
    response = http.post(f"/opportunities/{ready.id}/meetings/new",
                         data=meeting_data(ready, description="Client pressé", **changes)
                         if field != "description" else meeting_data(ready, **changes))
    assert response.status_code == 422
    assert message in response.text and f'id="{field}-error"' in response.text
    if field != "description":
        assert "Client pressé" in response.text
    assert db.session.scalar(select(Meeting)) is None and _messages() == []


def test_someone_elses_spex_is_not_a_choice(http, ready, org):
    response = http.post(f"/opportunities/{ready.id}/meetings/new",
                         data=meeting_data(ready, spex_id=org["manager"].id))
    assert response.status_code == 422 and "choix valide" in response.text


def test_deposit_with_its_receipt_is_platinum(http, ready):
    data = meeting_data(ready, deposit_kind="stripe",
                        receipt=(io.BytesIO(PNG), "recu.png"))
    response = http.post(f"/opportunities/{ready.id}/meetings/new", data=data,
                         content_type="multipart/form-data")
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting))
    assert (meeting.subject, meeting.priority) == ("DÉPÔT / ANNE / A1234", "platinum")
    download = http.get(f"/opportunities/meetings/{meeting.id}/receipt")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.mimetype == "image/png"
    download.close()


def test_a_receipt_that_is_not_a_document_is_refused(http, ready):
    data = meeting_data(ready, deposit_kind="card",
                        receipt=(io.BytesIO(b"MZ\x90\x00 not a pdf"), "recu.pdf"))
    response = http.post(f"/opportunities/{ready.id}/meetings/new", data=data,
                         content_type="multipart/form-data")
    assert response.status_code == 422 and "Type de fichier non autorisé." in response.text
    assert db.session.scalar(select(Meeting)) is None


def test_virtual_meeting_invites_the_branch_dv_group(http, ready, staff):
    response = http.post(f"/opportunities/{ready.id}/meetings/new", data=meeting_data(
        ready, virtual="y", device="iphone", transfer="y", stock_numbers="A1, B2",
        sales_director_id=""))
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting))
    assert (meeting.subject, meeting.priority) == ("VIRTUEL / ANNE / A1 + B2", "silver")
    [message] = _messages()
    assert "Claire Martin" in message.text_body  # the DV group, named in the mail


def test_meeting_only_once_the_opportunity_is_complete(http, org, make_client,
                                                       make_opportunity):
    anne = make_client("Anne", "Roux", phone="06 12 34 56 78")
    bare = make_opportunity(anne, name="Unknown")
    page = http.get(f"/opportunities/{bare.id}/meetings/new")
    assert page.status_code == 200 and 'name="starts_at"' not in page.text
    assert "complétez d&#39;abord l&#39;opportunité" in page.text or \
        "complétez d'abord l'opportunité" in page.text
    for field in ("name", "phone", "email", "branch_id", "language", "spex_id",
                  "sales_director_id"):
        assert f'/opportunities/{bare.id}/edit#{field}"' in page.text, field
    assert http.post(f"/opportunities/{bare.id}/meetings/new",
                     data=meeting_data(bare)).status_code == 422
    assert db.session.scalar(select(Meeting)) is None


def test_meeting_from_the_board_moves_the_card(http, ready):
    rdv = db.session.scalar(select(Stage).where(Stage.name == "Rendez-vous cédulé"))
    response = http.post(f"/opportunities/{ready.id}/meetings/new?view=board",
                         data=meeting_data(ready), headers=HTMX)
    assert response.status_code == 200 and response.headers["HX-Reswap"] == "none"
    assert f'hx-swap-oob="afterbegin:#cards-{rdv.id}"' in response.text
    assert json.loads(response.headers["HX-Trigger-After-Swap"]) == {"pilote:close-dialog": True}
    invalid = http.post(f"/opportunities/{ready.id}/meetings/new?view=board",
                        data=meeting_data(ready, starts_at=""), headers=HTMX)
    assert invalid.status_code == 422 and "<html" not in invalid.text
    assert 'id="meeting-form"' in invalid.text and 'hx-target="this"' in invalid.text


def test_moving_the_meeting_resends_and_moves_the_follow_up(http, ready, smtp_sink):
    http.post(f"/opportunities/{ready.id}/meetings/new", data=meeting_data(ready))
    meeting = db.session.scalar(select(Meeting))
    later = (clock.today() + timedelta(days=10)).isoformat() + "T10:00"
    unchanged = http.post(f"/opportunities/meetings/{meeting.id}/edit", data=meeting_data(
        ready, version=meeting.version, description="Apporter le permis"))
    assert unchanged.status_code == 302 and len(_messages()) == 1  # nothing to re-send
    db.session.refresh(meeting)
    moved = http.post(f"/opportunities/meetings/{meeting.id}/edit", data=meeting_data(
        ready, version=meeting.version, starts_at=later))
    assert moved.status_code == 302
    db.session.refresh(meeting)
    db.session.refresh(ready)
    assert meeting.sequence == 1
    assert ready.follow_up_on == clock.today() + timedelta(days=11)
    first, second = _messages()
    assert second.subject.startswith("Rendez-vous déplacé")
    _, event = _event(second.ics)
    assert int(event["sequence"]) == 1 and str(event["uid"]) == str(_event(first.ics)[1]["uid"])
    db.session.refresh(meeting)
    http.post(f"/opportunities/meetings/{meeting.id}/edit", data=meeting_data(
        ready, version=meeting.version, starts_at=later, status="cancelled"))
    cancel = _messages()[-1]
    assert cancel.ics_method == "CANCEL" and int(_event(cancel.ics)[1]["sequence"]) == 2
    assert drain().sent == 3 and len(smtp_sink.messages) == 3


def test_meeting_edit_conflict(http, ready, login, org):
    http.post(f"/opportunities/{ready.id}/meetings/new", data=meeting_data(ready))
    meeting = db.session.scalar(select(Meeting))
    version = meeting.version
    assert http.post(f"/opportunities/meetings/{meeting.id}/edit", data=meeting_data(
        ready, version=version, description="Premier")).status_code == 302
    second = login(org["admin"]).post(f"/opportunities/meetings/{meeting.id}/edit",
                                      data=meeting_data(ready, version=version,
                                                        description="Second"))
    assert second.status_code == 409 and "Second" in second.text


def test_calls_are_scheduled_reminded_and_noted_in_the_remarks(http, ready, org, app):
    url = f"/opportunities/{ready.id}/calls"
    bad = http.post(url, data={"scheduled_at": "", "subject": "Rappel",
                               "assigned_to_id": org["bdc_agent"].id}, headers=HTMX)
    assert bad.status_code == 422 and "Indiquez la date et l&#39;heure." in bad.text
    assert 'value="Rappel"' in bad.text and "<html" not in bad.text
    today_at = datetime.combine(clock.today(), time(23, 30))
    done = http.post(url, data={"scheduled_at": today_at.strftime("%Y-%m-%dT%H:%M"),
                                "subject": "Rappel du client",
                                "assigned_to_id": org["bdc_agent"].id}, headers=HTMX)
    assert done.status_code == 200 and "Rappel du client" in done.text
    call = db.session.scalar(select(Call))
    # The reminder: an alert on the caller's home page, once.
    now = today_at.astimezone(UTC) - timedelta(hours=1)
    assert reminders.run(now)["opportunity-call"] == 1
    assert reminders.run(now)["opportunity-call"] == 0
    alert = db.session.scalar(select(Alert).where(Alert.user_id == org["bdc_agent"].id))
    assert "Appel à 23:30 : Anne Roux" in alert.title
    assert alert.url == f"/opportunities/{ready.id}"
    # Made: its notes go to the remarks, never in a box of their own.
    empty = http.post(f"/opportunities/calls/{call.id}/done", data={"notes": ""}, headers=HTMX)
    assert empty.status_code == 422 and "Saisissez vos notes" in empty.text
    noted = http.post(f"/opportunities/calls/{call.id}/done",
                      data={"notes": "Client rappelé, RDV confirmé."}, headers=HTMX)
    assert noted.status_code == 200 and 'id="remarks" hx-swap-oob="true"' in noted.text
    db.session.refresh(ready)
    assert ready.remarks.endswith("Client rappelé, RDV confirmé.\n")
    assert "— Rappel du client, " in ready.remarks
    db.session.refresh(call)
    assert call.done_at is not None


def test_someone_elses_meeting_and_call_are_404(ready, org, login, http):
    http.post(f"/opportunities/{ready.id}/meetings/new", data=meeting_data(ready))
    meeting = db.session.scalar(select(Meeting))
    lea = login(org["other_advisor"])
    assert lea.get(f"/opportunities/meetings/{meeting.id}/edit").status_code == 404
    assert lea.get(f"/opportunities/meetings/{meeting.id}/receipt").status_code == 404
    assert lea.post(f"/opportunities/{ready.id}/calls", data={}).status_code == 404
