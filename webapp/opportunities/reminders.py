"""Reminders of the pipeline: a call scheduled today appears in its caller's home-page
alerts (« Programmer un appel » … « planifier »)."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.clock import day_start, local_day, zone
from webapp.extensions import db
from webapp.notifications.reminders import AlertLine, Due, reminder
from webapp.opportunities.models import Call


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
