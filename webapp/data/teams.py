"""The ``teams`` section: the hierarchy, written by the admin screen's ``save_team``."""

from sqlalchemy import select
from sqlalchemy.orm import aliased

from webapp.auth.models import Team
from webapp.auth.services import TeamInput, save_team
from webapp.data.schema import key, ref, text
from webapp.data.sections import Context, Item, Section, Tally, objects_by_key, snapshot
from webapp.extensions import db

FIELDS = {"key": key(), "name": text(Team.name, required=True), "parent": ref("teams")}


def _parent_map(items: list[Item]) -> dict[str, str | None]:
    """Each team's parent once the file is applied, by key (``#<id>`` if it has none)."""
    rows = db.session.execute(select(Team.id, Team.key, Team.parent_id)).all()
    node = {row.id: row.key or f"#{row.id}" for row in rows}
    parents = {node[row.id]: node.get(row.parent_id) for row in rows}
    for item in items:
        if item.key and ("parent" in item.values or item.key not in parents):
            parents[item.key] = item.values.get("parent")
    return parents


def _ancestors(parents: dict, start: str) -> list[str]:
    """``start`` and its ancestors, stopping before the first repeated team."""
    chain, current = [], start
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain + ([current] if current is not None else [])


def check(items: list[Item], ctx: Context) -> None:
    """Refuse cycles: a team placed under itself or under one of its sub-teams."""
    parents = _parent_map(items)
    for item in items:
        chain = _ancestors(parents, item.key) if item.key else []
        if chain and chain[-1] == item.key and len(chain) > 1:
            ctx.fail(item, "parent", "cycle dans la hiérarchie des équipes : "
                     + " → ".join(chain))


def load(items: list[Item]) -> Tally:
    """Create or update the teams, parents before children."""
    tally = Tally()
    parents = _parent_map(items)
    teams = objects_by_key(Team, [item.key for item in items])
    for item in sorted(items, key=lambda i: len(_ancestors(parents, i.key))):
        team = teams.get(item.key)
        created = team is None
        if created:
            team = teams[item.key] = Team(key=item.key)
        before = snapshot(team)
        parent = (_team(item.values.get("parent"), teams) if created or "parent" in item.values
                  else team.parent)
        save_team(team, TeamInput(item.values.get("name", team.name),
                                  parent.id if parent else None))
        tally.count(created, snapshot(team) != before)
    return tally


def _team(team_key: str | None, teams: dict) -> Team | None:
    if team_key is None:
        return None
    if team_key not in teams:
        teams[team_key] = db.session.scalar(select(Team).where(Team.key == team_key))
    return teams[team_key]


def export():
    parent = aliased(Team)
    stmt = (select(Team.key, Team.name, parent.key.label("parent"))
            .outerjoin(parent, Team.parent_id == parent.id).order_by(Team.key))
    for row in db.session.execute(stmt):
        yield {"key": row.key, "name": row.name, "parent": row.parent}


SECTION = Section(name="teams", label="Équipes", model=Team, key_prefix="team",
                  unknown="équipe inconnue", fields=FIELDS, check=check, load=load,
                  export=export)
