"""Who to prepare: the clients proposed to « Préparer mes visites », from sources.

A source is a function ``(user, first_day, last_day) -> list[Proposal]``, registered with
``@source``. The operations' targets to contact are the first one, here. The appointments
(``webapp/activities/``, built beside this branch) add theirs by registering a source of
the appointments of the period: the page needs nothing else.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload

from webapp.auth.models import User
from webapp.clients.models import Client
from webapp.extensions import db
from webapp.operations.models import Operation, RecordStatus, StepRecord, Target

LIMIT = 200  # per source: a proposal list, not a portfolio


@dataclass(frozen=True)
class Proposal:
    client_id: int
    name: str  # « Prénom Nom »
    reason: str  # « Épargne retraite T1 — à contacter »
    day: date | None = None  # an appointment's day, when there is one


Source = Callable[[User, date, date], list[Proposal]]
SOURCES: list[Source] = []


def source(function: Source) -> Source:
    """Register a source of proposals (once)."""
    if function not in SOURCES:
        SOURCES.append(function)
    return function


def proposals(user: User, first: date, last: date) -> list[Proposal]:
    """Every source's proposals, one per client (the first source's reason wins, dated
    ones first), then by name."""
    seen: dict[int, Proposal] = {}
    for each in SOURCES:
        for proposal in each(user, first, last):
            seen.setdefault(proposal.client_id, proposal)
    return sorted(seen.values(), key=lambda p: (p.day is None, p.day or first, p.name))


@source
def operation_targets(user: User, first: date, last: date) -> list[Proposal]:
    """The user's clients in operations running during the period, not concluded: « à
    contacter » (no step done yet) or « en cours »."""
    done = exists().where(StepRecord.target_id == Target.id,
                          StepRecord.status == RecordStatus.DONE,
                          StepRecord.step_id.is_not(None))
    rows = db.session.execute(
        select(Target, done.label("started"))
        .join(Operation, Operation.id == Target.operation_id)
        .join(Client, Client.id == Target.client_id)
        .where(Target.advisor_id == user.id, Target.concluded.is_(False),
               Operation.archived.is_(False), Operation.start <= last,
               Operation.end >= first)
        .options(joinedload(Target.client), joinedload(Target.operation))
        .order_by(Client.last_name, Client.first_name, Target.id).limit(LIMIT)).all()
    return [Proposal(client_id=t.client_id,
                     name=f"{t.client.first_name} {t.client.last_name}",
                     reason=f"{t.operation.name} — {'en cours' if started else 'à contacter'}")
            for t, started in rows]
