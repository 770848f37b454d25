"""Each criterion of the query builder as one SQL condition on ``Client`` (the registry).

``condition_for(name)`` gives a function ``(values, criteria) -> condition``; the query is
the viewer's scope AND every condition of the criteria that are set. Adding a criterion is
one entry in ``rules.PARAMS`` and one ``@condition`` here.

Criteria on other domains' records (open BO requests, total churn, open complaints)
import those models inside their condition: the domains import ``clients``.
"""

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlalchemy.orm import aliased

from webapp import clock
from webapp.auth.models import Team, User
from webapp.clients.models import Account, Client
from webapp.clients.queries import search_keys
from webapp.clients.selection.rules import NO, Situation, TargetState, department_prefixes
from webapp.database import starts_with

Condition = Callable[[tuple, object], ColumnElement[bool] | None]
CONDITIONS: dict[str, Condition] = {}


def condition(name: str):
    """Register the SQL condition of criterion ``name``."""

    def register(func: Condition) -> Condition:
        CONDITIONS[name] = func
        return func

    return register


def _yes_no(values: tuple, found: ColumnElement[bool]) -> ColumnElement[bool]:
    return ~found if values[0] == NO else found


@condition("q")
def _search(values, _criteria):
    keys = search_keys(values[0])
    if not keys:
        return false()
    return or_(*(starts_with(column, prefix) for column, prefix in keys))


@condition("advisor_id")
def _advisor(values, _criteria):
    return Client.advisor_id.in_(values)


@condition("team_id")
def _team(values, _criteria):
    """The advisor is a member of one of the teams or of a team below it (the teams'
    materialised paths: ``/1/4/`` is under ``/1/``)."""
    chosen = aliased(Team)
    under = (select(Team.id).join(chosen, Team.path.startswith(chosen.path))
             .where(chosen.id.in_(values)))
    return Client.advisor_id.in_(select(User.id).where(User.team_id.in_(under)))


@condition("branch_id")
def _branch(values, _criteria):
    return Client.branch_id.in_(values)


@condition("postal_code")
def _postal_code(values, _criteria):
    return Client.postal_code.in_(values)


@condition("department")
def _department(values, _criteria):
    return or_(*(starts_with(Client.postal_code, prefix)
                 for code in values for prefix in department_prefixes(code)))


@condition("city")
def _city(values, _criteria):
    return Client.city_key.in_(values)


@condition("language")
def _language(values, _criteria):
    return Client.language.in_(values)


def _situation(value: str) -> ColumnElement[bool]:
    active = Client.advisor_id.in_(select(User.id).where(User.active.is_(True)))
    # Kept on the client file (not read from the periods: ×6 from 100 000 to 1 000 000).
    former = Client.former_advisors > 0
    return {
        Situation.NONE: Client.advisor_id.is_(None),
        Situation.FORMER: Client.advisor_id.in_(select(User.id).where(User.active.is_(False))),
        Situation.PRESENT: and_(active, ~former),
        Situation.NEW: and_(active, former),
    }[value]


@condition("situation")
def _situations(values, _criteria):
    return or_(*(_situation(v) for v in values))


@condition("created_from")
def _created_from(values, _criteria):
    return Client.created_at >= clock.day_start(values[0])


@condition("created_to")
def _created_to(values, _criteria):
    """Up to the end of that day in Paris (the stored instants are UTC)."""
    return Client.created_at < clock.day_start(values[0] + timedelta(days=1))


@condition("opportunity")
def _opportunity(values, criteria):
    from webapp.opportunities.models import Opportunity  # the domains import clients

    found = exists().where(Opportunity.client_id == Client.id)
    if stages := criteria["stage_id"]:
        found = found.where(Opportunity.stage_id.in_(stages))
    return _yes_no(values, found)


def _state(value: str) -> ColumnElement[bool]:
    from webapp.operations.models import Target

    return {
        TargetState.IN_PROGRESS: Target.concluded.is_(False),
        TargetState.POSITIVE: and_(Target.concluded.is_(True), Target.success.is_(True)),
        TargetState.NEGATIVE: and_(Target.concluded.is_(True), Target.success.is_not(True)),
    }[value]


@condition("target")
def _target(values, criteria):
    from webapp.operations.models import Target

    found = exists().where(Target.client_id == Client.id)
    if operations := criteria["operation_id"]:
        found = found.where(Target.operation_id.in_(operations))
    if states := criteria["target_state"]:
        found = found.where(or_(*(_state(s) for s in states)))
    return _yes_no(values, found)


@condition("product")
def _product(values, _criteria):
    return exists().where(Account.client_id == Client.id, Account.product.in_(values))


@condition("bo_open")
def _bo_open(values, _criteria):
    from webapp.backoffice.models import BoRequest

    return _yes_no(values, exists().where(BoRequest.client_id == Client.id,
                                          BoRequest.closed.is_(False)))


@condition("churned")
def _churned(values, _criteria):
    from webapp.activities.churn.queries import in_total_churn

    return _yes_no(values, in_total_churn(Client.id))


@condition("complaint_open")
def _complaint_open(values, _criteria):
    from webapp.activities.complaints.models import Complaint

    # open_key is set while a complaint is open (déposée, en cours, traitée), NULL once close
    return _yes_no(values, exists().where(Complaint.client_id == Client.id,
                                          Complaint.open_key.is_not(None)))


def conditions(criteria) -> list[ColumnElement[bool]]:
    """One condition per criterion set (the refinements are read by their criterion)."""
    return [cond for name, values in criteria.values
            if name in CONDITIONS and (cond := CONDITIONS[name](values, criteria)) is not None]
