"""Reads of the competence table: the advisors' lines with load and score, the coverage
of each team (the types and companies no volunteer covers)."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.auth.models import Role, Team, User
from webapp.auth.scope import scoped
from webapp.extensions import db
from webapp.routing import queries
from webapp.routing.models import RoutingProfile


@dataclass(frozen=True)
class Line:
    advisor: User
    profile: RoutingProfile | None
    load: int
    score: int


def advisors(viewer: User) -> list[User]:
    """The active advisors the viewer's scope holds."""
    stmt = (select(User).where(User.active.is_(True), User.role == Role.ADVISOR)
            .options(selectinload(User.team)).order_by(User.name, User.id))
    return list(db.session.scalars(scoped(stmt, User, viewer)))


def lines(viewer: User) -> list[Line]:
    people = advisors(viewer)
    ids = [u.id for u in people]
    found = {p.advisor_id: p for p in db.session.scalars(
        select(RoutingProfile).where(RoutingProfile.advisor_id.in_(ids))
        .options(selectinload(RoutingProfile.competences)))}
    loads, totals = queries.open_loads(ids), queries.scores(ids)
    return [Line(u, found.get(u.id), loads.get(u.id, 0), totals.get(u.id, 0)) for u in people]


@dataclass(frozen=True)
class Gap:
    team: Team
    volunteers: int
    missing: dict  # {type name: [company names no volunteer covers]}


def coverage(viewer: User) -> list[Gap]:
    """« Les formateurs pourront alors accentuer leurs formations par groupe »: per team,
    the type × company pairs that none of its volunteers covers."""
    types, companies = queries.types(), queries.companies()
    by_team: dict[int, tuple[Team, list]] = {}
    for line in lines(viewer):
        team = line.advisor.team
        if team is None:
            continue
        by_team.setdefault(team.id, (team, []))[1].append(line)
    gaps = []
    for team, members in sorted(by_team.values(), key=lambda item: item[0].name):
        covered = {(c.type_id, c.company_id) for m in members
                   if m.profile and m.profile.volunteer for c in m.profile.competences}
        missing = {t.name: [c.name for c in companies if (t.id, c.id) not in covered]
                   for t in types}
        gaps.append(Gap(team, sum(1 for m in members if m.profile and m.profile.volunteer),
                        {k: v for k, v in missing.items() if v}))
    return gaps
