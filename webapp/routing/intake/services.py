"""The intake: a request logged from a call or an e-mail, routed on the client's advisor
situation (or the competence table) and transmitted by mail, its tracking row created in
the same transaction, due in 7 days."""

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app

from webapp import clock
from webapp.auth.models import User
from webapp.clients.models import Client
from webapp.clients.services import accounts_of
from webapp.errors import Refused
from webapp.extensions import db
from webapp.notifications.links import absolute_url
from webapp.notifications.outbox import Attachment, queue_mail
from webapp.routing import queries, rules
from webapp.routing.models import Channel, ClientRequest, ClientRequestType, Company, RoutedBy
from webapp.routing.pdf import client_file_pdf

NO_CANDIDATE = ("Aucun conseiller volontaire éligible pour ce type et cette compagnie : "
                "voyez la couverture du tableau des compétences.")
NOT_ELIGIBLE = "Ce conseiller n'est pas éligible pour cette demande : choisissez-en un proposé."


@dataclass(frozen=True)
class IntakeInput:
    """A request as the intake form gives it (objects already loaded and checked)."""

    client: Client
    channel: str
    request_type: ClientRequestType | None
    company: Company | None
    description: str = ""
    advisor_id: int | None = None  # the advisor picked in the table (None: the first)
    key: str | None = None
    transmitted_at: datetime | None = None  # the import's and the demo's past requests


@dataclass(frozen=True)
class Routing:
    """Where a request goes: the client's advisor, or the table's ranking."""

    decision: str
    advisor: User | None
    ranking: tuple[rules.Ranked, ...] = ()

    @property
    def eligible(self) -> list[rules.Ranked]:
        return [r for r in self.ranking if r.eligible]


def route(client: Client, request_type: ClientRequestType, company: Company) -> Routing:
    """The routing decision for a client and a request (what the intake screen shows)."""
    decision = rules.routing_decision(client.advisor_situation)
    if decision == rules.TRANSMIT:
        return Routing(decision, client.advisor)
    need = rules.Need(request_type.id, company.id, client.postal_code,
                      request_type.needs_certification)
    return Routing(decision, None, tuple(rules.rank(queries.candidates(request_type.id,
                                                                        company.id), need)))


def _chosen(routing: Routing, advisor_id: int | None) -> tuple[int, str]:
    """The advisor the request goes to and why (the first eligible by default)."""
    if routing.decision == rules.TRANSMIT:
        return routing.advisor.id, "conseiller du client"
    eligible = routing.eligible
    if not eligible:
        raise Refused(NO_CANDIDATE)
    picked = next((r for r in eligible if r.candidate.advisor_id == advisor_id), None) \
        if advisor_id else eligible[0]
    if picked is None:
        raise Refused(NOT_ELIGIBLE)
    return picked.candidate.advisor_id, ", ".join(picked.why)[:400]


def log_request(values: IntakeInput, author: User | None) -> ClientRequest:
    """Log, route and transmit a client request (one transaction with its mail)."""
    if values.channel not in Channel.labels():
        raise Refused("Indiquez le canal : téléphone ou e-mail.")
    if error := rules.routing_error(values.request_type and values.request_type.id,
                                    values.company and values.company.id):
        raise Refused(error)
    routing = route(values.client, values.request_type, values.company)
    advisor_id, why = _chosen(routing, values.advisor_id)
    request = record_transmitted(
        values, db.session.get(User, advisor_id), author,
        RoutedBy.SITUATION if routing.decision == rules.TRANSMIT else RoutedBy.TABLE, why)
    transmit(request)
    return request


def record_transmitted(values: IntakeInput, advisor: User, author: User | None,
                       routed_by: str = RoutedBy.SITUATION, why: str | None = None
                       ) -> ClientRequest:
    """A request transmitted before (the import, the demo): its advisor is known, its
    transmission instant is given, no mail goes."""
    if values.channel not in Channel.labels():
        raise Refused("Indiquez le canal : téléphone ou e-mail.")
    if error := rules.routing_error(values.request_type and values.request_type.id,
                                    values.company and values.company.id):
        raise Refused(error)
    moment = values.transmitted_at or datetime.now(UTC)
    day = clock.local_day(moment)
    request = ClientRequest(
        key=values.key, client_id=values.client.id, channel=values.channel,
        type_id=values.request_type.id, company_id=values.company.id,
        description=(values.description or "").strip(), situation=values.client.advisor_situation,
        routed_by=routed_by, why=why, advisor_id=advisor.id,
        author_id=author.id if author else None, transmitted_at=moment, transmitted_on=day,
        due_on=rules.due_on(day))
    db.session.add(request)
    db.session.flush()
    return request


def transmit(request: ClientRequest) -> None:
    """« transmise par mail au conseiller + [le suivi] avec la fiche client », and the
    mandatory sentence, always."""
    db.session.refresh(request)
    follow_up = queries.settings().follow_up_email
    link = absolute_url(current_app.url_map.bind("localhost").build(
        "routing.detail", {"client_request_id": request.id}))
    pdf = client_file_pdf(request, accounts_of(request.client))
    name = f"fiche-client-{request.client.last_name}-{request.id}.pdf".replace(" ", "-")
    queue_mail("routing-transmission", request.advisor.email, "routing_transmission",
               cc=[follow_up] if follow_up else (), req=request, link=link,
               sentence=rules.MANDATORY_SENTENCE,
               attachments=[Attachment(name, "application/pdf", pdf)])
