"""Pilote's benchmark (QUALITY.md, Speed): seed, serve with gunicorn, drive, print one table.

    .venv/bin/python bench/run.py --scale 100000
    .venv/bin/python bench/run.py --scale 100000 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

See bench/README.md for the options.
"""

import argparse
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote_plus

from browser import HOST, Browser, LoginFailed
from scenario_base import Context, Scenario
from scenarios import SCENARIOS
from sqlalchemy import create_engine, make_url, text

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
BIN = Path(sys.executable).parent


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--scale", type=int, default=100_000, help="data demo --scale N")
    p.add_argument("--database-url", help="SQLite file URL, or a PostgreSQL server URL "
                   "(the bench creates its own database there); default: a temporary "
                   "SQLite file")
    p.add_argument("--pg-database", default="pilote_bench",
                   help="name of the database the bench creates on a PostgreSQL server")
    p.add_argument("--reuse", action="store_true",
                   help="use an already seeded database (the SQLite file given, or the "
                   "--pg-database); no seeding, never deleted")
    p.add_argument("--keep-db", action="store_true", help="keep the seeded database")
    p.add_argument("--requests", type=int, default=300,
                   help="measured requests per scenario")
    p.add_argument("--warmup", type=int, default=10,
                   help="unmeasured requests per scenario and client thread")
    p.add_argument("--concurrency", type=int, default=1, choices=(1, 2, 3, 4),
                   help="client threads driving each scenario together")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    p.add_argument("--only", action="append", default=[], metavar="TEXT",
                   help="run only the scenarios whose name contains TEXT (repeatable)")
    p.add_argument("--login", action="append", default=[], metavar="ROLE=EMAIL:PASSWORD",
                   help="account to use for a role instead of the demo's printed logins")
    p.add_argument("--logins-file", type=Path,
                   help="demo output to read the logins from (with --reuse)")
    p.add_argument("--timeout", type=float, default=900,
                   help="seconds for all the measured scenarios together")
    p.add_argument("--seed-timeout", type=float, default=1800,
                   help="seconds for db upgrade + data demo")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 when a scenario misses its target or answers errors")
    p.add_argument("--baseline", type=Path,
                   help="an earlier report (results/latest-<engine>-<scale>.md) whose p95 "
                   "each page's growth factor is computed against; default: the same "
                   "engine's 100 000 report when running another scale")
    p.add_argument("--list", action="store_true", help="list the scenarios and exit")
    return p.parse_args(argv)


# --- the database -----------------------------------------------------------------------

@dataclass
class Database:
    url: str                       # what the app gets as DATABASE_URL
    kind: str                      # sqlite | postgresql
    label: str
    logins_path: Path              # where the demo's output (its logins) is kept
    cleanup: list = field(default_factory=list)

    @property
    def engine_label(self) -> str:
        return "SQLite (WAL)" if self.kind == "sqlite" else "PostgreSQL"

    def drop(self) -> None:
        for action in reversed(self.cleanup):
            action()


def prepare_database(args) -> Database:
    if args.database_url is None:
        if args.reuse:
            sys.exit("--reuse needs --database-url (the seeded SQLite file or PG server)")
        tmp = Path(tempfile.mkdtemp(prefix="pilote-bench-"))
        return _sqlite(args, tmp / "bench.sqlite", tmp)
    url = make_url(args.database_url)
    if url.get_backend_name() == "sqlite":
        return _sqlite(args, Path(url.database), None)
    if url.get_backend_name() == "postgresql":
        return _postgresql(args, url.set(drivername="postgresql+psycopg"))
    sys.exit(f"unsupported database URL: {args.database_url}")


def _sqlite(args, path: Path, tmp: Path | None) -> Database:
    path = path.resolve()
    db = Database(f"sqlite:///{path}", "sqlite", f"SQLite (WAL) {path}",
                  Path(f"{path}.demo.txt"))
    if args.reuse:
        if not path.exists():
            sys.exit(f"--reuse: {path} does not exist")
        return db
    if path.exists():
        sys.exit(f"{path} exists: pass --reuse to use it as it is, or remove it")
    if not args.keep_db:
        if tmp is not None:
            db.cleanup.append(lambda: shutil.rmtree(tmp, ignore_errors=True))
        else:
            db.cleanup.append(lambda: [Path(f"{path}{s}").unlink(missing_ok=True)
                                       for s in ("", "-wal", "-shm", ".demo.txt")])
    return db


