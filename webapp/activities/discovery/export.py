"""The client's right of access (CNIL): « Exporter les données du client » gives
everything stored about them, as JSON and as a readable PDF (WeasyPrint, no resource
fetched)."""

from datetime import date, datetime
from decimal import Decimal

from flask import render_template
from sqlalchemy import select
from weasyprint import HTML, URLFetcher

from webapp import clock
from webapp.activities import feed
from webapp.activities.appointments.models import Appointment
from webapp.activities.discovery.services import discovery_of
from webapp.activities.tasks.models import Task
from webapp.clients.models import Account, Client
from webapp.extensions import db

CLIENT_FIELDS = ("civility", "first_name", "last_name", "email", "phone", "phone2", "address",
                 "postal_code", "city", "language", "notes", "created_at")


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def client_data(client: Client) -> dict:
    """Everything about the client: the file, accounts, discovery, tasks, appointments,
    and every entry of the activity feed (complaints, quotes, opportunities…)."""
    discovery = discovery_of(client.id)
    accounts = db.session.scalars(select(Account).where(Account.client_id == client.id)).all()
    tasks = db.session.scalars(select(Task).where(Task.client_id == client.id)
                               .order_by(Task.created_at, Task.id)).all()
    appointments = db.session.scalars(select(Appointment).where(
        Appointment.client_id == client.id).order_by(Appointment.starts_at)).all()
    return {
        "client": {name: _plain(getattr(client, name)) for name in CLIENT_FIELDS}
        | {"advisor": client.advisor.name if client.advisor else None},
        "accounts": [{"product": a.product, "number": a.number,
                      "opened_on": _plain(a.opened_on), "amount": _plain(a.amount)}
                     for a in accounts],
        "discovery": {"updated_at": _plain(discovery.updated_at), "themes": [
            {"theme": i.theme_label, "text": i.text} for i in discovery.items]}
        if discovery else None,
        "tasks": [{"kind": t.kind_label, "subject": t.subject, "due_at": _plain(t.due_at),
                   "status": t.status_label, "notes": t.notes} for t in tasks],
        "appointments": [{"subject": a.subject, "starts_at": _plain(a.starts_at),
                          "duration_minutes": a.duration_minutes, "place": a.where,
                          "status": "annulé" if a.cancelled else "prévu", "notes": a.notes}
                         for a in appointments],
        "activities": [{"kind": e.label, "at": _plain(e.at), "title": e.title}
                       for e in feed.all_entries(client.id)],
    }


class _Nothing(URLFetcher):
    """The PDF fetches no resource at all (no network, no file)."""

    def fetch(self, url, headers=None):
        raise ValueError(f"Ressource refusée : {url}")


def client_pdf(client: Client) -> bytes:
    """The same data, readable: one page per section, in French."""
    appointments = db.session.scalars(select(Appointment).where(
        Appointment.client_id == client.id).order_by(Appointment.starts_at)).all()
    html = render_template("activities/discovery/export.html", client=client,
                           data=client_data(client), appointments=appointments,
                           entries=feed.all_entries(client.id), export_day=clock.today())
    return HTML(string=html, url_fetcher=_Nothing()).write_pdf()
