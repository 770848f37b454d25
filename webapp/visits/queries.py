"""Reads of the offline visit mode: the user's prepared clients and the pages to cache."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from sqlalchemy import select

from webapp.auth.scope import scoped
from webapp.clients.models import Client
from webapp.extensions import db
from webapp.operations.models import Operation, RecordStatus, Target
from webapp.operations.timeline.queries import progress
from webapp.visits.models import PreparedVisit

# The files every cached page needs (base.html's), stored with the pages.
ASSETS = ("vendor/bootstrap-5.3.9.min.css", "css/app.css", "vendor/htmx-2.0.11.min.js",
          "vendor/bootstrap-5.3.9.bundle.min.js", "js/app.js",
          "vendor/idb-keyval-6.3.0.umd.js", "js/offline-queue.js", "js/offline.js",
          "offline.html")


@dataclass(frozen=True)
class Prepared:
    client_id: int
    name: str
    prepared_at: datetime
    expires_at: datetime


def prepared(user_id: int, now: datetime) -> list[Prepared]:
    """The user's prepared clients not expired, by name."""
    rows = db.session.execute(
        select(PreparedVisit, Client.first_name, Client.last_name)
        .join(Client, Client.id == PreparedVisit.client_id)
        .where(PreparedVisit.user_id == user_id, PreparedVisit.expires_at > now)
        .order_by(Client.last_name, Client.first_name)).all()
    return [Prepared(v.client_id, f"{first} {last}", v.prepared_at, v.expires_at)
            for v, first, last in rows]


def prepared_ids(user_id: int, now: datetime) -> set[int]:
    return set(db.session.scalars(
        select(PreparedVisit.client_id).where(PreparedVisit.user_id == user_id,
                                              PreparedVisit.expires_at > now)))


def visible_clients(ids: list[int]) -> list[Client]:
    """Those of ``ids`` the current user sees (the hierarchy scope)."""
    if not ids:
        return []
    return list(db.session.scalars(scoped(select(Client), Client).where(Client.id.in_(ids))))


def _target_pages(target: Target) -> list[dict]:
    """A follow-up: its page, the forms « Ajouter » opens (each step's, an event's) and
    the forms of its live records (« Modifier »), as htmx fragments."""
    prog = progress(target)
    pages = [{"url": url_for("operations.timeline", target_id=target.id)}]
    choices = [str(s.id) for s in prog.steps] + ["event"]
    pages += [{"url": url_for("operations.add_form", target_id=target.id, choice=c),
               "fragment": True} for c in choices]
    pages += [{"url": url_for("operations.edit_record", target_id=target.id,
                              record_id=r.id), "fragment": True}
              for r in prog.records if r.status != RecordStatus.CANCELLED]
    return pages


# Where a prepared client's pages come from: functions ``client_id -> [{"url",
# "fragment"?}]`` registered with ``@page_source`` (the follow-ups below; the discovery
# notes of webapp/activities/ register theirs the same way).
PAGE_SOURCES: list[Callable[[int], list[dict]]] = []


def page_source(function):
    if function not in PAGE_SOURCES:
        PAGE_SOURCES.append(function)
    return function


@page_source
def follow_ups(client_id: int) -> list[dict]:
    """Each follow-up of the client the user sees, in an operation not archived."""
    targets = db.session.scalars(
        scoped(select(Target), Target).join(Operation, Operation.id == Target.operation_id)
        .where(Target.client_id == client_id, Operation.archived.is_(False))
        .order_by(Target.id)).all()
    return [page for target in targets for page in _target_pages(target)]


def client_pages(client_id: int) -> list[dict]:
    """One prepared client's pages: the client file, then each source's."""
    pages = [{"url": url_for("clients.detail", client_id=client_id)}]
    for source in PAGE_SOURCES:
        pages += source(client_id)
    return pages


def manifest(user_id: int, now: datetime) -> dict:
    """What the tablet caches for the user: the pages of the prepared clients, the
    static files, and until when."""
    visits = prepared(user_id, now)
    pages = [{"url": url_for("visits.prepare")}, {"url": url_for("visits.review")}]
    for visit in visits:
        pages += client_pages(visit.client_id)
    return {
        "user": user_id,
        "expires_at": min((v.expires_at for v in visits), default=now).isoformat(),
        "clients": [v.client_id for v in visits],
        "pages": pages,
        "assets": [url_for("static", filename=a) for a in ASSETS],
    }
