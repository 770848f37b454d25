"""Seed 003 « Date et heure » of a meeting or a call: typed in Paris time, stored in UTC,
shown in Paris time everywhere — the page, the confirmation e-mail (subject and body),
the .ics, the home box and the call's reminder — in winter (UTC+1) and in summer
(UTC+2). They were shown one hour late: stored as wall times, then read as UTC."""

from datetime import UTC, datetime, time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.fixtures.opportunities import posted_meeting
from webapp import clock
from webapp.extensions import db
from webapp.notifications import reminders
from webapp.notifications.models import Alert, OutboxMessage
from webapp.opportunities.models import Call, Meeting

YEAR = clock.today().year + 1
# A 14:00 meeting in winter (CET, UTC+1) and in summer (CEST, UTC+2).
SEASONS = [(f"{YEAR}-01-14", f"14/01/{YEAR}", 13), (f"{YEAR}-07-15", f"15/07/{YEAR}", 12)]


@pytest.fixture
def http(org, login):
    return login(org["bdc_agent"])


@pytest.mark.parametrize(("day", "shown", "utc_hour"), SEASONS)
def test_a_14h_meeting_is_14h_everywhere(http, ready, day, shown, utc_hour):
    created = http.post(f"/opportunities/{ready.id}/meetings/new",
                        data=posted_meeting(ready, f"{day}T14:00"))
    assert created.status_code == 302
    meeting = db.session.scalar(select(Meeting))
    assert meeting.starts_at == datetime.fromisoformat(f"{day}T{utc_hour:02d}:00+00:00")
    # The page and the form read Paris time.
    assert f"{shown} 14:00" in http.get(f"/opportunities/{ready.id}").text
    form = http.get(f"/opportunities/meetings/{meeting.id}/edit").text
    assert f'value="{day}T14:00"' in form
    # The confirmation: subject, body, and the .ics at 14:00 Paris (its TZID given).
    message = db.session.scalar(select(OutboxMessage))
    assert message.subject.endswith(f"{shown} 14:00")
    assert f"Date et heure : {shown} 14:00 (60 min)" in message.text_body
    event = next(c for c in Calendar.from_ical(message.ics).walk() if c.name == "VEVENT")
    start = event.decoded("dtstart")
    assert (start.hour, str(start.tzinfo)) == (14, "Europe/Paris")
    assert start.astimezone(UTC).hour == utc_hour
    assert "TZID=Europe/Paris" in message.ics


@pytest.mark.parametrize(("day", "shown", "utc_hour"), SEASONS)
def test_a_14h_call_is_reminded_at_14h(http, ready, org, day, shown, utc_hour):
    scheduled = http.post(f"/opportunities/{ready.id}/calls", data={
        "scheduled_at": f"{day}T14:00", "subject": "Rappel",
        "assigned_to_id": org["bdc_agent"].id}, headers={"HX-Request": "true"})
    assert scheduled.status_code == 200 and f"{shown} 14:00" in scheduled.text
    call = db.session.scalar(select(Call))
    assert call.scheduled_at.astimezone(UTC).hour == utc_hour
    morning = datetime.fromisoformat(f"{day}T07:00:00+00:00")
    assert reminders.run(morning)["opportunity-call"] == 1
    alert = db.session.scalar(select(Alert).where(Alert.user_id == org["bdc_agent"].id))
    assert alert.title.startswith("Appel à 14:00 : ")


def test_the_home_box_lists_todays_meeting_at_its_paris_time(http, ready, org):
    """Today at 00:30 in Paris is yesterday 23:30 UTC: today's, at 00:30."""
    starts = datetime.combine(clock.today(), time(0, 30), clock.zone())
    db.session.add(Meeting(opportunity_id=ready.id, subject="ANNE / A1234", starts_at=starts,
                           priority="gold", spex_id=ready.spex_id, branch_id=ready.branch_id))
    db.session.commit()
    box = http.get("/opportunities/home-box").text
    assert f"{starts:%d/%m/%Y} 00:30 — ANNE / A1234" in box
    tomorrow = starts + timedelta(days=1)
    assert f"{tomorrow:%d/%m/%Y}" not in box


@pytest.mark.parametrize("when", ["9999-12-31T23:59", "0001-01-01T00:00",
                                  f"{YEAR + 10}-01-01T10:00"])
