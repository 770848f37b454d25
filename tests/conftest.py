"""Fixtures: an app on a fresh database per test (SQLite file, or PostgreSQL when
DATABASE_URL is set), a logged-in client helper, the SMTP sink; the factories that return
callables live per domain in ``tests/fixtures/``."""

import atexit
import gc
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import g
from flask_login import FlaskLoginClient
from sqlalchemy import create_engine, exists, select, text
from sqlalchemy.exc import DBAPIError

from webapp import create_app
from webapp.auth.services import open_session
from webapp.backoffice.defaults import ensure_defaults as ensure_backoffice_defaults
from webapp.extensions import db
from webapp.operations.defaults import ensure_defaults
from webapp.opportunities.defaults import ensure_defaults as ensure_opportunity_defaults
from webapp.routing.defaults import ensure_defaults as ensure_routing_defaults

pytest_plugins = [
    "tests.fixtures.people",
    "tests.fixtures.clients",
    "tests.fixtures.operations",
    "tests.fixtures.backoffice",
    "tests.fixtures.opportunities",
    "tests.fixtures.proposals",
    "tests.fixtures.activities",
    "tests.fixtures.activities_sales",
    "tests.fixtures.selection",
    "tests.fixtures.routing",
    "tests.fixtures.visits",
]

PG_URL = os.environ.get("DATABASE_URL", "")
PASSWORD = "correct horse battery"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def pg_schema():
    """On PostgreSQL, one schema for this test run, so runs do not collide."""
    if not PG_URL.startswith("postgresql"):
        yield None
        return
    schema = f"test_{uuid.uuid4().hex[:10]}"
    engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield schema
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}_defaults" CASCADE'))
    engine.dispose()


def make_config(tmp_path, pg_schema, **extra) -> dict:
    config = {
        "TESTING": True,
        "STRICT_TEMPLATES": True,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Real argon2, with its cheapest parameters: the suite hashes hundreds of passwords.
        "PASSWORD_HASH_PROFILE": "CHEAPEST",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
    }
    config["DATABASE_URL"] = database_url(tmp_path, pg_schema)
    return {**config, **extra}


def database_url(tmp_path, pg_schema) -> str:
    """The test database as one URL (the PostgreSQL schema rides in it), so that worker
    subprocesses and servers reach the same database as the test."""
    if pg_schema:
        separator = "&" if "?" in PG_URL else "?"
        return f"{PG_URL}{separator}options=-csearch_path%3D{pg_schema}"
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


def _reuse_url_builders() -> None:
    """Werkzeug compiles each rule's URL builder from a Python syntax tree when an app
    registers it: 90 % of ``create_app`` (221 rules, ~55 ms), paid again by every test's
    app for the same rules. The builder is a plain function of the rule's text, trace and
    defaults, bound to its rule afterwards (it reads the converters through ``self``), so
    the run compiles each one once. Test-only: a server builds its app once."""
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    builders: dict = {}

    def reused(rule, append_unknown=True):
        defaults = rule.defaults or {}
        key = (rule.rule, tuple(rule._trace), append_unknown,
               tuple((name, repr(value), type(rule._converters.get(name)))
                     for name, value in defaults.items()))
        if key not in builders:
            builders[key] = compile_builder(rule, append_unknown)
        return builders[key]

    Rule._compile_builder = reused


_reuse_url_builders()


def pytest_collection_finish(session):
    """Every module is imported: freeze what they hold out of the garbage collector's
    full passes (as gunicorn.conf.py does for a worker), which otherwise scan them again
    and again as the tests' apps come and go."""
    gc.collect()
    gc.freeze()


_SQLITE_TEMPLATE = Path(tempfile.mkdtemp(prefix="pilote-tests-")) / "empty.sqlite"
atexit.register(shutil.rmtree, _SQLITE_TEMPLATE.parent, True)


def _empty_database(truncate: bool = False) -> None:
    """Each test starts from an empty schema holding the default data the migrations
    insert. SQLite: a copy of the run's first such file (building it costs 60 ms a test).
    PostgreSQL: the run's schema is built once, then brought back by one round trip of
    its ``_Reset``; a test that dropped or changed the tables makes the next one rebuild
    them."""
    if db.engine.dialect.name == "sqlite":
        _sqlite_from_template(Path(db.engine.url.database))
        return
    url = db.engine.url.render_as_string()
    if url in _RESETS:
        try:
            db.session.execute(text(_RESETS[url].statement(truncate)))
            db.session.commit()
            return
        except DBAPIError:
            db.session.rollback()
            del _RESETS[url]
    db.drop_all()
    db.create_all()
    _defaults()
    _RESETS[url] = _Reset.kept()


