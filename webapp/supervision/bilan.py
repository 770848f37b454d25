"""Bilan – Détail: the supervision figures grouped by operation, by advisor, or along the
viewer's hierarchy (team → advisor → client), one GROUP BY per table.

The counts use the conditions of ``sets.py`` (the ones the drill-down lists filter on), so
a group's "refusés : 3" opens those 3. Team rows add up their advisors' rows: a loop over
advisors and teams, never over targets.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import case, func, select

from webapp.auth.models import Team, User
from webapp.extensions import db
from webapp.operations.models import AdvisorObjective, Operation, Target
from webapp.operations.rules import Share, share_amount
from webapp.supervision.metrics import Scope, operation_objectives, operations_in, over_targets
from webapp.supervision.params import scope_args
from webapp.supervision.rates import equipment_rate, transformation_rate
from webapp.supervision.sets import NEGATIVE, OPEN, POSITIVE, transformable

ZERO = Decimal(0)
GROUPS = {"team": "Hiérarchie", "operation": "Par opération", "advisor": "Par conseiller",
          "client": "Par client"}


@dataclass
class Row:
    """One line of a Bilan table: a team, an advisor, an operation, or the targets nobody
    follows. ``args`` name its clients for the drill-down (None: no list names them);
    ``expand`` are the arguments of the rows endpoint that loads what it holds."""

    key: str
    label: str
    args: dict | None
    expand: dict | None = None
    depth: int = 0
    objective: Decimal | None = None
    total: int = 0
    accepted: int = 0
    refused: int = 0
    in_progress: int = 0
    potential: Decimal = ZERO
    collected: Decimal = ZERO
    transformable: int = 0

    @property
    def equipment_rate(self) -> Decimal | None:
        return equipment_rate(self.accepted, self.total)

    @property
    def transformation_rate(self) -> Decimal | None:
        return transformation_rate(self.accepted, self.transformable)

    def add(self, other: "Row") -> None:
        """Add ``other``'s figures (an objective is defined once one of them is)."""
        for name in COUNTED:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.objective is not None:
            self.objective = (self.objective or ZERO) + other.objective


COUNTED = ("total", "accepted", "refused", "in_progress", "potential", "collected",
           "transformable")


def _counts() -> list:
    """The counted figures as aggregates, with the drill-down's conditions."""
    return [func.count(Target.id).label("total"),
            func.count(case((POSITIVE, 1))).label("accepted"),
            func.count(case((NEGATIVE, 1))).label("refused"),
            func.count(case((OPEN, 1))).label("in_progress"),
            func.coalesce(func.sum(Target.potential), 0).label("potential"),
            func.coalesce(func.sum(case((POSITIVE, Target.amount), else_=0)), 0)
            .label("collected"),
            func.count(case((transformable(), 1))).label("transformable")]


def grouped(scope: Scope, column) -> dict:
    """The scope's figures per value of ``column`` (one GROUP BY)."""
    rows = db.session.execute(
        over_targets(scope, column.label("key"), *_counts()).group_by(column))
    return {r.key: {name: getattr(r, name) for name in COUNTED} for r in rows}


def _row(key: str, label: str, args: dict | None, counts: dict, **extra) -> Row:
    values = {name: counts[name] for name in COUNTED}
    values["potential"], values["collected"] = (Decimal(values["potential"]),
                                                Decimal(values["collected"]))
    return Row(key=key, label=label, args=args, **values, **extra)


def total_of(rows: list[Row], label: str, args: dict, objective: bool) -> Row:
    """The table's last line: the sum of its rows (the objective only where the rows'
    objectives add up to the scope's, i.e. by operation)."""
    total = Row(key="total", label=label, args=args)
    for row in rows:
        total.add(row)
    if not objective:
        total.objective = None
    return total


def advisor_objectives(operations: list[Operation], advisor_ids) -> dict[int, Decimal]:
    """Each advisor's objective over ``operations``: the sum of their shares (in €, or a %
    of the operation's objective); advisors without a share are absent (not defined)."""
    objectives = {o.id: o.objective for o in operations}
    shares = db.session.execute(
        select(AdvisorObjective.operation_id, AdvisorObjective.advisor_id,
               AdvisorObjective.amount, AdvisorObjective.percent)
        .where(AdvisorObjective.operation_id.in_(list(objectives)),
               AdvisorObjective.advisor_id.in_([i for i in advisor_ids if i is not None])))
    found: dict[int, Decimal] = {}
    for operation_id, advisor_id, amount, percent in shares:
        found[advisor_id] = found.get(advisor_id, ZERO) + share_amount(
            objectives[operation_id], Share(amount, percent))
    return found


