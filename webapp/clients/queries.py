"""Read queries on client files: the list and the search as you type.

The search ranks matches: last name first, then first name, e-mail, phones; each rank is
read from its own index in key order, so a page costs a few short index walks whatever
the size of the client book.
"""

from dataclasses import dataclass

from flask_login import current_user
from sqlalchemy import Select, func, literal, or_, select, union, union_all
from sqlalchemy.orm import selectinload

from webapp.auth.models import Access
from webapp.auth.scope import scoped, users_under
from webapp.clients.models import Client
from webapp.clients.rules import phone_query_key, search_key
from webapp.database import starts_with
from webapp.extensions import db
from webapp.pagination import Page, page_size, paginate

MAX_SEARCH_PAGE = 40
# A search as you type counts its matches up to here ("plus de 200 clients"): a two-letter
# prefix can match thousands, and counting them all would cost more than finding a page.
SEARCH_COUNT_CAP = 200


@dataclass(frozen=True)
class Filters:
    q: str = ""
    branch_id: int = 0
    advisor_id: int = 0
    language: str = ""

    def as_args(self) -> dict:
        """The filters that are set, as URL arguments."""
        return {k: v for k, v in vars(self).items() if v}


def search_keys(q: str) -> list[tuple[object, str]]:
    """(indexed column, prefix) pairs a query means, in rank order."""
    text = search_key(q)
    if not text:
        return []
    keys = [(Client.name_key, text), (Client.name_key_rev, text),
            (Client.email_key, q.strip().lower())]
    digits = phone_query_key(q)
    if digits:
        keys += [(Client.phone_key, digits), (Client.phone2_key, digits)]
    return keys


def walk_scope(user=None):
    """The viewer's scope on clients as the condition a key walk checks on each entry,
    or None when ``scoped`` is as good (everyone, or one advisor: their own index).

    A manager's scope (« my team's advisors, or none ») is an OR of index lookups: SQLite
    then reads every matching key of every advisor and sorts them (a prefix such as
    « mich » grows with the book). Asked as one expression on the advisor, it cannot use
    an index of its own, so both engines walk the key index in (key, id) order and stop
    at the page: about page / (share of the book the manager sees) entries."""
    user = user or current_user
    if user.role.client_access != Access.TEAM:
        return None
    people = list(db.session.scalars(users_under(user)))
    return func.coalesce(Client.advisor_id, 0).in_([0, *people])


def _visible(stmt: Select, filters: Filters, scope=None) -> Select:
    """``stmt`` restricted to the viewer's scope (``scope``: ``walk_scope``'s, the same
    rows) and the list filters."""
    stmt = stmt.where(scope) if scope is not None else scoped(stmt, Client)
    if filters.branch_id:
        stmt = stmt.where(Client.branch_id == filters.branch_id)
    if filters.advisor_id:
        stmt = stmt.where(Client.advisor_id == filters.advisor_id)
    if filters.language:
        stmt = stmt.where(Client.language == filters.language)
    return stmt


def matching(stmt: Select, filters: Filters, scope=None) -> Select:
    """``stmt`` restricted to every client the filters match, query included (not ranked:
    for counts and for acting on a query's result, e.g. adding it to an operation)."""
    stmt = _visible(stmt, filters, scope)
    if not filters.q:
        return stmt
    keys = search_keys(filters.q)
    if not keys:
        return stmt.where(Client.id.is_(None))
    return stmt.where(or_(*(starts_with(column, prefix) for column, prefix in keys)))


def _load(ids: list[int]) -> list[Client]:
    """Clients by id, in the given order, with their advisor (no query per row)."""
    if not ids:
        return []
    rows = db.session.scalars(select(Client).where(Client.id.in_(ids))
                              .options(selectinload(Client.advisor))).all()
    by_id = {c.id: c for c in rows}
    return [by_id[i] for i in ids]


def _rank_walk(column, prefix: str, filters: Filters, scope, limit: int, *extra) -> Select:
    """One rank's walk: its key index from ``prefix`` on, in (key, id) order, the scope
    and filters checked on the way, stopped after ``limit`` clients (their id, ``extra``)."""
    return (_visible(select(Client.id, *extra).where(starts_with(column, prefix)), filters,
                     scope).order_by(column, Client.id).limit(limit))


def _ranked_ids(keys, filters: Filters, needed: int, scope=None) -> list[int]:
    """The first ``needed`` matching ids: by rank, then key order, without duplicates."""
    ranks = [select(_rank_walk(column, prefix, filters, scope, needed,
                               literal(rank).label("rank"), column.label("sort_key"))
                    .subquery())
             for rank, (column, prefix) in enumerate(keys)]
    rows = db.session.execute(union_all(*ranks)).all()
    seen: dict[int, None] = {}
    for row in sorted(rows, key=lambda r: (r.rank, r.sort_key, r.id)):
        seen.setdefault(row.id)
    return list(seen)


def _total(keys, filters: Filters, scope=None) -> int:
    """How many clients match, counted no further than SEARCH_COUNT_CAP + 1: each rank's
    walk stops after that many entries (in its index, the scope checked there), and
    their ids are merged. One count over every key's matches (a BitmapOr reading each
    matching entry, then their rows) grew with the book: 8 ms for « char » at 1 000 000
    clients. The same figure: a rank that reaches the cap makes the total exceed it."""
    walks = [select(_rank_walk(column, prefix, filters, scope, SEARCH_COUNT_CAP + 1)
                    .subquery())
             for column, prefix in keys]
    merged = union(*walks).subquery()
    return min(db.session.scalar(select(func.count()).select_from(merged)),
               SEARCH_COUNT_CAP + 1)


def search_page(filters: Filters, number: int = 1, size: int | None = None,
                count: bool = True) -> Page:
    """One page of the clients matching ``filters.q``, ranked."""
    size = size or page_size()
    number = min(max(1, number), MAX_SEARCH_PAGE)
    keys = search_keys(filters.q)
    if not keys:
        return Page(items=[], number=1, size=size, total=0)
    scope = walk_scope()
    ids = _ranked_ids(keys, filters, number * size, scope)[(number - 1) * size:number * size]
    total = _total(keys, filters, scope) if count else len(ids)
    return Page(items=_load(ids), number=number, size=size, total=total, cap=SEARCH_COUNT_CAP)


def client_page(filters: Filters, number: int = 1) -> Page:
    """The client list: ranked search results when there is a query, else by name in
    French order (the indexed search key: case and accents folded, « Édouard » before
    « Thomas »)."""
    if filters.q:
        return search_page(filters, number)
    stmt = (_visible(select(Client), filters).options(selectinload(Client.advisor))
            .order_by(Client.name_key, Client.id))
    return paginate(stmt, number)
