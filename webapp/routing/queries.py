"""Reads of request routing shared by the sub-features: the data lists, the scores, the
open loads, the competence table as candidates, who may take calls and manage."""

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp.auth.models import Role, User
from webapp.auth.scope import scoped
from webapp.extensions import db
from webapp.routing import rules
from webapp.routing.models import (
    ClientRequest,
    ClientRequestType,
    Company,
    Competence,
    RoutingProfile,
    RoutingSettings,
    ScoreEvent,
    ScoreRule,
)


def takes_calls(user: User) -> bool:
    """« The people who take the calls »: the BO assistants, the admin, and whoever an
    admin gave the right to."""
    return user.role in (Role.BO_ASSISTANT, Role.ADMIN) or bool(user.take_requests)


def manages_table(user: User) -> bool:
    """The competence table and the boosters: the managers and the admin."""
    return user.role in (Role.MANAGER, Role.ADMIN)


def sees_table(user: User) -> bool:
    return manages_table(user) or takes_calls(user)


def types(active_only: bool = True) -> list[ClientRequestType]:
    stmt = select(ClientRequestType).order_by(ClientRequestType.position, ClientRequestType.id)
    if active_only:
        stmt = stmt.where(ClientRequestType.active.is_(True))
    return list(db.session.scalars(stmt))


def companies(active_only: bool = True) -> list[Company]:
    stmt = select(Company).order_by(Company.name)
    if active_only:
        stmt = stmt.where(Company.active.is_(True))
    return list(db.session.scalars(stmt))


def settings() -> RoutingSettings:
    found = db.session.scalar(select(RoutingSettings).order_by(RoutingSettings.id).limit(1))
    if found is None:
        found = RoutingSettings(contract_window_days=90, booster_floor=0, booster_cap=20)
        db.session.add(found)
        db.session.flush()
    return found


def points() -> dict[str, int]:
    """The bonus/malus rules' points, ``{key: points}`` (data)."""
    return dict(db.session.execute(select(ScoreRule.key, ScoreRule.points)).all())


def score_rules() -> list[ScoreRule]:
    return list(db.session.scalars(select(ScoreRule).order_by(ScoreRule.points.desc(),
                                                               ScoreRule.id)))


def scores(advisor_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Each advisor's bonus/malus total."""
    stmt = select(ScoreEvent.advisor_id, func.sum(ScoreEvent.points)).group_by(
        ScoreEvent.advisor_id)
    if advisor_ids is not None:
        stmt = stmt.where(ScoreEvent.advisor_id.in_(list(advisor_ids)))
    return {a: int(s or 0) for a, s in db.session.execute(stmt)}


def score_lines(advisor_id: int) -> list[ScoreEvent]:
    """The detail of every point of an advisor, newest first."""
    return list(db.session.scalars(
        select(ScoreEvent).where(ScoreEvent.advisor_id == advisor_id)
        .options(selectinload(ScoreEvent.request).selectinload(ClientRequest.client))
        .order_by(ScoreEvent.earned_on.desc(), ScoreEvent.id.desc())))


def open_loads(advisor_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Requests not closed, per advisor."""
    stmt = (select(ClientRequest.advisor_id, func.count(ClientRequest.id))
            .where(ClientRequest.closed_on.is_(None)).group_by(ClientRequest.advisor_id))
    if advisor_ids is not None:
        stmt = stmt.where(ClientRequest.advisor_id.in_(list(advisor_ids)))
    return dict(db.session.execute(stmt).all())


def profiles(viewer: User | None = None) -> list[RoutingProfile]:
    """The competence table's lines (the viewer's hierarchy when given), active advisors."""
    stmt = (select(RoutingProfile).join(RoutingProfile.advisor)
            .where(User.active.is_(True))
            .options(selectinload(RoutingProfile.competences),
                     selectinload(RoutingProfile.advisor).selectinload(User.team))
            .order_by(User.name, User.id))
    if viewer is not None:
        stmt = scoped(stmt, User, viewer)
    return list(db.session.scalars(stmt))


def candidates(type_id: int, company_id: int) -> list[rules.Candidate]:
    """The competence table as the ranking reads it: the active volunteers holding the
    competence (the only ones who can be eligible), with their load and score — three
    queries, the first driven by the competence index."""
    rows = db.session.execute(
        select(RoutingProfile.advisor_id, User.name, RoutingProfile.volunteer,
               RoutingProfile.sectors, RoutingProfile.certified, RoutingProfile.max_open)
        .join(Competence, (Competence.profile_id == RoutingProfile.id)
              & (Competence.type_id == type_id) & (Competence.company_id == company_id))
        .join(User, User.id == RoutingProfile.advisor_id)
        .where(User.active.is_(True), RoutingProfile.volunteer.is_(True))).all()
    ids = [row.advisor_id for row in rows]
    loads, totals = open_loads(ids), scores(ids)
    pair = frozenset({(type_id, company_id)})
    return [rules.Candidate(
        advisor_id=row.advisor_id, name=row.name, volunteer=row.volunteer,
        sectors=rules.parse_sectors(row.sectors), competences=pair, certified=row.certified,
        max_open=row.max_open, open_load=loads.get(row.advisor_id, 0),
        score=totals.get(row.advisor_id, 0)) for row in rows]


def managers_of(advisor: User) -> list[User]:
    """The active managers of the advisor's team and the teams above it."""
    if advisor.team is None:
        return []
    team_ids = [int(t) for t in advisor.team.path.strip("/").split("/") if t]
    return list(db.session.scalars(select(User).where(
        User.role == Role.MANAGER, User.active.is_(True), User.team_id.in_(team_ids))))
