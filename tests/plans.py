"""The query plan of a statement on the test's engine, for the tests marked ``plans``."""

from sqlalchemy import text
from sqlalchemy.dialects import postgresql, sqlite

from webapp.extensions import db


def plan_of(stmt) -> str:
    """SQLite's EXPLAIN QUERY PLAN or PostgreSQL's EXPLAIN of ``stmt``, its lines joined by
    `` | ``. On PostgreSQL a test's few rows make a table or bitmap scan the cheaper plan:
    both are ruled out for the transaction, so that the plan shows whether the ordered
    index exists and serves."""
    pg = db.engine.dialect.name == "postgresql"
    sql = str(stmt.compile(dialect=postgresql.dialect() if pg else sqlite.dialect(),
                           compile_kwargs={"literal_binds": True}))
    if pg:
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        db.session.execute(text("SET LOCAL enable_bitmapscan = off"))
    explain = "EXPLAIN " if pg else "EXPLAIN QUERY PLAN "
    return " | ".join(str(row[-1]) for row in db.session.execute(text(explain + sql)))
