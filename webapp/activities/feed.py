"""The client's activity feed: one chronological list of everything that happened around
a client, built from the sources each domain registers.

A source gives, for one client id, a SELECT of three labelled columns — ``at`` (an aware
UTC instant, ``UTCDateTime``), ``title`` (a short French text) and ``ref_id`` (the id the
link is built from) — and the endpoint its rows link to (``url_for(endpoint, id=ref_id)``
unless ``link`` is given). The feed unions the sources' SELECTs in SQL, newest first,
one page at a time."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Select


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
