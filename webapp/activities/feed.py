"""The client's activity feed: one chronological list of everything that happened around
a client, built from the sources each domain registers.

A source gives, for one client id, a SELECT of three labelled columns — ``at`` (an aware
UTC instant, ``UTCDateTime``), ``title`` (a short French text) and ``ref_id`` (the id the
link is built from) — and the endpoint its rows link to (``url_for(endpoint, id=ref_id)``
unless ``link`` is given). The feed unions the sources' SELECTs in SQL, newest first,
one page at a time."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from sqlalchemy import Select, String, literal, select, union_all

from webapp.extensions import db
from webapp.pagination import Page, count_capped, page_number, page_size


@dataclass(frozen=True)
class Source:
    kind: str  # "task", "appointment", "complaint", …
    label: str  # « Tâche », « Rendez-vous », « Réclamation », …
    rows: Callable[[int], Select]  # client id -> SELECT at, title, ref_id
    endpoint: str  # the row's link: url_for(endpoint, id=ref_id)
    link: Callable[[int], str] | None = None  # or a link built from ref_id


SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    """Add a kind to the feed (once per kind)."""
    SOURCES[source.kind] = source
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


def feed_select(client_id: int, kind: str | None = None) -> Select:
    """The union of the sources' SELECTs (one kind, or all), newest first."""
    sources = [SOURCES[kind]] if kind in SOURCES else list(SOURCES.values())
    parts = [s.rows(client_id).add_columns(literal(s.kind, String(20)).label("kind"))
             for s in sources]
    union = union_all(*parts).subquery("feed")
    return select(union.c.at, union.c.title, union.c.ref_id, union.c.kind).order_by(
        union.c.at.desc(), union.c.kind, union.c.ref_id.desc())


def link_of(source: Source, ref_id: int) -> str:
    return source.link(ref_id) if source.link else url_for(source.endpoint, id=ref_id)


def feed_page(client_id: int, number: int = 1, kind: str | None = None,
              size: int | None = None) -> Page:
    """One page of the client's feed, each row with its label and link."""
    size = size or page_size()
    number = page_number(number)
    stmt = feed_select(client_id, kind)
    rows = db.session.execute(stmt.limit(size).offset((number - 1) * size)).all()
    items = [Entry(r.kind, SOURCES[r.kind].label, r.at, r.title or "", link_of(
        SOURCES[r.kind], r.ref_id)) for r in rows]
    return Page(items=items, number=number, size=size, total=count_capped(stmt))


def all_entries(client_id: int) -> list[Entry]:
    """Every entry of the client's feed (the client's data export)."""
    rows = db.session.execute(feed_select(client_id)).all()
    return [Entry(r.kind, SOURCES[r.kind].label, r.at, r.title or "", "") for r in rows]