def _sqlite_from_template(path: Path) -> None:
    """The test's SQLite file: the template copied (nothing has opened it yet), or built
    and kept as the template (the engine closed first: the file is then whole)."""
    if _SQLITE_TEMPLATE.exists():
        shutil.copyfile(_SQLITE_TEMPLATE, path)
        return
    db.drop_all()
    db.create_all()
    _defaults()
    db.session.remove()
    db.engine.dispose()
    shutil.copyfile(path, _SQLITE_TEMPLATE)


def _defaults() -> None:
    ensure_defaults()
    ensure_opportunity_defaults()
    ensure_backoffice_defaults()
    ensure_routing_defaults()
    db.session.commit()


@dataclass(frozen=True)
class _Reset:
    """How the run's PostgreSQL schema comes back to its state after the defaults: every
    table emptied (children first), the default rows copied back from a sibling schema
    where they were kept when it was built, the ids restarted after them.

    The tables are emptied by DELETE (a TRUNCATE creates new files for each table: 100 ms
    a test); the tests that read query plans (marker ``plans``) truncate instead, so that
    no deleted row weighs in the planner's estimates."""

    tables: tuple[str, ...]
    defaults: tuple[str, ...]
    copies: str
    sequences: tuple[str, ...]

    @classmethod
    def kept(cls) -> "_Reset":
        """Keep the default rows the schema now holds, and say how to restore them."""
        tables = db.metadata.sorted_tables
        copies = db.session.scalar(text("SELECT current_schema()")) + "_defaults"
        defaults = tuple(table.name for table in tables
                         if db.session.scalar(select(exists().select_from(table))))
        db.session.execute(text(f'DROP SCHEMA IF EXISTS "{copies}" CASCADE'))
        db.session.execute(text(f'CREATE SCHEMA "{copies}"'))
        for name in defaults:
            db.session.execute(text(f'CREATE TABLE "{copies}"."{name}" AS TABLE "{name}"'))
        db.session.commit()
        sequences = tuple(
            f"setval(pg_get_serial_sequence('\"{table.name}\"', '{column.name}'), "
            f'COALESCE((SELECT max("{column.name}") FROM "{table.name}"), 0) + 1, false)'
            for table in tables for column in table.primary_key.columns
            if column.autoincrement is True or (
                column.autoincrement == "auto" and len(table.primary_key.columns) == 1
                and column.type.python_type is int))
        return cls(tuple(table.name for table in reversed(tables)), defaults, copies,
                   sequences)

    def statement(self, truncate: bool) -> str:
        quoted = [f'"{name}"' for name in self.tables]
        emptying = ([f"TRUNCATE {', '.join(quoted)}"] if truncate
                    else [f"DELETE FROM {name}" for name in quoted])
        refill = [f'INSERT INTO "{name}" SELECT * FROM "{self.copies}"."{name}"'
                  for name in self.defaults]
        return "; ".join([*emptying, *refill, "SELECT " + ", ".join(self.sequences)])


_RESETS: dict[str, _Reset] = {}  # the PostgreSQL schemas this run has built


@pytest.fixture
def app_config(tmp_path, pg_schema):
    return make_config(tmp_path, pg_schema)


@pytest.fixture
def app(app_config, request):
    app = create_app(app_config)
    app.test_client_class = FlaskLoginClient

    def _fresh_request_globals():
        # The test keeps one app context open, so `g` would outlive a request: forget
        # the user Flask-Login cached for the previous request, as a new context would
        # (first of the hooks: the idempotency hook reads the user).
        g.pop("_login_user", None)
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_globals)
    with app.app_context():
        _empty_database(truncate=request.node.get_closest_marker("plans") is not None)
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login(app):
    """``login(user)`` returns a test client whose requests are made as ``user``."""

    def make(user):
        open_session(user, "pytest", "127.0.0.1")  # the login's session (« Mes sessions »)
        db.session.commit()
        return app.test_client(user=user)

    return make


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium",
            "args": CHROMIUM_ARGS}


class SmtpSink:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) keeping every message it accepts."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list = []
        self.controller = Controller(self, hostname="127.0.0.1", port=_free_port())
        self.controller.start()
        self.port = self.controller.port

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        import email
        from email import policy

        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]

    def stop(self):
        self.controller.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_sink(app):
    sink = SmtpSink()
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port)
    yield sink
    sink.stop()


