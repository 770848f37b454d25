"""The R1 recap (slide 12 « Récap Cotation R1 (depuis le …) »): per sales rep, the clients
quoted since a date, those who signed marked."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from webapp.auth.models import User
from webapp.auth.scope import scoped
from webapp.backoffice.models import BoRequest, RequestType
from webapp.backoffice.requests.rules import SIGNED_STATES
from webapp.clients.models import Client
from webapp.clock import day_start
from webapp.extensions import db

MAX_LINES = 2000  # a recap longer than this is cut (and says so)


@dataclass
class RepRecap:
    name: str
    clients: list[tuple[str, bool]] = field(default_factory=list)  # (client, signed)

    @property
    def signed(self) -> int:
        return sum(1 for _, s in self.clients if s)


def r1_recap(since: date) -> tuple[list[RepRecap], bool]:
    """Each rep's quoted clients (one line per client, SQL GROUP BY) and whether the
    client accepted a project (an R2 in SIGNED_STATES); True when the list was cut."""
    start = day_start(since)
    r1 = select(RequestType.id).where(RequestType.workflow == "r1")
    r2 = select(RequestType.id).where(RequestType.workflow == "r2")
    project = aliased(BoRequest)
    signed = (select(project.id).where(project.client_id == Client.id,
                                       project.type_id.in_(r2),
                                       project.state.in_(SIGNED_STATES)).exists())
    stmt = (scoped(select(User.id, User.name, Client.last_name, Client.first_name, signed)
                   .select_from(BoRequest).join(User, User.id == BoRequest.author_id)
                   .join(Client, Client.id == BoRequest.client_id), BoRequest)
            .where(BoRequest.type_id.in_(r1), BoRequest.created_at >= start)
            .group_by(User.id, User.name, Client.id, Client.last_name, Client.first_name)
            .order_by(User.name, User.id, func.min(BoRequest.created_at), Client.id)
            .limit(MAX_LINES + 1))
    rows = db.session.execute(stmt).all()
    recaps: dict[int, RepRecap] = {}
    for user_id, name, last, first, is_signed in rows[:MAX_LINES]:
        recaps.setdefault(user_id, RepRecap(name)).clients.append(
            (f"{first} {last}", bool(is_signed)))
    return list(recaps.values()), len(rows) > MAX_LINES
