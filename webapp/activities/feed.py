"""The client's activity feed: one chronological list of everything that happened around
a client, built from the sources each domain registers.

A source gives, for one client id, a SELECT of three labelled columns — ``at`` (an aware
UTC instant, ``UTCDateTime``), ``title`` (a short French text) and ``ref_id`` (the id the
link is built from) — and the endpoint its rows link to (``url_for(endpoint, id=ref_id)``
unless ``link`` is given). The feed unions the sources' SELECTs in SQL, newest first,
one page at a time.

``rows`` is called once per kind with a bound parameter standing for the client id
(``bindparam("client_id")``), and the union is kept: build the SELECT from it (compare a
column with it), never compute with it in Python."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from sqlalchemy import Integer, Select, String, bindparam, literal, select, union_all

from webapp.extensions import db
from webapp.pagination import Page, page_number, page_size

MAX_PAGE = 10_000  # a page further back than any client's history is merely empty


@dataclass(frozen=True)
class Source:
    kind: str  # "task", "appointment", "complaint", …
    label: str  # « Tâche », « Rendez-vous », « Réclamation », …
    rows: Callable[[int], Select]  # client id -> SELECT at, title, ref_id
    endpoint: str  # the row's link: url_for(endpoint, id=ref_id)
    link: Callable[[int], str] | None = None  # or a link built from ref_id


SOURCES: dict[str, Source] = {}
_BUILT: dict[str | None, Select] = {}  # the union per kind filter (None: all kinds)
CLIENT = bindparam("client_id", type_=Integer)
FIRST = bindparam("first", type_=Integer)


def register(source: Source) -> Source:
    """Add a kind to the feed (once per kind)."""
    SOURCES[source.kind] = source
    _BUILT.clear()
    return source


@dataclass(frozen=True)
class Entry:
    """One line of the feed."""

    kind: str
    label: str
    at: datetime
    title: str
    url: str


def kinds() -> list[tuple[str, str]]:
    """The registered kinds and their labels, in the order shown by the filter."""
    return sorted(((s.kind, s.label) for s in SOURCES.values()), key=lambda pair: pair[1])


def feed_select(kind: str | None = None) -> Select:
    """The union of the sources' SELECTs (one kind, or all), newest first, for the
    parameters ``client_id`` and ``first``: each source gives only its ``first`` newest
    rows (on its own index) before the union sorts them, so a page never sorts the
    client's whole history. Built once per kind (SQLAlchemy then caches its SQL)."""
    kind = kind if kind in SOURCES else None
    if kind not in _BUILT:
        sources = [SOURCES[kind]] if kind else list(SOURCES.values())
        parts = []
        for source in sources:
            rows = source.rows(CLIENT)
            newest = rows.order_by(rows.selected_columns.at.desc()).limit(FIRST).subquery()
            parts.append(select(newest.c.at, newest.c.title, newest.c.ref_id,
                                literal(source.kind, String(20)).label("kind")))
        union = union_all(*parts).subquery("feed")
        _BUILT[kind] = select(union.c.at, union.c.title, union.c.ref_id, union.c.kind).order_by(
            union.c.at.desc(), union.c.kind, union.c.ref_id.desc())
    return _BUILT[kind]


def link_of(source: Source, ref_id: int) -> str:
    return source.link(ref_id) if source.link else url_for(source.endpoint, id=ref_id)


def feed_page(client_id: int, number: int = 1, kind: str | None = None,
              size: int | None = None) -> Page:
    """One page of the client's feed, each row with its label and link. No count: one
    row more than the page tells whether a next page exists (the pager then says « Page
    N » without « sur … », as for a capped count)."""
    size = size or page_size()
    number = min(page_number(number), MAX_PAGE)
    offset = (number - 1) * size
    stmt = feed_select(kind).limit(size + 1).offset(offset)
    rows = db.session.execute(stmt, {"client_id": client_id, "first": offset + size + 1}).all()
    items = [Entry(r.kind, SOURCES[r.kind].label, r.at, r.title or "", link_of(
        SOURCES[r.kind], r.ref_id)) for r in rows[:size]]
    total = offset + len(rows)
    more = len(rows) > size
    return Page(items=items, number=number, size=size, total=total,
                cap=total - 2 if more else total)


def all_entries(client_id: int) -> list[Entry]:
    """Every entry of the client's feed (the client's data export)."""
    rows = db.session.execute(feed_select(), {"client_id": client_id,
                                              "first": MAX_PAGE * 100}).all()
    return [Entry(r.kind, SOURCES[r.kind].label, r.at, r.title or "", "") for r in rows]
