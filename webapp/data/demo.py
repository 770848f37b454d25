"""`flask data demo`: realistic French demo data, on an empty database only.

Demo rows are **not audited** (no ``audit_row``: ``history.unaudited``). The few rows
(teams, accounts) go through the screens' services; the many (clients, accounts) are
SQLAlchemy Core bulk inserts of the rows the services' own row builders give
(``clients.services.client_row``), so their derived columns (search keys) are the ones a
screen would write. Each step adds one domain's data and may read what the previous steps
left in ``Demo``; a domain plugs in its own step by appending it to ``STEPS``.
"""

import random
import time

from sqlalchemy import select, text

from webapp import clock
from webapp.auth.models import Branch, Team, User
from webapp.clients.models import Client
from webapp.data import (
    demo_accounts,
    demo_activities,
    demo_clients,
    demo_operations,
    demo_opportunities,
    demo_people,
    demo_proposals,
    demo_routing,
    demo_sales,
)
from webapp.data.demo_state import Demo
from webapp.database import analyze
from webapp.extensions import db
from webapp.history import unaudited

DEFAULT_SCALE = 300
SEED = 2026
STEPS = (demo_people.create, demo_clients.create, demo_accounts.create,
         demo_operations.create, demo_opportunities.create, demo_activities.create,
         demo_sales.create, demo_proposals.create, demo_routing.create)


def database_is_empty() -> bool:
    return all(db.session.scalar(select(model.id).limit(1)) is None
               for model in (Team, User, Branch, Client))


def run(scale: int) -> Demo:
    """Create the demo data in one transaction; return what was created."""
    from faker import Faker  # imported here: the web app itself never needs it

    started = time.perf_counter()
    fake = Faker("fr_FR")
    fake.seed_instance(SEED)
    demo = Demo(scale=scale, rng=random.Random(SEED), fake=fake, today=clock.today())
    try:
        with unaudited():
            for step in STEPS:
                _timed(demo, step.__module__.rsplit(".", 1)[-1].removeprefix("demo_"),
                       step, demo)
        _timed(demo, "commit", db.session.commit)
    except Exception:
        db.session.rollback()
        raise
    _timed(demo, "analyze", _settle)
    demo.seconds = time.perf_counter() - started
    return demo


def _timed(demo: Demo, name: str, work, *args) -> None:
    started = time.perf_counter()
    work(*args)
    demo.steps[name] = time.perf_counter() - started


def _settle() -> None:
    """Fold SQLite's log, then refresh the planner's statistics."""
    _fold_sqlite_log()
    analyze(db.session)
    db.session.commit()


def _fold_sqlite_log() -> None:
    """On SQLite, copy the write-ahead log (as large as the data) into the database file
    and truncate it, rather than leave it on disk until some later checkpoint."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.commit()
