"""Telling people about the desk's events: one home alert each and one e-mail through the
outbox (written in the caller's transaction, sent by the worker after the commit)."""

from collections.abc import Iterable

from flask import url_for

from webapp.auth.models import Role, User
from webapp.backoffice.models import BoRequest
from webapp.backoffice.requests import queries
from webapp.backoffice.requests.rules import Actor, workflow
from webapp.notifications.alerts import notify
from webapp.notifications.links import absolute_url
from webapp.notifications.outbox import queue_mail


def _people(users: Iterable[User | None], *, besides: set[int]) -> list[User]:
    """Active users once each, in order, leaving out ``besides`` (e.g. who acted)."""
    seen, people = set(besides), []
    for user in users:
        if user is not None and user.active and user.id not in seen:
            seen.add(user.id)
            people.append(user)
    return people


def tell(to: Iterable[User | None], cc: Iterable[User | None], actor: User | None,
         kind: str, template: str, title: str, url: str, **context) -> list[User]:
    """Alert ``to`` and ``cc`` (never the actor) and mail them, ``cc`` in copy; returns who
    was told."""
    acting = {actor.id} if actor else set()
    main = _people(to, besides=acting)
    copies = _people(cc, besides=acting | {u.id for u in main})
    if not main:
        main, copies = copies, []
    for user in main + copies:
        notify(user.id, kind, title, url=url)
    if main:
        queue_mail(kind, [u.email for u in main], template, cc=[u.email for u in copies],
                   title=title, link=_absolute(url), actor=actor, **context)
    return main + copies


def _absolute(path: str) -> str:
    """The page's address for an e-mail (the path an alert keeps, at BASE_URL)."""
    return absolute_url(path)


def request_url(request: BoRequest) -> str:
    return url_for("backoffice.request_detail", request_id=request.id)


def _bo_side(request: BoRequest) -> list[User]:
    """The BO's part: the request's assignee when a BO assistant holds it, else the BO."""
    if request.assignee is not None and request.assignee.role == Role.BO_ASSISTANT:
        return [request.assignee]
    return queries.bo_assistants()


def _handlers(request: BoRequest) -> list[User]:
    people = [r.user for r in request.recipients if not r.copy]
    return [request.assignee, *people] if request.assignee else people


def next_movers(request: BoRequest) -> list[User]:
    """Who makes one of the moves now possible (the next actor of slides 5–6)."""
    actors = set()
    for move in workflow(request.type.workflow).transitions:
        # Cancelling is always possible, never « the next step » of the process.
        if move.source == request.state and move.target != "cancelled":
            actors |= move.actors
    people: list[User] = []
    if Actor.ASSIGNEE in actors:
        people += _handlers(request) or (_bo_side(request) if Actor.BO not in actors else [])
    if Actor.BO in actors:
        people += _bo_side(request)
    if Actor.COMMERCIAL in actors:
        people.append(request.author)
    return people


def _copies(request: BoRequest) -> list[User]:
    return [r.user for r in request.recipients if r.copy]


def request_created(request: BoRequest, actor: User) -> None:
    """« A qui ? Copie ? »: the matrix's addressees (or the BO queue), the copies chosen."""
    to = _handlers(request) or queries.bo_assistants()
    tell(to, _copies(request), actor, "bo-request", "backoffice_request",
         f"Nouvelle demande : {request.subject}", request_url(request), request=request)


def request_moved(request: BoRequest, actor: User, move_label: str, note: str | None) -> None:
    """A workflow move: whoever acts next, everyone else of the request in copy."""
    to = [request.author] if request.closed else next_movers(request)
    everyone = [request.author, *_handlers(request), *_copies(request)]
    tell(to, everyone, actor, "bo-move", "backoffice_move",
         f"{request.subject} : {request.state_label}", request_url(request),
         request=request, move_label=move_label, note=note)


def request_assigned(request: BoRequest, actor: User) -> None:
    tell([request.assignee], [], actor, "bo-assigned", "backoffice_assigned",
         f"Demande confiée : {request.subject}", request_url(request), request=request)


def request_commented(request: BoRequest, actor: User) -> None:
    """A new message: an alert for the others of the request (no e-mail for each line)."""
    everyone = [request.author, *_handlers(request), *_copies(request)]
    for user in _people(everyone, besides={actor.id}):
        notify(user.id, "bo-comment", f"Nouveau message : {request.subject}",
               url=request_url(request))
