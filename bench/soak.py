"""Soak (issue #19): N concurrent users (default 50) for M minutes (default 10) on
loopback, every role, reads and writes mixed, against gunicorn on a fresh demo database.
0 errors (no 5xx, no dropped connection, no answer outside the action's expected ones)
and the workers' memory flat (RSS sampled every 5 s: the last third of the run against
the second third, and no worker replaced). Runnable alone; prints its figures; exits 1 on
a failed check. A bounded script, standard library only (bench/browser.py).

    .venv/bin/python bench/soak.py [--minutes 10] [--users 50] [--workers 4]
        [--database-url postgresql+psycopg://…]
"""

import random
import statistics
import threading
import time
from collections import Counter, defaultdict
from datetime import date

from browser import Browser
from faults_common import DEMO_PASSWORD, Verdict, arguments, rss_kib, stack

MIX = {"admin": 2, "manager": 8, "advisor": 28, "bdc_agent": 6, "bo_assistant": 6}
FREE = ("En traitement", "Réponse envoyée", "Contacté", "Rendez-vous présent / Walk-in",
        "En suivi long-terme")
GROWTH_LIMIT = 0.15  # the last third's RSS may exceed the second third's by 15 % at most
OK = {200, 302, 303}


class Ids:
    """What the users act on, read once from the database."""

    def __init__(self, s):
        self.operation = s.scalar("SELECT operation_id FROM target GROUP BY operation_id "
                                  "ORDER BY count(*) DESC LIMIT 1")
        stages = [r[0] for r in s.rows("SELECT id, name FROM opportunity_stage")
                  if r[1] in FREE]
        self.stages = stages
        listed = ",".join(map(str, stages))  # ids read from the database: integers
        self.cards = [r[0] for r in s.rows(
            f"SELECT id FROM opportunity WHERE stage_id IN ({listed}) ORDER BY id LIMIT 400")]
        self.requests = [r[0] for r in s.rows("SELECT id FROM bo_request ORDER BY id "
                                              "LIMIT 200")]
        self.stage = min(stages)
        self.branch = s.scalar("SELECT min(id) FROM branch")
        self.users = dict(s.rows('SELECT email, id FROM "user"'))


def actions(role: str, me: int, ids: Ids, rng: random.Random, n: int):
    """(label, method, path, form, expected statuses) the user does next."""
    today = date.today().isoformat()
    reads = [("home", "GET", "/", None, OK),
             ("search", "GET", f"/clients/?q={rng.choice(['mar', 'dup', 'ber', 'lef'])}",
              None, OK),
             ("kanban", "GET", "/opportunities/", None, OK),
             ("list", "GET", "/opportunities/list?page=2", None, OK),
             ("operations", "GET", "/operations/", None, OK),
             ("sessions", "GET", "/account/sessions", None, OK),
             ("pilotage", "GET", "/supervision/pilotage", None, OK),
             ("backoffice", "GET", "/bo/", None, OK)]
    if role in ("admin", "manager"):  # the others do not follow this operation: 404
        reads.append(("gestion", "GET", f"/supervision/gestion?operation={ids.operation}"
                      f"&sort={rng.choice(['client', 'advisor', 'state'])}", None, OK))
    if role == "admin":
        reads.append(("users", "GET", "/admin/users", None, OK))
    writes = []
    if role == "advisor":
        writes.append(("create client", "POST", "/clients/new", {
            "first_name": "Soak", "last_name": f"Client {n}", "phone": "06 12 34 56 78",
            "language": "fr", "branch_id": str(ids.branch), "advisor_id": str(me)}, OK))
    if role == "bdc_agent":
        writes.append(("move", "POST", f"/opportunities/{rng.choice(ids.cards)}/move",
                       {"stage_id": str(rng.choice(ids.stages))}, OK | {409}))
    if role == "bo_assistant" and ids.requests:
        writes.append(("comment", "POST",
                       f"/bo/requests/{rng.choice(ids.requests)}/comments",
                       {"body": f"Suivi du {today}, passage {n}."}, OK))
    if writes and rng.random() < 0.35:
        return rng.choice(writes)
    return rng.choice(reads)


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.errors: list[str] = []
        self.times: dict[str, list[float]] = defaultdict(list)

    def add(self, role, label, status, expected, elapsed):
        with self.lock:
            self.statuses[(label, status)] += 1
            self.times["write" if label in ("create client", "move", "comment")
                       else "read"].append(elapsed * 1000)
            if status not in expected:
                self.errors.append(f"{role} {label}: {status}")


