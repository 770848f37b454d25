"""What the fault scripts (bench/faults_*.py) and the soak (bench/soak.py) share: a fresh
database seeded with ``data demo``, the app served by gunicorn on 127.0.0.1, signed-in
clients, the worker processes, and the verdict line.

Built on bench/run.py's pieces (database, seeding, gunicorn, logins): each script is run
alone, prints its figures and exits 1 when a check fails, e.g.

    .venv/bin/python bench/faults_concurrent_conclude.py
    .venv/bin/python bench/faults_concurrent_conclude.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

import argparse
import os
import secrets
import signal
import sys
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import run
from browser import Browser
from sqlalchemy import Engine, create_engine, text

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
DEMO_PASSWORD = "demo-pilote-2026"


def arguments(description: str, scale: int = 10_000, rounds: int = 3, workers: int = 2,
              extra=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=description,
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--database-url", help="a PostgreSQL server URL (the script creates its "
                   "own database there and drops it); default: a temporary SQLite file")
    p.add_argument("--pg-database", default=None,
                   help="name of the database created on the PostgreSQL server")
    p.add_argument("--scale", type=int, default=scale, help="data demo --scale N")
    p.add_argument("--rounds", type=int, default=rounds, help="how many times the fault "
                   "is caused")
    p.add_argument("--workers", type=int, default=workers, help="gunicorn workers")
    if extra:
        extra(p)
    args = p.parse_args()
    if args.pg_database is None:
        args.pg_database = "pilote_" + Path(sys.argv[0]).stem.replace("-", "_")
    return args


@dataclass
class Stack:
    """The served app and what a script needs of it."""

    db: run.Database
    env: dict
    engine: Engine
    server: run.Server | None
    accounts: dict = field(default_factory=dict)  # role -> (email, password)

    @property
    def kind(self) -> str:
        return self.db.kind

    @property
    def port(self) -> int:
        return self.server.port

    def browser(self, role: str = "admin", email: str | None = None) -> Browser:
        """A signed-in client (its own session) as ``role``'s demo account, or ``email``."""
        who, password = (email, DEMO_PASSWORD) if email else self.accounts[role]
        http = Browser(self.port, timeout=120)
        http.login(who, password)
        return http

    def scalar(self, sql: str, **params):
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def rows(self, sql: str, **params) -> list:
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).all()

    def execute(self, sql: str, **params) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(sql), params)

    @contextmanager
    def app_context(self):
        """The app itself in this process, on the same database (for checks through
        its own functions, e.g. the opportunity tally's drift)."""
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        from webapp import create_app
        from webapp.extensions import db

        app = create_app({"DATABASE_URL": self.db.url, "SECRET_KEY": self.env["SECRET_KEY"],
                          "BASE_URL": self.env["BASE_URL"]})
        with app.app_context():
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()

    def workers(self) -> list[int]:
        """The gunicorn worker pids (children of the master)."""
        return children(self.server.proc.pid)


@contextmanager
def stack(args, name: str, serve: bool = True):
    """Seed a fresh database, serve it (``serve``), yield the Stack; always cleaned up."""
    RESULTS.mkdir(exist_ok=True)
    options = ["--scale", str(args.scale), "--pg-database", args.pg_database]
    if args.database_url:
        options += ["--database-url", args.database_url]
    run_args = run.parse_args(options)
    db = run.prepare_database(run_args)
    engine = None
    try:
        env = run.app_env(db, secrets.token_hex(32))
        run.seed(db, run_args, env)
        engine = create_engine(db.url)
        if not serve:
            yield Stack(db, env, engine, None)
            return
        with run.Server(env, args.workers, RESULTS / f"{name}-gunicorn.log") as server:
            accounts = run.resolve_accounts(run_args, db, engine, server.port)
            yield Stack(db, env, engine, server, accounts)
    finally:
        if engine is not None:
            engine.dispose()
        db.drop()


def children(pid: int) -> list[int]:
    """Pids whose parent is ``pid`` (from /proc: no dependency)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid …: comm may hold spaces, split after its last ')'.
        if int(stat.rpartition(")")[2].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def rss_kib(pid: int) -> int | None:
    """The resident memory of a process (VmRSS, KiB), None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def kill9(pid: int) -> None:
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def wait_for(check, timeout: float, step: float = 0.05) -> bool:
    """Poll ``check()`` until true or ``timeout`` seconds passed (a bounded loop)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return False


def flashes(page: str) -> list[str]:
    """The flashed messages of a page (``role="alert"`` blocks), as plain text."""
    import html
    import re

    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", m)).split())
            for m in re.findall(r'role="alert">(.*?)</div>', page, re.S)]


class Verdict:
    """Checks collected as they are made; ``finish()`` prints them and exits 0 or 1."""

    def __init__(self, title: str, engine_label: str):
        self.title, self.engine_label = title, engine_label
        self.failed: list[str] = []
        self.figures: list[str] = []

    def figure(self, line: str) -> None:
        self.figures.append(line)
        print(f"  {line}", flush=True)

    def check(self, ok: bool, what: str) -> bool:
        print(f"  [{'ok' if ok else 'FAIL'}] {what}", flush=True)
        if not ok:
            self.failed.append(what)
        return ok

    def finish(self) -> None:
        status = "PASS" if not self.failed else f"FAIL ({len(self.failed)})"
        print(f"{self.title} — {self.engine_label}: {status}")
        for what in self.failed:
            print(f"  failed: {what}")
        sys.exit(1 if self.failed else 0)
