"""Log slow requests with their SQL query count (QUALITY.md: the app logs slow requests)."""

import logging
import time

from flask import g, request
from sqlalchemy import event

from webapp.extensions import db

log = logging.getLogger("pilote.slow")


def _count_query(*_args, **_kwargs):
    if g:
        g.sql_queries = g.get("sql_queries", 0) + 1


def init_app(app) -> None:
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", _count_query)

    @app.before_request
    def _start():
        g.started = time.perf_counter()
        g.sql_queries = 0

    @app.after_request
    def _finish(response):
        elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        response.headers["X-Queries"] = str(g.get("sql_queries", 0))
        if elapsed_ms > app.config["SLOW_REQUEST_MS"]:
            log.warning("slow request %s %s: %.0f ms, %s queries", request.method,
                        request.full_path, elapsed_ms, g.get("sql_queries", 0))
        return response
