"""Read queries of the query builder: the result (a page, a count, the rows an action
takes, the export's rows), the saved queries one sees, the builder's choices."""

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Select, func, select, union_all
from sqlalchemy.orm import selectinload

from webapp.auth.models import Branch, Team, User
from webapp.auth.scope import scoped
from webapp.clients.models import DEPARTMENT_KEY, Account, Client
from webapp.clients.queries import SEARCH_COUNT_CAP, Filters, _load, client_page
from webapp.clients.selection.criteria import conditions
from webapp.clients.selection.models import SavedQuery
from webapp.clients.selection.rules import Criteria, department_key
from webapp.extensions import db
from webapp.pagination import Page, page_number, page_size

PRODUCTS_OFFERED = 200
SMALL_RESULT = 2000  # a result this small is read whole and sorted in Python
PAIR_WALKS = 24  # (advisor, département) walks merged for a large result's page, at most


def selected(stmt: Select, criteria: Criteria, ticked: tuple[int, ...] = (),
             user: User | None = None) -> Select:
    """``stmt`` restricted to the viewer's scope, every criterion, and the ticked rows
    when there are (an advisor's query never reaches another advisor's clients, whatever
    the criteria say)."""
    stmt = scoped(stmt, Client, user).where(*conditions(criteria))
    return stmt.where(Client.id.in_(ticked)) if ticked else stmt


def result_page(criteria: Criteria, number: int = 1) -> Page:
    """One page of the result by name (French order: the indexed search key), the count
    capped like the search's (« Plus de 200 clients »); an action counts its clients
    exactly in its preview. The page's ids are read first, then those clients.

    A result of up to ``SMALL_RESULT`` clients is read whole, unordered — the planner
    then takes the criteria's own indexes — and sorted here; only a larger one is read
    in name order (``_large_page``), where a page is found within a few thousand entries. (The
    walk alone, for criteria that match little — two advisors of another city — read
    the whole index: 2.3 s at 1 000 000 clients on PostgreSQL.)"""
    size, number = page_size(), page_number(number)
    start = (number - 1) * size
    few = db.session.execute(selected(select(Client.id, Client.name_key), criteria)
                             .limit(SMALL_RESULT + 1)).all()
    if len(few) <= SMALL_RESULT:
        ordered = sorted(few, key=lambda row: (row.name_key or "", row.id))
        ids = [row.id for row in ordered[start:start + size]]
    else:
        ids = db.session.scalars(_large_page(criteria, start, size)).all()
    return Page(items=_load(ids), number=number, size=size,
                total=min(len(few), SEARCH_COUNT_CAP + 1), cap=SEARCH_COUNT_CAP)


def _large_page(criteria: Criteria, start: int, size: int) -> Select:
    """The ids of a large result's page by name. With advisors and départements chosen
    (a manager's everyday query), merged from each (advisor, département) pair's walk of
    ``ix_client_advisor_department``, which stops at the page's end: 0.5 ms for two
    advisors' 22 000 clients of the Yvelines at 1 000 000 clients, where reading them all
    from the place index to keep the first 25 took 7 ms. Otherwise the name index."""
    pairs = list(dict.fromkeys((advisor, department) for advisor in criteria["advisor_id"]
                               for department in criteria["department"]))
    if not pairs or len(pairs) > PAIR_WALKS:
        return (selected(select(Client.id), criteria).order_by(Client.name_key, Client.id)
                .limit(size).offset(start))
    walks = union_all(*(select(_pair_walk(criteria, advisor, department, start + size)
                               .subquery()) for advisor, department in pairs)).subquery()
    return (select(walks.c.id).order_by(walks.c.name_key, walks.c.id)
            .limit(size).offset(start))


def _pair_walk(criteria: Criteria, advisor: int, department: str, end: int) -> Select:
    """The first ``end`` clients by name of one advisor in one département (its key on the
    index; Corsica's and overseas' own postal code starts checked besides)."""
    key, whole = department_key(department)
    kept = (criteria.with_values("advisor_id", (advisor,))
            .with_values("department", () if whole else (department,)))
    on_key = DEPARTMENT_KEY == key  # noqa: SIM300 - an SQL expression, the index's side
    return (selected(select(Client.id, Client.name_key), kept).where(on_key)
            .order_by(Client.name_key, Client.id).limit(end))


def count(criteria: Criteria, ticked: tuple[int, ...] = (), user: User | None = None) -> int:
    """The exact number of clients an action takes."""
    inner = selected(select(Client.id), criteria, ticked, user).subquery()
    return db.session.scalar(select(func.count()).select_from(inner))


@dataclass(frozen=True)
class ExportRow:
    last_name: str
    first_name: str
    email: str | None
    phone: str | None
    postal_code: str | None
    city: str | None
    language: str
    branch: str | None
    advisor: str | None
    created_at: object
    accounts: object  # the sum of the accounts' amounts (Decimal or None)


