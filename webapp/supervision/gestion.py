"""The Gestion list: every client of the scope with its state, filtered (a figure's
clients, a name), sorted and paginated; the same rows feed the Excel export and the bulk
conclusion."""

from dataclasses import dataclass

from flask import abort
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload

from webapp.auth.models import Team, User
from webapp.auth.scope import scoped
from webapp.clients.models import Client
from webapp.clients.rules import search_key
from webapp.database import reading_every_row, starts_with
from webapp.extensions import db
from webapp.operations.models import ConclusionKind, Operation, Step, Target
from webapp.pagination import Page, count_capped, page_size
from webapp.supervision.metrics import Scope, over_targets, targets_in
from webapp.supervision.sets import Drill, drill

# Sort keys offered on the column headers → ORDER BY (ties broken by target id).
SORTS = {
    "client": (Client.last_name, Client.first_name),
    "advisor": (User.name,),
    "operation": (Operation.name,),
    "potential": (Target.potential,),
    "amount": (Target.amount,),
    "status": (Target.concluded, Target.success),
    "step": (Target.reach,),
    "date": (Target.conclusion_date,),
}
# Rows the Excel export reads at once.
CHUNK = 2000


@dataclass(frozen=True)
class Filters:
    """What narrows and orders the list, as carried in the URL."""

    figure: str = ""
    step: int = 0
    team: int = 0
    q: str = ""
    sort: str = "client"
    desc: bool = False

    @classmethod
    def from_args(cls, args) -> "Filters":
        step, team = args.get("step", ""), args.get("team", "")
        sort = args.get("sort", "client")
        return cls(figure=args.get("figure", "")[:40], step=int(step) if step.isdigit() else 0,
                   team=int(team) if team.isdigit() else 0,
                   q=args.get("q", "").strip()[:80], sort=sort if sort in SORTS else "client",
                   desc=args.get("desc") == "1")

    def as_args(self, **changes) -> dict:
        values = {**vars(self), **changes}
        args = {k: v for k, v in values.items() if v and k not in ("sort", "desc")}
        if values["sort"] != "client":
            args["sort"] = values["sort"]
        if values["desc"]:
            args["desc"] = "1"
        return args


@dataclass
class Listing:
    """The list's statement and what it means, for the page, the export and the bulk."""

    kept: Select  # the targets the filters keep, unordered: to count, select, export
    stmt: Select  # the same, joined to what it is sorted on, in order
    order: list
    drill: Drill | None
    team: Team | None = None


def _step(scope: Scope, step_id: int) -> Step | None:
    if not step_id:
        return None
    stmt = select(Step).where(Step.id == step_id)
    if scope.operation is not None:
        stmt = stmt.where(Step.operation_id == scope.operation.id)
    return db.session.scalar(stmt)


def _team(scope: Scope, team_id: int) -> Team | None:
    """A team of the viewer's (its advisors' clients: a Bilan – Détail team row); 404."""
    if not team_id:
        return None
    return db.session.scalar(scoped(select(Team).where(Team.id == team_id), Team,
                                    scope.viewer)) or abort(404)


def listing(scope: Scope, filters: Filters) -> Listing:
    """The targets of the scope the filters keep, in the asked order."""
    chosen = drill(filters.figure, _step(scope, filters.step)) if filters.figure else None
    conditions = [chosen.condition] if chosen is not None else []
    team = _team(scope, filters.team)
    if team is not None:
        conditions.append(Target.advisor_id.in_(select(User.id).where(User.team_id.in_(
            select(Team.id).where(starts_with(Team.path, team.path))))))
    key = search_key(filters.q)
    if key:
        conditions.append(Target.client_id.in_(select(Client.id).where(or_(
            starts_with(Client.name_key, key), starts_with(Client.name_key_rev, key)))))
    in_scope = targets_in(scope)
    kept = over_targets(scope, Target).where(*conditions)
    joined = {
        # "+ 0" keeps SQLite from starting with the scope's targets (then sorting all of
        # them by name): it walks the client name index instead and stops at the page's
        # end, 32 → 6 ms at 20 000 targets. PostgreSQL plans it so either way.
        "client": select(Target).join(Target.client)
        .where((Target.id + 0).in_(in_scope), *conditions),
        "operation": kept.join(Target.operation),
        "advisor": kept.outerjoin(User, User.id == Target.advisor_id)}
    order = [c.desc() if filters.desc else c.asc() for c in SORTS[filters.sort]]
    order.append(Target.id.desc() if filters.desc else Target.id)
    return Listing(kept=kept, stmt=joined.get(filters.sort, kept).order_by(*order),
                   order=order, drill=chosen, team=team)


def with_rows(stmt: Select) -> Select:
    """``stmt`` loading what a row shows (client, advisor, operation, conclusion)."""
    return stmt.options(joinedload(Target.client), joinedload(Target.advisor),
                        joinedload(Target.operation), joinedload(Target.conclusion_kind))


def page_of(listing_: Listing, number: int) -> Page:
    """One page of the list, with its exact total (the bulk says how many it concludes);
    a row's « Étape » is its target's ``reach``.

    The page's ids are sorted first (narrow rows: sorting 20 000 full rows costs three
    times as much), then their rows are loaded."""
    size, number = page_size(), max(1, number)
    ids = db.session.scalars(listing_.stmt.with_only_columns(Target.id)
                             .limit(size).offset((number - 1) * size)).all()
    rows = {t.id: t for t in db.session.scalars(
        with_rows(select(Target).where(Target.id.in_(ids)))).unique()}
    total = count_capped(listing_.kept, cap=None)
    return Page(items=[rows[i] for i in ids], number=number, size=size, total=total,
                cap=total)


def export_rows(found: Listing):
    """Every row of the list as plain tuples, CHUNK at a time, read through a streaming
    cursor (no ORM objects held: memory stays flat)."""
    rows = (select(Target.reach, Client.first_name, Client.last_name, Operation.name,
                   User.name, Target.concluded, Target.success, ConclusionKind.name,
                   Target.conclusion_date, Target.potential, Target.amount)
            .join(Client, Client.id == Target.client_id)
            .join(Operation, Operation.id == Target.operation_id)
            .outerjoin(User, User.id == Target.advisor_id)
            .outerjoin(ConclusionKind, ConclusionKind.id == Target.conclusion_kind_id)
            .where(Target.id.in_(found.kept.with_only_columns(Target.id)))
            .order_by(*found.order).execution_options(yield_per=CHUNK))
    reading_every_row(db.session)
    yield from db.session.execute(rows).partitions()


def state_label(concluded: bool, success: bool | None) -> str:
    """« État » of a client in the operation."""
    if not concluded:
        return "En cours"
    return "Accepté" if success else "Refusé"
