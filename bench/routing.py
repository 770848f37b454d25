"""The routing bench rows (issue #14): the tracking table's first page at 50 000 requests
(target p95 < 60 ms) and the intake's candidate lookup among 500 advisors (p95 < 30 ms).

The demo's people (a few dozen advisors) cannot carry 500 advisors, so this bench seeds
its own volume in bulk, on a fresh SQLite file or PostgreSQL schema built by the
migrations, and measures the pages in-process (the Flask test client: routing, queries
and templates, no network):

    .venv/bin/python bench/routing.py
    .venv/bin/python bench/routing.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_login import FlaskLoginClient  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, insert, select, text  # noqa: E402

from webapp import clock, create_app  # noqa: E402
from webapp.auth.models import Role, Team, User  # noqa: E402
from webapp.auth.services import open_session  # noqa: E402
from webapp.clients.models import Client  # noqa: E402
from webapp.clients.services import ClientInput, client_row  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.routing import rules  # noqa: E402
from webapp.routing.models import (  # noqa: E402
    ClientRequest,
    ClientRequestType,
    Company,
    Competence,
    RoutingProfile,
    ScoreEvent,
)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--database-url", help="a PostgreSQL server URL (a schema is created "
                   "and dropped); default: a temporary SQLite file")
    p.add_argument("--requests", type=int, default=50_000)
    p.add_argument("--advisors", type=int, default=500)
    p.add_argument("--samples", type=int, default=200, help="measured requests per row")
    return p.parse_args()


def seed(n_requests: int, n_advisors: int, rng: random.Random) -> dict:
    """Teams, advisors with their competence table, clients, requests and points, in bulk."""
    region = Team(name="Région", path="/")
    db.session.add(region)
    db.session.flush()
    region.path = f"/{region.id}/"
    agencies = []
    for n in range(10):
        team = Team(name=f"Agence {n}", parent_id=region.id)
        db.session.add(team)
        db.session.flush()
        team.path = f"{region.path}{team.id}/"
        agencies.append(team)
    hashed = "x"  # nobody logs in with a password: the test client is given the user
    rows = [{"email": f"a{n}@bench.fr", "name": f"Conseiller {n:03d}", "password_hash": hashed,
             "team_id": agencies[n % 10].id, "role": Role.ADVISOR, "active": True,
             "take_requests": False, "manage_operations": False, "operations_access": "own",
             "session_token": uuid.uuid4().hex} for n in range(n_advisors)]
    rows += [{"email": "bo@bench.fr", "name": "BO", "password_hash": hashed, "team_id": None,
              "role": Role.BO_ASSISTANT, "active": True, "take_requests": False,
              "manage_operations": False, "operations_access": "own",
              "session_token": uuid.uuid4().hex},
             {"email": "manager@bench.fr", "name": "Manager", "password_hash": hashed,
              "team_id": agencies[0].id, "role": Role.MANAGER, "active": True,
              "take_requests": False, "manage_operations": False, "operations_access": "team",
              "session_token": uuid.uuid4().hex}]
    db.session.execute(insert(User), rows)
    advisors = list(db.session.scalars(select(User.id).where(User.role == Role.ADVISOR)))
    types = list(db.session.scalars(select(ClientRequestType.id)))
    companies = list(db.session.scalars(select(Company.id)))
    pairs = [(t, c) for t in types for c in companies]
    departments = [f"{d:02d}" for d in range(1, 96)]
    db.session.execute(insert(RoutingProfile), [
        {"advisor_id": a, "volunteer": rng.random() < 0.7,
         "sectors": ", ".join(rng.sample(departments, 3)), "certified": rng.random() < 0.4,
         "max_open": rng.choice((None, 150, 200))} for a in advisors])
    profiles = dict(db.session.execute(select(RoutingProfile.advisor_id, RoutingProfile.id)).all())
    db.session.execute(insert(Competence), [
        {"profile_id": profiles[a], "type_id": t, "company_id": c}
        for a in advisors for t, c in rng.sample(pairs, 10)])
    n_clients = n_requests // 2
    db.session.execute(insert(Client), [
        {**client_row(ClientInput(first_name=f"Prénom{n}", last_name=f"Nom{n}",
                                  postal_code=f"{rng.choice(departments)}000")),
         "advisor_id": None if n % 10 == 0 else rng.choice(advisors), "version": 1,
         "created_at": datetime.now(UTC), "updated_at": datetime.now(UTC)}
        for n in range(n_clients)])
    clients = list(db.session.scalars(select(Client.id)))
    today = clock.today()
    requests = []
    for n in range(n_requests):
        sent = today - timedelta(days=rng.randint(0, 120))
        answered = sent + timedelta(days=rng.randint(1, 12)) if rng.random() < 0.6 else None
        answered = answered if answered and answered <= today else None
        requests.append({
            "client_id": clients[n % len(clients)], "channel": "phone",
            "type_id": rng.choice(types), "company_id": rng.choice(companies),
            "description": "Demande", "situation": "Conseiller présent",
            "routed_by": "situation", "advisor_id": rng.choice(advisors),
            "transmitted_at": datetime.combine(sent, datetime.min.time(), UTC),
            "transmitted_on": sent, "due_on": rules.due_on(sent), "answered_on": answered,
            "closed_on": answered if answered and rng.random() < 0.5 else None, "version": 1})
    for start in range(0, len(requests), 5000):
        db.session.execute(insert(ClientRequest), requests[start:start + 5000])
    points = {k: p for k, (_, p) in rules.DEFAULT_POINTS.items()}
    events = []
    for rid, advisor, sent, answered in db.session.execute(select(
            ClientRequest.id, ClientRequest.advisor_id, ClientRequest.transmitted_on,
            ClientRequest.answered_on)):
        for key, value in rules.scoring(rules.Facts(sent, answered), today, points):
            events.append({"advisor_id": advisor, "request_id": rid, "rule_key": key,
                           "label": key, "points": value, "earned_on": answered or sent})
    for start in range(0, len(events), 5000):
        db.session.execute(insert(ScoreEvent), events[start:start + 5000])
    db.session.commit()
    orphan = db.session.scalar(select(Client.id).where(Client.advisor_id.is_(None)).limit(1))
    return {"types": types, "companies": companies, "orphan": orphan}


def measure(http, url, samples, headers=None) -> tuple[float, float]:
    for _ in range(10):
        assert http.get(url, headers=headers).status_code == 200
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        response = http.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    times.sort()
    return times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.95))]


def main():
    args = parse_args()
    schema = None
    if args.database_url:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        engine = create_engine(args.database_url)
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{args.database_url}?options=-csearch_path%3D{schema}"
    else:
        folder = tempfile.mkdtemp()
        url = f"sqlite:///{folder}/routing-bench.sqlite"
    os.environ.setdefault("BASE_URL", "http://127.0.0.1")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True,
                      "WTF_CSRF_ENABLED": False})
    app.test_client_class = FlaskLoginClient
    try:
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            data = seed(args.requests, args.advisors, random.Random(14))
            print(f"seeded {args.requests} requests, {args.advisors} advisors in "
                  f"{time.perf_counter() - started:.1f} s ({db.engine.dialect.name})")
            db.session.commit()
            if db.engine.dialect.name == "postgresql":
                # As the demo does: the visibility map lets the counts scan indexes only.
                with db.engine.connect().execution_options(
                        isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(text("VACUUM ANALYZE routing_request, routing_score_event"))
            else:
                db.session.execute(text("ANALYZE"))
                db.session.commit()
            bo = db.session.scalar(select(User).where(User.email == "bo@bench.fr"))
            manager = db.session.scalar(select(User).where(User.email == "manager@bench.fr"))
            rows = [
                ("tracking table, first page (BO, 50 000)", bo, "/routing/", None, 60),
                ("tracking table, first page (manager)", manager, "/routing/", None, 60),
                ("tracking table, overdue filter (BO)", bo, "/routing/?status=overdue",
                 None, 60),
                ("intake candidate lookup (500 advisors)", bo,
                 f"/routing/new?client_id={data['orphan']}&channel=phone&type_id="
                 f"{data['types'][0]}&company_id={data['companies'][0]}",
                 {"HX-Request": "true"}, 30),
            ]
            print("| row | p50 ms | p95 ms | target p95 |\n|---|---|---|---|")
            for user in (bo, manager):  # a signed-in user has a session (« Mes sessions »)
                open_session(user, "bench", "127.0.0.1")
            db.session.commit()
            for name, user, path, headers, target in rows:
                p50, p95 = measure(app.test_client(user=user), path, args.samples, headers)
                mark = "ok" if p95 < target else "MISSED"
                print(f"| {name} | {p50:.1f} | {p95:.1f} | < {target} ({mark}) |")
            db.session.remove()
    finally:
        with app.app_context():
            db.engine.dispose()
        if schema:
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main()