def export_rows(criteria: Criteria, ticked: tuple[int, ...] = ()) -> Iterator[ExportRow]:
    """The result's rows for the export, read from the database in batches of 1 000 as
    the file streams (one query, accounts summed in SQL)."""
    totals = (select(Account.client_id, func.sum(Account.amount).label("total"))
              .group_by(Account.client_id).subquery())
    stmt = (selected(select(Client.last_name, Client.first_name, Client.email, Client.phone,
                            Client.postal_code, Client.city, Client.language,
                            Branch.name, User.name, Client.created_at, totals.c.total),
                     criteria, ticked)
            .outerjoin(Branch, Branch.id == Client.branch_id)
            .outerjoin(User, User.id == Client.advisor_id)
            .outerjoin(totals, totals.c.client_id == Client.id)
            .order_by(Client.name_key, Client.id)
            .execution_options(yield_per=1000))
    # The statement is built now, in the request (the viewer's scope); it runs when the
    # file starts streaming, after the request's commit: a PostgreSQL server-side cursor
    # opened in the request would be closed by that commit.
    return _streamed(stmt)


def _streamed(stmt) -> Iterator[ExportRow]:
    for row in db.session.execute(stmt):
        yield ExportRow(*row)


def visible_queries(user: User) -> list[SavedQuery]:
    """« Mes requêtes »: one's own, then those shared with one's team, by name."""
    return db.session.scalars(
        scoped(select(SavedQuery), SavedQuery, user)
        .options(selectinload(SavedQuery.owner), selectinload(SavedQuery.team))
        .order_by((SavedQuery.owner_id != user.id), SavedQuery.name, SavedQuery.id)).all()


def team_choices() -> list[tuple[int, str]]:
    """The teams the viewer sees, in hierarchy order."""
    return db.session.execute(scoped(select(Team.id, Team.name), Team)
                              .order_by(Team.path)).all()


def stage_choices() -> list[tuple[int, str]]:
    from webapp.opportunities.models import Stage  # the domains import clients

    return db.session.execute(select(Stage.id, Stage.name).order_by(Stage.position,
                                                                    Stage.id)).all()


def operation_choices() -> list[tuple[int, str]]:
    from webapp.operations.models import Operation

    return db.session.execute(scoped(select(Operation.id, Operation.name), Operation)
                              .order_by(Operation.archived, Operation.position,
                                        Operation.id)).all()


def product_choices() -> list[str]:
    """The kinds of accounts held (the first ones, by name): from one kind to the next
    through the index on ``account.product``, one seek each (a recursive query: neither
    engine skips through an index for a DISTINCT; it read all 500 000 accounts of the
    1 000 000-client demo, 70 ms on PostgreSQL)."""
    first = select(func.min(Account.product).label("product")).cte("kinds", recursive=True)
    after = select(func.min(Account.product)).where(Account.product > first.c.product)
    kinds = first.union_all(select(after.scalar_subquery())
                            .where(first.c.product.is_not(None)))
    return db.session.scalars(select(kinds.c.product).where(kinds.c.product.is_not(None))
                              .limit(PRODUCTS_OFFERED)).all()


def operations_to_add(user: User) -> list:
    """The open operations ``user`` may add clients to: all of them with the right to
    manage operations; else those they run, and those they take part in (a share, or
    clients of theirs in it), where they add their own clients."""
    from webapp.operations.models import AdvisorObjective, Operation, Target

    stmt = scoped(select(Operation), Operation, user).where(Operation.archived.is_(False))
    if not user.manage_operations:
        stmt = stmt.where(
            (Operation.created_by_id == user.id) | (Operation.responsible_id == user.id)
            | Operation.id.in_(select(AdvisorObjective.operation_id)
                               .where(AdvisorObjective.advisor_id == user.id))
            | Operation.id.in_(select(Target.operation_id).where(Target.advisor_id == user.id)))
    return db.session.scalars(stmt.order_by(Operation.position, Operation.id)).all()


def list_page(criteria: Criteria, number: int = 1) -> Page:
    """The client list's page: a plain search (a name typed, at most one branch, advisor
    and language) keeps the search's ranking; any other query is read by name."""
    plain = criteria.names <= {"q", "branch_id", "advisor_id", "language"} and all(
        len(values) == 1 for _, values in criteria.values)
    if plain and criteria["q"]:
        filters = Filters(q=criteria.first("q"), branch_id=criteria.first("branch_id", 0),
                          advisor_id=criteria.first("advisor_id", 0),
                          language=criteria.first("language", ""))
        return client_page(filters, number)
    return result_page(criteria, number)


def visible_query(query_id: int | None) -> SavedQuery | None:
    """The saved query being run (``?saved=``), if the viewer sees it."""
    if not query_id:
        return None
    return db.session.scalar(scoped(select(SavedQuery), SavedQuery)
                             .where(SavedQuery.id == query_id))