def _postgresql(args, server_url) -> Database:
    name = args.pg_database
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        sys.exit(f"--pg-database {name!r}: lower-case letters, digits and _ only")
    if name == server_url.database:
        sys.exit(f"--pg-database {name!r} is the database of --database-url: the bench "
                 "drops and recreates its own database, give it another name")
    bench_url = server_url.set(database=name)
    db = Database(bench_url.render_as_string(hide_password=False), "postgresql",
                  f"PostgreSQL {bench_url.render_as_string(hide_password=True)}",
                  RESULTS / f"{name}.demo.txt")
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")

    def execute(statement):
        with admin.connect() as conn:
            return conn.execute(text(statement)).all() if statement.startswith(
                "SELECT") else conn.execute(text(statement))

    exists = bool(execute(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))
    if args.reuse:
        admin.dispose()
        if not exists:
            sys.exit(f"--reuse: database {name} does not exist on the server")
        return db
    execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    execute(f'CREATE DATABASE "{name}"')
    if not args.keep_db:
        def drop():
            execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()
        db.cleanup.append(drop)
    else:
        db.cleanup.append(admin.dispose)
    return db


def app_env(db: Database, secret_key: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "PILOTE_"))}
    env.update(DATABASE_URL=db.url, SECRET_KEY=secret_key, SESSION_COOKIE_SECURE="0",
               BASE_URL=f"http://{HOST}", PYTHONUNBUFFERED="1")
    return env


def run_bounded(cmd: list[str], env: dict, log: Path, deadline: float) -> str:
    """Run a command to completion before ``deadline``, output kept in ``log``."""
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise SystemExit(f"timed out: {' '.join(cmd)} (see {log})") from None
    if proc.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{tail}")
    return log.read_text(errors="replace")


def seed(db: Database, args, env: dict) -> float:
    flask = [sys.executable, "-m", "flask", "--app", "webapp"]
    log = RESULTS / "seed.log"
    log.write_text("")
    deadline = time.monotonic() + args.seed_timeout
    print(f"seeding {db.label}: db upgrade, data demo --scale {args.scale} …", flush=True)
    run_bounded([*flask, "db", "upgrade"], env, log, deadline)
    started = time.monotonic()
    before = len(log.read_text(errors="replace"))
    output = run_bounded([*flask, "data", "demo", "--scale", str(args.scale)], env, log,
                         deadline)[before:]
    seconds = time.monotonic() - started
    db.logins_path.write_text(output)
    print(f"seeded in {seconds:.1f} s (output in {log})", flush=True)
    return seconds


# --- logins -----------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PASSWORD = re.compile(r"(?:mot de passe|password|mdp)\s*[:=]?\s*([^\s,;|)]+)", re.I)
_SEPARATORS = re.compile(r"[\s/:|,;=>\-–—()\[\]]*")


def parse_logins(output: str) -> list[tuple[str, list[str]]]:
    """(email, password candidates) for every e-mail the demo printed, in order: the word
    after the e-mail (``a@b.fr / secret``, ``a@b.fr  mot de passe : secret``), then any
    shared password printed on a line of its own."""
    shared = [m.group(1) for line in output.splitlines() if not _EMAIL.search(line)
              for m in _PASSWORD.finditer(line)]
    found = []
    for line in output.splitlines():
        for match in _EMAIL.finditer(line):
            rest = line[match.end():]
            named = _PASSWORD.search(rest)
            after = rest[_SEPARATORS.match(rest).end():].split()
            own = [named.group(1)] if named else []
            if after and not _EMAIL.fullmatch(after[0]):
                own.append(after[0].rstrip(".,;)"))
            found.append((match.group(0), list(dict.fromkeys(own + shared))))
    return found


