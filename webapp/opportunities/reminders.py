"""Reminders of the pipeline, as home-page alerts: a call scheduled today to its caller
(« Programmer un appel » … « planifier »), the expired opportunities to their owner, the
relaunch of a « Perdu BDC » opportunity to its owner."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.clock import day_start, local_day, zone
from webapp.extensions import db
from webapp.formatting import day
from webapp.notifications.reminders import AlertLine, Due, reminder
from webapp.opportunities.models import Call
from webapp.opportunities.queries_home import expired_per_owner, relaunches_due
from webapp.opportunities.rules import count_label


def _path(endpoint: str, **values) -> str:
    """A URL path built outside any request (the reminders run from cron)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


@reminder("opportunity-call")
def calls_today(now: datetime) -> Iterator[Due]:
    """Due on the call's day (local time), until it is done; keyed by the call and its
    time, so a call moved to another day is reminded again."""
    today = local_day(now)
    calls = db.session.scalars(
        select(Call).where(Call.done_at.is_(None), Call.scheduled_at >= day_start(today),
                           Call.scheduled_at < day_start(today + timedelta(days=1)))
        .options(selectinload(Call.opportunity), selectinload(Call.assigned_to))).all()
    for call in calls:
        if not call.assigned_to.active:
            continue
        at = call.scheduled_at.astimezone(zone())  # the caller's (the app's) time
        title = f"Appel à {at:%H:%M} : {call.opportunity.name} ({call.subject})"
        yield Due(key=f"{call.id}-{at:%Y%m%d%H%M}",
                  alerts=(AlertLine(call.assigned_to_id, title, _path(
                      "opportunities.detail", opportunity_id=call.opportunity_id)),))


@reminder("opportunity-expired")
def expired_by_owner(now: datetime) -> Iterator[Due]:
    """Seed 003 « Expirée … on doit créer une nouvelle OPP »: each owner is alerted of
    their expired opportunities (their count, the list as the link); again when another
    one expires (keyed by the newest one)."""
    today = local_day(now)
    for owner_id, count, newest in expired_per_owner(today):
        yield Due(key=f"{owner_id}-{newest}", alerts=(AlertLine(
            owner_id, f"{count_label(count)} expirée{'s' if count > 1 else ''} : copiez-les "
            "en nouvelles opportunités ou classez-les", _path(
                "opportunities.listing", owner_id=owner_id)),))


@reminder("opportunity-relaunch")
def relaunches(now: datetime) -> Iterator[Due]:
    """« Perdu BDC : Le client n'a pas été "closé" par le BDC (relance automatique) »: the
    owner is reminded to relaunch the client the stage's delay after it entered it
    (a setting of the stage), once per entry."""
    today = local_day(now)
    for opportunity, stage in relaunches_due(today):
        entered = local_day(opportunity.stage_entered_at)
        yield Due(key=f"{opportunity.id}-{entered:%Y%m%d}", alerts=(AlertLine(
            opportunity.owner_id, f"Relance : {opportunity.name} ({stage.name} depuis le "
            f"{day(entered)})", _path("opportunities.detail",
                                      opportunity_id=opportunity.id)),))
