"""The 7-day feedback's reminders (``flask reminders run``): a mail to the advisor in the
2 days before the due date, and once overdue a home alert to their managers (and the
missing-feedback malus)."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.clock import local_day
from webapp.extensions import db
from webapp.notifications.links import absolute_url
from webapp.notifications.reminders import AlertLine, Due, Mail, reminder
from webapp.notifications.rules import feedback_overdue
from webapp.routing import queries, rules
from webapp.routing.models import ClientRequest

REMIND_DAYS = 2


def _path(client_request_id: int) -> str:
    return current_app.url_map.bind("localhost").build("routing.detail",
                                                       {"client_request_id": client_request_id})


def _waiting(first_due, last_due):
    return db.session.scalars(
        select(ClientRequest).where(ClientRequest.answered_on.is_(None),
                                    ClientRequest.closed_on.is_(None),
                                    ClientRequest.due_on >= first_due,
                                    ClientRequest.due_on <= last_due)
        .options(selectinload(ClientRequest.advisor), selectinload(ClientRequest.client)))


@reminder("routing-feedback")
def feedback_soon(now: datetime) -> Iterator[Due]:
    """Before the due date, the advisor is reminded once of the feedback expected."""
    today = local_day(now)
    for req in _waiting(today, today + timedelta(days=REMIND_DAYS)):
        if rules.reminder_due(req.transmitted_on, today, answered=False, days_before=REMIND_DAYS) \
                and req.advisor.active:
            yield Due(key=str(req.id), mail=Mail(
                to=(req.advisor.email,), template="routing_reminder",
                context={"req": req, "link": absolute_url(_path(req.id)),
                         "sentence": rules.MANDATORY_SENTENCE}))


@reminder("routing-overdue")
def feedback_late(now: datetime) -> Iterator[Due]:
    """Overdue (``notifications.rules.feedback_overdue``): the advisor's managers are
    alerted once; the request takes its missing-feedback malus."""
    from webapp.routing.tracking.services import score_overdue

    today = local_day(now)
    score_overdue(today)
    late = db.session.scalars(
        select(ClientRequest).where(ClientRequest.answered_on.is_(None),
                                    ClientRequest.closed_on.is_(None),
                                    ClientRequest.due_on < today)
        .options(selectinload(ClientRequest.advisor), selectinload(ClientRequest.client)))
    managers = {}
    for req in late:
        if not feedback_overdue(req.transmitted_on, today, answered=False):
            continue
        if req.advisor_id not in managers:
            managers[req.advisor_id] = queries.managers_of(req.advisor)
        title = f"Retour en retard : {req.advisor.name} · {req.client.full_name}"
        yield Due(key=str(req.id), alerts=tuple(
            AlertLine(m.id, title, _path(req.id)) for m in managers[req.advisor_id]))
