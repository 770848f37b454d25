"""Ids in URLs and query strings, bounded: a number no row can have is a 404 (or the
filter's default), never a database error (SQLite stops at 2^63, PostgreSQL's integer
columns at 2^31)."""

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's INTEGER, the ids' type


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` in every route: at most ``MAX_ID`` (a larger one matches no route)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def id_param(text: str) -> int:
    """A query-string id or page number (``request.args.get(name, 0, type=id_param)``):
    a ValueError, hence the default, unless it is a number from 0 to ``MAX_ID``."""
    value = int(text)
    if not 0 <= value <= MAX_ID:
        raise ValueError(text)
    return value


def init_app(app) -> None:
    """Before the blueprints: their rules take the converter when they are added."""
    app.url_map.converters["int"] = BoundedIntConverter