def test_a_date_out_of_bounds_is_refused_and_the_page_still_shows(http, ready, org, when):
    response = http.post(f"/opportunities/{ready.id}/calls", data={
        "scheduled_at": when, "subject": "Rappel", "assigned_to_id": org["bdc_agent"].id},
        headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "Indiquez une date entre 2000 et" in response.text
    assert db.session.scalar(select(Call)) is None
    # One stored anyway (an old import, a hand-written row): the page still renders it.
    db.session.add(Call(opportunity_id=ready.id, subject="Rappel", assigned_to_id=org[
        "bdc_agent"].id, scheduled_at=datetime(9999, 12, 31, 23, 59, tzinfo=UTC)))
    db.session.commit()
    page = http.get(f"/opportunities/{ready.id}")
    assert page.status_code == 200 and "31/12/9999 23:59" in page.text


@pytest.mark.parametrize("data", [
    {"scheduled_at": "demain", "assigned_to_id": "1"},
    {"scheduled_at": "2026-13-45T25:99"},
    {"assigned_to_id": "abc"},
    {"assigned_to_id": "99999999999999999999"},
    {"assigned_to_id": "-1"},
])
def test_a_malformed_call_is_refused_not_a_500(http, ready, org, data):
    posted = {"scheduled_at": f"{YEAR}-01-14T14:00", "subject": "Rappel",
              "assigned_to_id": org["bdc_agent"].id, **data}
    response = http.post(f"/opportunities/{ready.id}/calls", data=posted,
                         headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert db.session.scalar(select(Call)) is None


def test_the_plain_text_mail_reads_as_typed_with_labels(http, ready, smtp_sink):
    """Wording (issue 13): the plain-text part is not HTML-escaped (« Véhicule
    d'intérêt », a « < » in a remark) and shows labels, not codes (« Langue : fr »,
    « virtuel (android) »); the HTML part stays escaped. End to end, through SMTP."""
    from webapp.notifications.worker import drain

    ready.remarks = "4. Véhicule d'intérêt → RAV4 <hybride> & toit ouvrant"
    db.session.commit()
    data = {**posted_meeting(ready, f"{YEAR}-01-14T14:00"), "virtual": "y",
            "device": "android", "description": "Client d'Annecy"}
    assert http.post(f"/opportunities/{ready.id}/meetings/new", data=data).status_code == 302
    assert drain().sent == 1
    [mail] = smtp_sink.messages
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "4. Véhicule d'intérêt → RAV4 <hybride> & toit ouvrant" in text
    assert "Description : Client d'Annecy" in text
    assert "&#39;" not in text and "&lt;" not in text and "&amp;" not in text
    assert "Langue : Français" in text and "virtuel (Android)" in text
    assert "&lt;hybride&gt;" in html and "<hybride>" not in html
    assert mail["Subject"].startswith("Rendez-vous : VIRTUEL / ANNE / A1234")


def test_the_migration_reads_stored_times_as_paris_and_keeps_them_in_utc(tmp_path,
                                                                         pg_schema):
    """d8e4b2f6a1c7: the wall times stored before (Paris) become UTC instants, on both
    engines, and back on downgrade."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import literal_column, text

    from tests.conftest import make_config
    from tests.fixtures.migrations import insert_row
    from webapp import create_app

    app = create_app(make_config(tmp_path, pg_schema))
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade(revision="c3f1a7d9e2b5")
        try:
            # Rows written as that revision's schema has them (not the models' of today).
            client = insert_row("client", first_name="Anne", last_name="Roux")
            stage_id, type_id = (db.session.execute(text(
                f"SELECT min(id) FROM {table}")).scalar()
                for table in ("opportunity_stage", "opportunity_type"))
            opportunity = insert_row("opportunity", client_id=client, name="Anne Roux",
                                     stage_id=stage_id, type_id=type_id, has_trade_in=False)
            caller = insert_row("user", email="bruno@example.fr", name="Bruno Dubois",
                                role="bdc_agent")
            for n, wall in enumerate((f"{YEAR}-01-14 14:00:00", f"{YEAR}-07-15 14:00:00"), 1):
                stored = literal_column(f"'{wall}'")  # as the old column kept it: no zone
                db.session.execute(Meeting.__table__.insert().values(
                    id=n, opportunity_id=opportunity, subject="S", priority="gold",
                    starts_at=stored))
                db.session.execute(Call.__table__.insert().values(
                    id=n, opportunity_id=opportunity, subject="S", assigned_to_id=caller,
                    scheduled_at=stored))
            db.session.commit()
            upgrade()
            db.session.expire_all()
            assert [m.starts_at.astimezone(UTC).hour for m in db.session.scalars(
                select(Meeting).order_by(Meeting.id))] == [13, 12]
            assert [c.scheduled_at.astimezone(UTC).hour for c in db.session.scalars(
                select(Call).order_by(Call.id))] == [13, 12]
            db.session.commit()
            downgrade(revision="c3f1a7d9e2b5")
            walls = db.session.execute(text(
                "SELECT starts_at FROM opportunity_meeting ORDER BY id")).scalars().all()
            db.session.commit()
            assert [str(w)[11:16] for w in walls] == ["14:00", "14:00"]
        finally:
            db.session.rollback()  # (a failure mid-way must not hold locks on the tables)
            upgrade()  # the schema back at head: the next tests share it on PostgreSQL
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize(("value", "shown"), [
    (datetime(9999, 12, 31, 23, 59, tzinfo=UTC), "31/12/9999 23:59 UTC"),
    (datetime(2027, 1, 14, 13, 0, tzinfo=UTC), "14/01/2027 14:00"),
    (None, "—"),
])
def test_moment_never_breaks_a_page(app, value, shown):
    """formatting.moment is total: an instant the time zone cannot shift is shown as
    stored (it was an OverflowError, a 500 on the opportunity page)."""
    from webapp.formatting import moment

    with app.test_request_context():
        assert moment(value) == shown