def resolve_accounts(args, db: Database, engine, port: int) -> dict[str, tuple[str, str]]:
    """One working (email, password) per role: --login first, then the demo's logins."""
    accounts = {}
    for spec in args.login:
        role, _, credentials = spec.partition("=")
        email, _, password = credentials.partition(":")
        accounts[role] = (email, password)
    source = args.logins_file or db.logins_path
    printed = parse_logins(source.read_text(errors="replace")) if source.exists() else []
    with engine.connect() as conn:
        roles = {email.lower(): [role, *scope_roles(role, path)] for email, role, path in
                 conn.execute(text('SELECT u.email, u.role, t.path FROM "user" u '
                                   'LEFT JOIN team t ON t.id = u.team_id WHERE u.active'))}
    for email, candidates in printed:
        wanted = [role for role in roles.get(email.lower(), []) if role not in accounts]
        if not wanted:
            continue
        for password in candidates[:3]:  # failed attempts are rate limited
            try:
                Browser(port).login(email, password)
            except LoginFailed:
                continue
            accounts.update(dict.fromkeys(wanted, (email, password)))
            break
    return accounts


SCOPES = {1: "direction", 2: "region", 3: "agency"}  # a team's depth: /1/ is 1


def scope_roles(role: str, path: str | None) -> list[str]:
    """The extra session keys of an account: a manager is also ``manager-<scope>`` (their
    team's level: direction, region, agency), so scenarios can drive each scope."""
    level = SCOPES.get((path or "").count("/") - 1)
    return [f"{role}-{level}"] if role == "manager" and level else []


# --- the server -------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _milliseconds(line: str) -> int:
    match = re.search(r": (\d+) ms", line)
    return int(match.group(1)) if match else 0


class Server:
    """gunicorn on 127.0.0.1, always stopped on exit (its whole process group)."""

    def __init__(self, env: dict, workers: int, log: Path):
        self.env, self.workers, self.log = env, workers, log
        self.port = free_port()
        self.proc = None

    def __enter__(self):
        gunicorn = BIN / "gunicorn"
        cmd = [str(gunicorn)] if gunicorn.exists() else [sys.executable, "-m", "gunicorn"]
        cmd += ["-w", str(self.workers), "-b", f"{HOST}:{self.port}", "--log-level",
                "warning", "--error-logfile", "-", "webapp:create_app()"]
        self._out = self.log.open("wb")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=self._out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        try:
            return self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{self.log.read_text()[-3000:]}")
            try:
                if Browser(self.port, timeout=5).get("/login").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit("gunicorn did not answer within 60 s")

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if not self._out.closed:
            self._out.close()

    def __exit__(self, *_exc):
        self.stop()

    def slow_requests(self) -> list[str]:
        """The app's slow-request log lines, slowest first."""
        lines = [line[line.index("slow request"):] for line in
                 self.log.read_text(errors="replace").splitlines() if "slow request" in line]
        return sorted(lines, key=_milliseconds, reverse=True)


# --- measuring --------------------------------------------------------------------------

