"""Home-page alerts of the pipeline (issue 13.12): each owner is alerted of their expired
opportunities; seed 003 « Perdu BDC : Le client n'a pas été "closé" par le BDC (relance
automatique) »: the owner is reminded to relaunch the client, the stage's delay (data an
admin sets) after the opportunity entered it."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from webapp import clock
from webapp.extensions import db
from webapp.notifications import reminders
from webapp.notifications.models import Alert
from webapp.opportunities.models import Stage
from webapp.opportunities.rules import RELAUNCH_DAYS, relaunch_due

NOW = datetime.combine(clock.today(), time(8, 0), clock.zone()).astimezone(UTC)


def _alerts(user, kind):
    return db.session.scalars(select(Alert).where(Alert.user_id == user.id, Alert.kind == kind)
                              .order_by(Alert.id)).all()


def _stage(name):
    return db.session.scalar(select(Stage).where(Stage.name == name))


ENTERED = date(2026, 3, 2)


@pytest.mark.parametrize(("today", "after_days", "due"), [
    (ENTERED + timedelta(days=29), 30, False),
    (ENTERED + timedelta(days=30), 30, True),
    (ENTERED + timedelta(days=59), 30, True),
    (ENTERED + timedelta(days=60), 30, False),  # missed for a month: dropped
    (ENTERED + timedelta(days=400), None, False),  # no relaunch set on the stage
])
def test_relaunch_is_due_the_stages_delay_after_entering_it(today, after_days, due):
    assert relaunch_due(ENTERED, today, after_days) is due


def test_the_default_perdu_bdc_stage_relaunches(app):
    assert _stage("Perdu BDC").relaunch_after_days == RELAUNCH_DAYS
    assert _stage("Invalide BDC").relaunch_after_days is None


def test_each_owner_is_alerted_of_their_expired_opportunities(org, anne, make_opportunity):
    old = datetime.now(UTC) - timedelta(weeks=9)
    bruno, claire = org["bdc_agent"], org["manager"]
    make_opportunity(anne, owner_id=bruno.id, created_at=old)
    make_opportunity(anne, owner_id=bruno.id, stage="Contacté", created_at=old)
    make_opportunity(anne, owner_id=bruno.id)  # not expired
    make_opportunity(anne, owner_id=claire.id, created_at=old)
    make_opportunity(anne, owner_id=claire.id, stage="Perdu BDC", created_at=old)  # no expiry
    assert reminders.run(NOW)["opportunity-expired"] == 2
    [alert] = _alerts(bruno, "opportunity-expired")
    assert alert.title.startswith("2 opportunités expirées : copiez-les")
    assert alert.url == f"/opportunities/list?owner_id={bruno.id}"
    [alert] = _alerts(claire, "opportunity-expired")
    assert alert.title.startswith("1 opportunité expirée : ")
    assert reminders.run(NOW)["opportunity-expired"] == 0  # once
    make_opportunity(anne, owner_id=bruno.id, created_at=old)  # another one expired
    assert reminders.run(NOW)["opportunity-expired"] == 1
    assert _alerts(bruno, "opportunity-expired")[-1].title.startswith("3 opportunités")


def test_a_perdu_bdc_opportunity_is_relaunched_by_its_owner(org, anne, make_opportunity):
    entered = NOW - timedelta(days=RELAUNCH_DAYS)
    bruno = org["bdc_agent"]
    due = make_opportunity(anne, owner_id=bruno.id, stage="Perdu BDC",
                           stage_entered_at=entered)
    make_opportunity(anne, owner_id=bruno.id, stage="Perdu BDC",
                     stage_entered_at=NOW - timedelta(days=RELAUNCH_DAYS - 1))  # tomorrow
    make_opportunity(anne, owner_id=bruno.id, stage="Invalide BDC", stage_entered_at=entered)
    assert reminders.run(NOW)["opportunity-relaunch"] == 1
    [alert] = _alerts(bruno, "opportunity-relaunch")
    assert alert.title == (f"Relance : Anne Roux (Perdu BDC depuis le "
                           f"{clock.local_day(entered):%d/%m/%Y})")
    assert alert.url == f"/opportunities/{due.id}"
    assert reminders.run(NOW)["opportunity-relaunch"] == 0


def test_the_relaunch_delay_is_the_stages_setting(org, login, anne, make_opportunity):
    lost, open_stage = _stage("Perdu BDC"), _stage("Contacté")
    admin = login(org["admin"])
    page = admin.get(f"/opportunities/settings/stages/{lost.id}")
    assert "Relance automatique après (jours)" in page.text
    data = {"name": lost.name, "nature": "lost", "required": ["lost_reason"], "stamps": "",
            "relaunch_after_days": "7"}
    assert admin.post(f"/opportunities/settings/stages/{lost.id}", data=data).status_code == 302
    db.session.refresh(lost)
    assert lost.relaunch_after_days == 7
    refused = admin.post(f"/opportunities/settings/stages/{open_stage.id}", data={
        "name": open_stage.name, "nature": "open", "stamps": "", "relaunch_after_days": "7"})
    assert refused.status_code == 422 and "Seule une étape perdue relance" in refused.text
    for bad in ("0", "abc", "99999"):
        data["relaunch_after_days"] = bad
        response = admin.post(f"/opportunities/settings/stages/{lost.id}", data=data)
        assert response.status_code == 422
    make_opportunity(anne, owner_id=org["bdc_agent"].id, stage="Perdu BDC",
                     stage_entered_at=NOW - timedelta(days=7))
    assert reminders.run(NOW)["opportunity-relaunch"] == 1