def user(port, email, role, ids, deadline, tally, seed):
    rng = random.Random(seed)
    http = Browser(port, timeout=120)
    try:
        http.login(email, DEMO_PASSWORD)
    except Exception as error:  # noqa: BLE001 - counted, the run fails
        tally.add(role, "login", type(error).__name__, OK, 0)
        return
    n = 0
    while time.monotonic() < deadline:
        n += 1
        label, method, path, form, expected = actions(role, ids.users[email], ids, rng, n)
        started = time.perf_counter()
        try:
            status = http.request(method, path, form=form).status
        except Exception as error:  # noqa: BLE001 - a dropped connection is an error
            status = type(error).__name__
        tally.add(role, label, status, expected, time.perf_counter() - started)
        time.sleep(rng.uniform(0.5, 2.5))  # a person reads before the next click


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def main():
    def extra(p):
        p.add_argument("--minutes", type=float, default=10)
        p.add_argument("--users", type=int, default=50)
    args = arguments(__doc__.splitlines()[0], scale=20_000, workers=4, extra=extra)
    with stack(args, "soak") as s:
        verdict = Verdict(f"soak {args.users} users × {args.minutes:g} min", s.db.engine_label)
        ids = Ids(s)
        accounts = defaultdict(list)
        for email, role in s.rows('SELECT email, role FROM "user" WHERE active ORDER BY id'):
            accounts[role].append(email)
        total = sum(MIX.values())
        people = []
        for role, weight in MIX.items():
            for i in range(max(1, round(args.users * weight / total))):
                people.append((accounts[role][i % len(accounts[role])], role))
        workers = s.workers()
        verdict.figure(f"{len(people)} users {dict(Counter(r for _, r in people))}, gunicorn "
                       f"-w {args.workers} (pids {workers}), think time 0.5–2.5 s")
        tally, samples = Tally(), []
        started = time.monotonic()
        deadline = started + args.minutes * 60
        threads = [threading.Thread(target=user, args=(s.port, email, role, ids, deadline,
                                                       tally, n), daemon=True)
                   for n, (email, role) in enumerate(people)]
        for t in threads:
            t.start()
        while time.monotonic() < deadline:
            samples.append((time.monotonic() - started,
                            {pid: rss_kib(pid) for pid in s.workers()}))
            time.sleep(5)
        for t in threads:
            t.join(timeout=180)
        elapsed = time.monotonic() - started
        requests = sum(tally.statuses.values())
        verdict.figure(f"{requests} requests in {elapsed:.0f} s ({requests / elapsed:.1f}/s); "
                       + ", ".join(f"{kind} p50 {percentile(v, 50):.0f} ms p95 "
                                   f"{percentile(v, 95):.0f} ms p99 {percentile(v, 99):.0f} ms"
                                   f" (n {len(v)})" for kind, v in sorted(tally.times.items())))
        by_label = Counter()
        for (label, _status), count in tally.statuses.items():
            by_label[label] += count
        verdict.figure("by action: " + ", ".join(f"{k} {v}" for k, v in by_label.most_common()))
        answers: Counter = Counter()
        for (_label, status), count in tally.statuses.items():
            answers[status] += count
        verdict.figure("answers: " + ", ".join(f"{status} × {count}"
                                               for status, count in answers.most_common()))
        verdict.check(not tally.errors, f"0 errors ({len(tally.errors)}: "
                      f"{Counter(tally.errors).most_common(5)})")
        seen = set().union(*(set(pids) for _, pids in samples)) if samples else set()
        verdict.check(seen == set(workers), f"no worker replaced (pids seen {sorted(seen)})")

        def third(k):
            part = [sum(v for v in rss.values() if v) for at, rss in samples
                    if k * elapsed / 3 <= at < (k + 1) * elapsed / 3]
            return statistics.median(part) if part else 0
        first, middle, last = third(0), third(1), third(2)
        growth = (last - middle) / middle if middle else 0
        verdict.figure(f"workers' RSS (sum, median per third): {first / 1024:.0f} MiB → "
                       f"{middle / 1024:.0f} MiB → {last / 1024:.0f} MiB "
                       f"({growth:+.1%} over the last third)")
        verdict.check(growth <= GROWTH_LIMIT, f"memory flat: {growth:+.1%} ≤ "
                      f"+{GROWTH_LIMIT:.0%} from the second third to the last")
        verdict.finish()


if __name__ == "__main__":
    main()