@dataclass
class Row:
    scenario: Scenario
    times: list[float] = field(default_factory=list)   # ms
    queries: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    by_path: dict[str, list[float]] = field(default_factory=dict)  # ms per requested path
    wall: float = 0.0
    note: str = ""

    def percentile(self, q: float) -> float:
        ordered = sorted(self.times)
        return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]

    def slowest_paths(self, count: int = 3) -> list[tuple[str, float]]:
        """The requested paths with the highest median, when a scenario varies its URL."""
        if len(self.by_path) < 2:
            return []
        medians = {path: sorted(ms)[len(ms) // 2] for path, ms in self.by_path.items()}
        return sorted(medians.items(), key=lambda item: -item[1])[:count]

    @property
    def verdict(self) -> str:
        if self.note:
            return self.note
        if self.errors:
            return f"FAIL ({len(self.errors)} errors)"
        if self.scenario.target_ms is None:
            return "—"
        return "OK" if self.percentile(95) < self.scenario.target_ms else "FAIL"

    @property
    def failed(self) -> bool:
        return self.verdict.startswith(("FAIL", "TIMEOUT"))

    def cells(self) -> list[str]:
        target = f"p95 < {self.scenario.target_ms:g} ms" if self.scenario.target_ms else "—"
        if not self.times:
            return [self.scenario.name, "0", "—", "—", "—", "—", "—", target, self.verdict]
        lo, hi = min(self.queries, default=0), max(self.queries, default=0)
        return [self.scenario.name, str(len(self.times)), f"{self.percentile(50):.1f}",
                f"{self.percentile(95):.1f}", f"{self.percentile(99):.1f}",
                f"{len(self.times) / self.wall:.0f}" if self.wall else "—",
                str(lo) if lo == hi else f"{lo}–{hi}", target, self.verdict]


class Sessions:
    """Logged-in browsers per (role, client thread), created once, outside the timing."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self._browsers = {}

    def get(self, role: str, thread: int) -> Browser:
        key = (role, thread)
        if key not in self._browsers:
            browser = self.ctx.browser()
            browser.login(*self.ctx.accounts[role])
            self._browsers[key] = browser
        return self._browsers[key]


def measure(scenario: Scenario, ctx: Context, sessions: Sessions, args,
            deadline: float) -> Row:
    row = Row(scenario)
    if scenario.role not in ctx.accounts:
        row.note = f"SKIP (no {scenario.role} login)"
        return row
    count = 1 if scenario.once else min(args.requests, scenario.max_requests or args.requests)
    try:
        browsers = [sessions.get(scenario.role, t) for t in range(args.concurrency)]
    except (LoginFailed, OSError) as error:
        row.note = f"FAIL (login: {error})"
        return row
    for browser in browsers:
        for i in range(0 if scenario.once else args.warmup):
            try:
                scenario.perform(ctx, browser, i)
            except Exception:  # noqa: BLE001  (an error shows in the measured loop)
                break
    lock = threading.Lock()
    timed_out = threading.Event()

    def drive(thread: int):
        for i in range(thread, count, args.concurrency):
            if time.monotonic() > deadline:
                timed_out.set()
                return
            try:
                responses = scenario.perform(ctx, browsers[thread], i)
            except Exception as error:  # noqa: BLE001
                with lock:
                    row.errors.append(f"#{i}: {error!r}")
                continue
            last = responses[-1]
            with lock:
                row.times.append(sum(r.elapsed for r in responses) * 1000)
                row.queries.append(sum(r.queries or 0 for r in responses))
                if len(responses) == 1:
                    row.by_path.setdefault(last.path, []).append(row.times[-1])
                if last.status not in scenario.expect:
                    row.errors.append(f"#{i}: HTTP {last.status}")

    threads = [threading.Thread(target=drive, args=(t,), daemon=True)
               for t in range(args.concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(1.0, deadline - time.monotonic() + 60))
    row.wall = time.perf_counter() - started
    if timed_out.is_set():
        row.note = f"TIMEOUT after {len(row.times)}"
    return row


# --- the report -------------------------------------------------------------------------

HEADERS = ["scenario", "n", "p50 ms", "p95 ms", "p99 ms", "req/s", "SQL queries", "target",
           "result"]


GROWTH = "p95 × base"


def baseline_p95(path: Path | None) -> dict[str, float]:
    """Scenario name → p95 ms read from an earlier report's table (empty: no baseline)."""
    if path is None or not path.exists():
        return {}
    found = {}
    for line in path.read_text(errors="replace").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4:
            try:
                found[cells[0]] = float(cells[3])
            except ValueError:
                continue
    return found


def growth(row: "Row", base: dict[str, float]) -> str:
    """How many times the baseline's p95 this run's p95 is (« 1.12× »)."""
    before = base.get(row.scenario.name)
    if not row.times or not before:
        return "—"
    return f"{row.percentile(95) / before:.2f}×"


def table(rows: list[Row], base: dict[str, float] | None = None) -> str:
    headers = HEADERS + ([GROWTH] if base else [])
    lines = [headers, *(row.cells() + ([growth(row, base)] if base else []) for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(headers))]
    right = {1, 2, 3, 4, 5, 6, 9}

    def fmt(line):
        return "| " + " | ".join(c.rjust(w) if i in right else c.ljust(w)
                                 for i, (c, w) in enumerate(zip(line, widths, strict=True))) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if i in right else ("-" * (w + 2))
                          for i, w in enumerate(widths)) + "|"
    return "\n".join([fmt(lines[0]), rule, *(fmt(line) for line in lines[1:])])


def commit() -> str:
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                             capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=ROOT, capture_output=True, text=True,
                               timeout=10).stdout.strip()
        return sha + ("+changes" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "?"


def thousands(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def describe(db: Database, args, engine, seed_seconds: float | None,
             accounts: dict) -> list[str]:
    with engine.connect() as conn:
        clients = conn.execute(text("SELECT count(*) FROM client")).scalar()
    seeded = (f"seeded by `data demo --scale {args.scale}` in {seed_seconds:.1f} s"
              if seed_seconds is not None else "reused, not seeded by this run")
    return [
        f"- {datetime.now():%Y-%m-%d %H:%M}, commit {commit()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at the end",
        f"- database: {db.engine_label}, {thousands(clients)} clients, {seeded}",
        f"- gunicorn {args.workers} sync workers on {HOST}; {args.concurrency} client "
        f"thread(s); {args.requests} measured requests per scenario after "
        f"{args.warmup} warm-up per thread; times include the TCP connection",
        "- logged in as: " + ", ".join(f"{role} {email}" for role, (email, _) in
                                       sorted(accounts.items())),
    ]


def main(argv=None) -> int:
    args = parse_args(argv)
    selected = [s for s in SCENARIOS if not args.only
                or any(t.lower() in s.name.lower() for t in args.only)]
    if args.list:
        for s in SCENARIOS:
            print(f"{s.name}  (role {s.role}" + (f", p95 < {s.target_ms:g} ms)"
                                                 if s.target_ms else ")"))
        return 0
    if not selected:
        sys.exit("no scenario matches --only")
    RESULTS.mkdir(exist_ok=True)
    db = prepare_database(args)
    env = app_env(db, secrets.token_hex(32))
    engine = None
    try:
        seed_seconds = None if args.reuse else seed(db, args, env)
        engine = create_engine(db.url)
        with Server(env, args.workers, RESULTS / "gunicorn.log") as server:
            accounts = resolve_accounts(args, db, engine, server.port)
            if not accounts:
                sys.exit(f"no working login found in {args.logins_file or db.logins_path}; "
                         "pass --login ROLE=EMAIL:PASSWORD")
            ctx = Context(server.port, engine, accounts, timeout=30)
            sessions = Sessions(ctx)
            deadline = time.monotonic() + args.timeout
            rows = []
            for scenario in selected:
                print(f"  {scenario.name} …", end="", flush=True)
                rows.append(measure(scenario, ctx, sessions, args, deadline))
                print(f" {rows[-1].verdict}", flush=True)
            server.stop()
            slow = server.slow_requests()
        report = describe(db, args, engine, seed_seconds, accounts)
    finally:
        if engine is not None:
            engine.dispose()
        if args.keep_db and not args.reuse:
            print(f"database kept: {db.url}  (next time: --database-url "
                  f"{db.url if db.kind == 'sqlite' else args.database_url} --reuse)")
        if not args.reuse:
            db.drop()
    engine_name = "postgresql" if db.kind == "postgresql" else "sqlite"
    base_path = args.baseline or (RESULTS / f"latest-{engine_name}-100000.md"
                                  if args.scale != 100_000 else None)
    base = baseline_p95(base_path)
    body = table(rows, base)
    if base:
        body += (f"\n\n{GROWTH}: this run's p95 / the p95 of `{base_path.name}` "
                 "(the growth factor per page; flat within 1.5×)")
    errors = [f"- {row.scenario.name}: {e}" for row in rows for e in row.errors[:3]]
    notes = [f"- {len(slow)} slow request(s) logged by the app (slowest first)"
             + (":\n" + "\n".join(f"  - `{line.strip()}`" for line in slow[:5]) if slow
                else "")]
    slowest = [f"- {row.scenario.name}: " + ", ".join(f"`{unquote_plus(path)}` {ms:.0f} ms"
                                                      for path, ms in row.slowest_paths())
               for row in rows if row.slowest_paths()]
    if slowest:
        body += "\n\nSlowest parameters (median ms):\n" + "\n".join(slowest)
    markdown = "\n".join(["# Pilote bench", "", *report, *notes, "", body, ""]
                         + (["", "Errors (first ones):", *errors, ""] if errors else []))
    (RESULTS / "latest.md").write_text(markdown)
    if not args.only:  # a full run: kept per engine and scale, a later run's baseline
        (RESULTS / f"latest-{engine_name}-{args.scale}.md").write_text(markdown)
    print()
    print("\n".join(report + notes))
    print(body)
    if errors:
        print("\n".join(["errors (first ones):", *errors]))
    print(f"\n(written to {RESULTS / 'latest.md'})")
    failed = [row for row in rows if row.failed]
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
