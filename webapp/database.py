"""Engine-level settings: SQLite pragmas, shared column types."""

from sqlalchemy import Engine, String, and_, event, text


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL for concurrent readers, enforced foreign keys, wait instead of failing on locks."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def search_key_type(length: int):
    """A column for normalised search keys that a `LIKE 'prefix%'` can read by index.

    SQLite's LIKE optimisation needs a NOCASE column; PostgreSQL's needs the C collation.
    """
    return (
        String(length)
        .with_variant(String(length, collation="NOCASE"), "sqlite")
        .with_variant(String(length, collation="C"), "postgresql")
    )


def starts_with(column, prefix: str):
    """`column` starts with `prefix`, as an index range (`>= 'rou' AND < 'rov'`).

    Unlike `LIKE 'rou%'`, a range reads the index on both engines with a bound parameter.
    """
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(column >= prefix, column < upper)


def analyze(session) -> None:
    """Refresh the planner's statistics after a bulk load (the search plans depend on them)."""
    session.execute(text("ANALYZE"))
