"""The demo's bulk load: many rows of one table at once, as Core's ``insert`` would bind
them (each column type's bind processing, the Python-side defaults), through PostgreSQL's
COPY — about five times faster than an INSERT per row there, a million clients and as
many opportunities — and an executemany on SQLite.

Rows are plain dicts with the same keys; a column missing from them gets its Python
default (computed once for the batch), or else its server default.
"""

from sqlalchemy import Column, Table, insert

from webapp.extensions import db


def insert_rows(table: Table, rows: list[dict]) -> None:
    """Insert ``rows`` into ``table`` in the session's transaction."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    given = [table.c[name] for name in rows[0]]
    defaulted = {column: _default(column) for column in table.c
                 if column.key not in rows[0] and _has_python_default(column)}
    columns = given + list(defaulted)
    dialect = connection.dialect
    processors = [column.type._cached_bind_processor(dialect) for column in columns]
    preparer = dialect.identifier_preparer
    names = ", ".join(preparer.quote(column.name) for column in columns)
    constants = list(defaulted.values())
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(
            f"COPY {preparer.format_table(table)} ({names}) FROM STDIN") as copy:
        for row in rows:
            values = [row[column.key] for column in given] + constants
            copy.write_row([value if process is None or value is None else process(value)
                            for value, process in zip(values, processors, strict=True)])


def _has_python_default(column: Column) -> bool:
    return column.default is not None and not column.primary_key and (
        column.default.is_scalar or column.default.is_callable)


def _default(column: Column):
    default = column.default
    return default.arg if default.is_scalar else default.arg(None)
