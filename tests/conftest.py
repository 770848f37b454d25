"""Fixtures: an app on a fresh database per test (SQLite file, or PostgreSQL when
DATABASE_URL is set), factories that return callables, and a logged-in client helper."""

import os
import uuid

import pytest
from flask import g
from flask_login import FlaskLoginClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from webapp import clock, create_app
from webapp.auth.models import Access, Branch, Role, Team, User
from webapp.auth.services import place_team
from webapp.backoffice.defaults import ensure_defaults as ensure_backoffice_defaults
from webapp.clients.models import Client
from webapp.clients.rules import parse_phone
from webapp.clients.services import assign_advisor, set_phone
from webapp.extensions import db
from webapp.operations.defaults import ensure_defaults
from webapp.opportunities.defaults import ensure_defaults as ensure_opportunity_defaults

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


_BUILT: set[str] = set()  # the PostgreSQL schemas whose tables this run has created


def _empty_database():
    """Each test starts from an empty schema holding the default data the migrations
    insert. SQLite: a new file, its tables created. PostgreSQL: the run's schema is built
    once, then emptied by one TRUNCATE (ids restarted) per test, ten times faster than
    dropping and creating every table; a test that dropped or changed the tables makes the
    next one rebuild them."""
    url = db.engine.url.render_as_string()
    if url in _BUILT:
        tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        try:
            db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        except DBAPIError:
            db.session.rollback()
            _BUILT.discard(url)
    if url not in _BUILT:
        db.drop_all()
        db.create_all()
        if db.engine.dialect.name == "postgresql":
            _BUILT.add(url)
    ensure_defaults()
    ensure_opportunity_defaults()
    ensure_backoffice_defaults()
    db.session.commit()


@pytest.fixture
def app_config(tmp_path, pg_schema):
    return make_config(tmp_path, pg_schema)


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = FlaskLoginClient

    @app.before_request
    def _fresh_request_globals():
        # The test keeps one app context open, so `g` would outlive a request: forget
        # the user Flask-Login cached for the previous request, as a new context would.
        g.pop("_login_user", None)
    with app.app_context():
        _empty_database()
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
def make_team(app):
    def make(name="Agence Lyon", parent=None, key=None):
        team = Team(name=name, key=key)
        place_team(team, parent)
        db.session.commit()
        return team

    return make


@pytest.fixture
def make_user(make_team):
    counter = iter(range(1, 10_000))

    def make(role=Role.ADVISOR, team=None, name=None, email=None, password=PASSWORD,
             manage_operations=False, operations_access=Access.OWN, active=True):
        n = next(counter)
        user = User(email=email or f"user{n}@example.fr", name=name or f"Utilisateur {n}",
                    role=role, team=team, manage_operations=manage_operations,
                    operations_access=operations_access, active=active)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_branch(app):
    def make(name="Laval"):
        branch = Branch(name=name)
        db.session.add(branch)
        db.session.commit()
        return branch

    return make


@pytest.fixture
def make_client(app):
    def make(first_name="Anne", last_name="Roux", advisor=None, phone=None, email=None,
             **fields):
        client = Client(first_name=first_name, last_name=last_name, email=email, **fields)
        set_phone(client, "phone", parse_phone(phone) if phone else None)
        db.session.add(client)
        assign_advisor(client, advisor.id if advisor else None)
        db.session.commit()
        return client

    return make


@pytest.fixture
def org(make_team, make_user):
    """Two agencies under one region, a user of every role."""
    region = make_team("Région Ouest")
    lyon = make_team("Agence Lyon", parent=region)
    nantes = make_team("Agence Nantes", parent=region)
    users = {
        "admin": make_user(Role.ADMIN, name="Alice Admin", email="admin@example.fr"),
        "manager": make_user(Role.MANAGER, team=lyon, name="Claire Martin",
                             email="claire@example.fr", operations_access=Access.TEAM),
        "advisor": make_user(Role.ADVISOR, team=lyon, name="Marc Petit",
                             email="marc@example.fr"),
        "other_advisor": make_user(Role.ADVISOR, team=nantes, name="Léa Bernard",
                                   email="lea@example.fr"),
        "bdc_agent": make_user(Role.BDC_AGENT, team=region, name="Bruno Dubois",
                               email="bruno@example.fr"),
        "bo_assistant": make_user(Role.BO_ASSISTANT, team=region, name="Sophie Laurent",
                                  email="sophie@example.fr"),
    }
    return {"region": region, "lyon": lyon, "nantes": nantes, **users}


@pytest.fixture
def login(app):
    """``login(user)`` returns a test client whose requests are made as ``user``."""

    def make(user):
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


