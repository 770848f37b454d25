"""« INDIQUER UNE DEADLINE »: on its day, an open request raises a home alert for whoever
holds it (the BO queue when nobody does) and for the rep who sent it."""

from collections.abc import Iterator
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.backoffice.models import BoRequest
from webapp.backoffice.requests import queries
from webapp.clock import local_day
from webapp.extensions import db
from webapp.notifications.reminders import AlertLine, Due, reminder


def _path(endpoint: str, **values) -> str:
    """A URL path built outside any request (the reminders run from cron)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


@reminder("bo-deadline")
def deadline_today(now: datetime) -> Iterator[Due]:
    """Due on the deadline day of every request still open; keyed by request and day."""
    today = local_day(now)
    due = db.session.scalars(
        select(BoRequest).where(BoRequest.closed.is_(False), BoRequest.deadline == today)
        .options(selectinload(BoRequest.assignee), selectinload(BoRequest.author))).all()
    assistants = None
    for request in due:
        if request.assignee is not None:
            holders = [request.assignee]
        else:
            assistants = assistants if assistants is not None else queries.bo_assistants()
            holders = assistants
        url = _path("backoffice.request_detail", request_id=request.id)
        people = {u.id: u for u in [*holders, request.author] if u.active}
        yield Due(key=f"{request.id}-{today.isoformat()}", alerts=tuple(
            AlertLine(user_id, f"Deadline aujourd'hui : {request.subject}", url)
            for user_id in people))
