"""Engine-level settings: SQLite pragmas, shared column types."""

import unicodedata
from datetime import UTC, datetime

from sqlalchemy import (
    DateTime,
    Engine,
    String,
    TypeDecorator,
    and_,
    any_,
    event,
    literal,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

# The French collation: SQLite gets ours (below), PostgreSQL has ICU's.
FRENCH = "french"
FRENCH_PG = "fr-x-icu"


def french_key(text: str | None) -> tuple[str, str]:
    """The French sort key of a name: case and accents ignored first (« Édouard » between
    « Denis » and « Fanny »), then the exact text, so that the order is total."""
    text = text or ""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text.casefold())
                     if not unicodedata.combining(c))
    return folded, text


def _french_collation(left: str, right: str) -> int:
    a, b = french_key(left), french_key(right)
    return (a > b) - (a < b)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL for concurrent readers, enforced foreign keys, wait instead of failing on locks;
    the French collation (``french_order``)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        dbapi_connection.create_collation(FRENCH, _french_collation)


class _FrenchOrder(ColumnElement):
    """``column`` compared the French way (see ``french_order``)."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column):
        self.column = column
        self.type = column.type


@compiles(_FrenchOrder)
def _french_sqlite(element, compiler, **kw):
    return f"{compiler.process(element.column, **kw)} COLLATE {FRENCH}"


@compiles(_FrenchOrder, "postgresql")
def _french_postgresql(element, compiler, **kw):
    return f'{compiler.process(element.column, **kw)} COLLATE "{FRENCH_PG}"'


def french_order(column):
    """``column`` for an ORDER BY in French order on both engines: « Édouard » before
    « Thomas », « de Gaulle » beside « Dupont » (SQLite: our collation, PostgreSQL: ICU's).
    For short lists (people, teams, branches); a big list sorts on an indexed search key
    instead (the client list: ``Client.name_key``)."""
    return _FrenchOrder(column)


class UTCDateTime(TypeDecorator):
    """An instant, stored in UTC and read back aware (UTC) on both engines.

    The one storage rule for date-times: aware UTC in the database, shown in the app's time
    zone (``formatting.moment``, ``clock``). PostgreSQL keeps a ``timestamptz``; SQLite, which
    has no time zone, keeps the UTC wall time and gets its zone back here. A naive value
    written is taken as UTC (what both engines did with it before this type).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def search_key_type(length: int):
    """A column for normalised search keys that a `LIKE 'prefix%'` can read by index.

    SQLite's LIKE optimisation needs a NOCASE column; PostgreSQL's needs the C collation.
    """
    return (
        String(length)
        .with_variant(String(length, collation="NOCASE"), "sqlite")
        .with_variant(String(length, collation="C"), "postgresql")
    )


def among(column, values: list, dialect: str):
    """``column IN values`` for a long list (a manager's people, the ids or stock numbers
    of a board's cards): on PostgreSQL ``= ANY`` of one array parameter, whose SQL is the
    same whatever the list, since rendering and parsing hundreds of expanded parameters
    cost more than the query takes to run; SQLite's IN elsewhere."""
    if dialect == "postgresql":
        return column == any_(literal(list(values), ARRAY(column.type)))
    return column.in_(values)


def starts_with(column, prefix: str):
    """`column` starts with `prefix`, as an index range (`>= 'rou' AND < 'rov'`).

    Unlike `LIKE 'rou%'`, a range reads the index on both engines with a bound parameter.
    """
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(column >= prefix, column < upper)


def reading_every_row(session) -> None:
    """The transaction's next cursor is read to its end (an export streamed in chunks): on
    PostgreSQL, plan it for every row, not for the first tenth as a cursor is by default.
    The Gestion export in name order then hashes its 20 000 targets' clients and sorts
    them (300 ms at 1 000 000 clients) instead of walking the whole client name index
    for a first row sooner (980 ms)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL cursor_tuple_fraction = 1"))


def analyze(session) -> None:
    """Refresh the planner's statistics after a bulk load (the search plans depend on them).

    On PostgreSQL also VACUUM our tables (outside the transaction, which the caller has
    committed): the visibility map lets counts and sums per kanban column come from the
    indexes alone (index-only scans), 35–88 ms → 10 ms right after a 100 000-row load."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        session.execute(text("ANALYZE"))
        return
    from webapp.extensions import db

    session.commit()
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"VACUUM ANALYZE {tables}"))