@pytest.fixture
def make_operation(app):
    """``make_operation(responsible, steps=[("Appel", "task", True, [("Vérifier", True)]),
    …], sale=3)``: an operation with its steps (name, kind, mandatory, actions) and its
    sale step (1-based position), running today unless dates are given."""
    from datetime import timedelta
    from decimal import Decimal

    from webapp.operations.models import Operation, Step, StepAction

    default_steps = [
        ("Appel de prise de contact", "task", True,
         [("Vérifier la fiche client", True), ("Préparer le rendez-vous", False)]),
        ("Rendez-vous de présentation", "meeting", True, []),
        ("Relance", "reminder", False, []),
        ("Signature", "task", True, [("Faire signer le bulletin", True)]),
    ]

    def make(responsible, name="Épargne retraite T1", steps=None, sale=None,
             objective="400000", start=None, end=None, **fields):
        today = clock.today()
        operation = Operation(
            name=name, responsible=responsible, created_by=responsible,
            objective=Decimal(objective) if objective else None,
            start=start or today - timedelta(days=10), end=end or today + timedelta(days=50),
            **fields)
        for position, (step_name, kind, mandatory, actions) in enumerate(
                steps or default_steps, 1):
            step = Step(name=step_name, kind=kind, mandatory=mandatory, position=position,
                        key=f"s{position}")
            step.actions = [StepAction(label=label, mandatory=required, position=i)
                            for i, (label, required) in enumerate(actions, 1)]
            operation.steps.append(step)
        db.session.add(operation)
        db.session.flush()
        operation.sale_step = operation.steps[(sale or len(operation.steps)) - 1]
        db.session.commit()
        return operation

    return make


@pytest.fixture
def make_target(app):
    """``make_target(operation, client, advisor=None, potential="50000")``."""
    from decimal import Decimal

    from webapp.operations.models import Target

    def make(operation, client, advisor=None, potential="50000", entry_date=None):
        target = Target(operation=operation, client=client,
                        advisor=advisor or client.advisor,
                        potential=Decimal(potential) if potential else None,
                        entry_date=entry_date or clock.today())
        db.session.add(target)
        db.session.commit()
        return target

    return make


@pytest.fixture
def make_bo_request(app):
    """``make_bo_request(author, client, "Cotation R1", to=[chris], copies=[david])``: a
    request to the BO as the intake form makes it (subject, first state, checklist)."""
    from datetime import timedelta

    from sqlalchemy import select

    from webapp.backoffice.models import BoRequest, Checklist, RequestRecipient, RequestType
    from webapp.backoffice.rules import subject, workflow

    def make(author, client, type_name="Demande de stats", label=None, deadline=None,
             state=None, assignee=None, to=(), copies=()):
        request_type = db.session.scalar(select(RequestType).where(
            RequestType.name == type_name))
        flow = workflow(request_type.workflow)
        state = state or flow.initial
        label = label or type_name
        request = BoRequest(
            type=request_type, client=client, label=label,
            subject=subject(client.full_name, label), state=state,
            closed=flow.state(state).closed, author=author, assignee=assignee,
            deadline=deadline or clock.today() + timedelta(days=7))
        request.recipients = ([RequestRecipient(user_id=u.id, copy=False) for u in to]
                              + [RequestRecipient(user_id=u.id, copy=True) for u in copies])
        if request_type.checklist:
            request.checklist = Checklist()
        db.session.add(request)
        db.session.commit()
        return request

    return make


@pytest.fixture
def route_type(app):
    """``route_type("Cotation R1", to=[chris], copies=[david])``: the matrix's people."""
    from sqlalchemy import select

    from webapp.backoffice.models import RequestType, RoutingEntry

    def route(type_name, to=(), copies=()):
        request_type = db.session.scalar(select(RequestType).where(
            RequestType.name == type_name))
        request_type.routes = ([RoutingEntry(user_id=u.id, copy=False) for u in to]
                               + [RoutingEntry(user_id=u.id, copy=True) for u in copies])
        db.session.commit()
        return request_type

    return route


@pytest.fixture
def make_opportunity(app):
    """``make_opportunity(client, stage="En traitement", type_name="Lead Internet",
    **fields)``: an opportunity named after its client (fields: owner=, amount=, …)."""
    from sqlalchemy import select

    from webapp.opportunities.models import Opportunity, OpportunityType, Stage

    def make(client, stage="En traitement", type_name="Lead Internet", **fields):
        opportunity = Opportunity(
            client=client, name=fields.pop("name", client.full_name),
            stage=db.session.scalar(select(Stage).where(Stage.name == stage)),
            type=db.session.scalar(select(OpportunityType)
                                   .where(OpportunityType.name == type_name)),
            has_trade_in=fields.pop("has_trade_in", False), **fields)
        db.session.add(opportunity)
        db.session.commit()
        return opportunity

    return make
