"""The operation start notification (« Dès qu'une opération commerciale débute, il en est
averti par une alerte dans la partie Accueil »): one alert and one e-mail per advisor of
the operation, listing the clients to contact."""

from collections.abc import Iterator
from datetime import datetime
from itertools import groupby

from flask import current_app
from sqlalchemy import select

from webapp.clock import local_day
from webapp.extensions import db
from webapp.notifications.reminders import AlertLine, Due, Mail, reminder
from webapp.notifications.rules import start_notification_due
from webapp.operations.models import Operation
from webapp.operations.rules import Status, operation_status
from webapp.operations.targets.queries import to_contact

MAIL_LIST_MAX = 200  # a longer list is in the application, not in a mail


def _path(endpoint: str, **values) -> str:
    """A URL path built outside any request (the reminders run from cron)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


@reminder("operation-start")
def operation_start(now: datetime) -> Iterator[Due]:
    """Due on the notification date (by default the start date), for the operations that
    ask for it, are neither archived nor over; keyed by operation and advisor, so an
    advisor whose clients are added later is told then."""
    today = local_day(now)
    candidates = db.session.scalars(select(Operation).where(
        Operation.notify_start.is_(True), Operation.archived.is_(False),
        Operation.end >= today)).all()
    due = {op.id: op for op in candidates
           if start_notification_due(op.notify_on or op.start, today)
           and operation_status(op.start, op.end, op.archived, today) != Status.FINISHED}
    targets = to_contact(list(due))
    for (operation_id, _), rows in groupby(targets, lambda t: (t.operation_id, t.advisor_id)):
        rows = list(rows)
        operation, advisor = due[operation_id], rows[0].advisor
        if not advisor.active:
            continue
        title = (f"Opération « {operation.name} » démarrée : {len(rows)} client"
                 f"{'s' if len(rows) > 1 else ''} à contacter")
        yield Due(
            key=f"{operation.id}-{advisor.id}",
            alerts=(AlertLine(advisor.id, title, _path(
                "operations.targets", operation_id=operation.id, advisor_id=advisor.id)),),
            mail=Mail(to=(advisor.email,), template="operation_start", context={
                "operation": operation, "advisor": advisor, "count": len(rows),
                "targets": rows[:MAIL_LIST_MAX], "more": max(0, len(rows) - MAIL_LIST_MAX)}))