def operation_rows(scope: Scope) -> list[Row]:
    """By operation: each operation's figures and its objective for the scope."""
    counts = grouped(scope, Target.operation_id)
    operations = [o for o in operations_in(scope) if o.id in counts]
    base = scope_args(scope)
    return [_row(f"operation-{o.id}", o.name, {**base, "operation": o.id}, counts[o.id],
                 objective=objective, expand={"list": "advisors"})
            for o, objective in zip(operations, operation_objectives(operations, scope),
                                    strict=True)]


def _advisors(ids) -> list[tuple[int, str, int | None, str | None]]:
    """(id, name, team id, team path) of the advisors, by name."""
    return db.session.execute(
        select(User.id, User.name, User.team_id, Team.path)
        .outerjoin(Team, Team.id == User.team_id)
        .where(User.id.in_([i for i in ids if i is not None]))
        .order_by(User.name, User.id)).all()


def _nobody(counts: dict, depth: int) -> list[Row]:
    """The targets without an advisor: shown, not drilled (no list filters on nobody)."""
    if None not in counts:
        return []
    return [_row("nobody", "Sans conseiller", None, counts[None], depth=depth)]


def advisor_rows(scope: Scope, depth: int = 0) -> list[Row]:
    """By advisor: each advisor's figures and the sum of their shares as objective."""
    counts = grouped(scope, Target.advisor_id)
    objectives = advisor_objectives(operations_in(scope), counts)
    base = scope_args(scope)
    return [_row(f"advisor-{i}", name, {**base, "advisor": i}, counts[i], depth=depth,
                 objective=objectives.get(i), expand={"list": "clients"})
            for i, name, _, _ in _advisors(counts)] + _nobody(counts, depth)


@dataclass
class Tree:
    """The viewer's hierarchy as far as the scope's targets reach: the teams of their
    advisors and those teams' ancestors, each team row the sum of its advisors."""

    teams: dict[int, Team] = field(default_factory=dict)
    team_rows: dict[int, Row] = field(default_factory=dict)
    advisor_rows: dict[int, Row] = field(default_factory=dict)
    members: dict[int | None, list[int]] = field(default_factory=dict)  # by team id
    nobody: list[Row] = field(default_factory=list)

    def children(self, team_id: int | None, depth: int) -> list[Row]:
        """A team's sub-teams then its advisors (team None: the top of the forest)."""
        teams = sorted((t for t in self.teams.values() if t.parent_id == team_id
                        or (team_id is None and t.parent_id not in self.teams)),
                       key=lambda t: (t.name, t.id))
        rows = [self.team_rows[t.id] for t in teams]
        rows += [self.advisor_rows[i] for i in self.members.get(team_id, [])]
        if team_id is None:
            rows += self.nobody
        for row in rows:
            row.depth = depth
        return rows

    def top(self) -> list[Row]:
        """The first level shown: down a chain of single teams holding nobody directly
        (a manager of one agency starts at the agency, not at the whole region)."""
        rows = self.children(None, 0)
        while len(rows) == 1 and rows[0].key.startswith("team-"):
            only = int(rows[0].key.removeprefix("team-"))
            if self.members.get(only):
                break
            rows = self.children(only, 0)
        return rows


def hierarchy(scope: Scope) -> Tree:
    """The tree of the scope: one GROUP BY per advisor, the teams in one query."""
    counts = grouped(scope, Target.advisor_id)
    advisors = _advisors(counts)
    objectives = advisor_objectives(operations_in(scope), counts)
    base = scope_args(scope)
    tree = Tree(nobody=_nobody(counts, 0))
    ancestors: dict[int, list[int]] = {}
    for advisor_id, name, team_id, path in advisors:
        tree.advisor_rows[advisor_id] = _row(
            f"advisor-{advisor_id}", name, {**base, "advisor": advisor_id}, counts[advisor_id],
            objective=objectives.get(advisor_id), expand={"list": "clients"})
        tree.members.setdefault(team_id, []).append(advisor_id)
        ancestors[advisor_id] = [int(i) for i in (path or "").strip("/").split("/") if i]
    wanted = {i for chain in ancestors.values() for i in chain}
    tree.teams = {t.id: t for t in db.session.scalars(select(Team).where(Team.id.in_(wanted)))}
    for team in tree.teams.values():
        tree.team_rows[team.id] = Row(key=f"team-{team.id}", label=team.name,
                                      args={**base, "team": team.id}, expand={})
    for advisor_id, chain in ancestors.items():
        for team_id in chain:
            tree.team_rows[team_id].add(tree.advisor_rows[advisor_id])
    return tree
