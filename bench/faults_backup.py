"""Fault: ``flask backup`` while the app serves writes (8 sessions moving kanban cards and
concluding operation targets without pause). Each copy opens and is consistent: SQLite,
``PRAGMA integrity_check`` is « ok »; PostgreSQL, ``pg_restore --list`` reads it and the
copy restores into a scratch database. In the copy, the kanban's tally (kept by
triggers) agrees with the cards it counts, as in one snapshot. Runnable alone; exits 1 on
a failed check.

    .venv/bin/python bench/faults_backup.py [--database-url postgresql+psycopg://…]
"""

import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from faults_common import ROOT, Verdict, arguments, stack
from sqlalchemy import create_engine, make_url, text

FREE = ("En traitement", "Réponse envoyée", "Contacté", "Rendez-vous présent / Walk-in",
        "En suivi long-terme")
# The tally agrees with the cards: per stage, the kept count equals the cards counted.
TALLY_DRIFT = ("SELECT count(*) FROM (SELECT s.id, coalesce((SELECT sum(t.count) FROM "
               "opportunity_tally t WHERE t.stage_id = s.id), 0) AS kept, (SELECT count(*) "
               "FROM opportunity o WHERE o.stage_id = s.id) AS real FROM opportunity_stage s"
               ") x WHERE kept <> real")


def writer(http, cards, stages, stop: threading.Event, counts: dict, lock, seed: int):
    rng = random.Random(seed)
    while not stop.is_set():
        try:
            status = http.post(f"/opportunities/{rng.choice(cards)}/move",
                               {"stage_id": str(rng.choice(stages))}).status
        except OSError as error:
            status = type(error).__name__
        with lock:
            counts[status] = counts.get(status, 0) + 1


def check_sqlite(verdict, copy: Path, n: int) -> None:
    conn = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        drift = conn.execute(TALLY_DRIFT).fetchone()[0]
        cards = conn.execute("SELECT count(*) FROM opportunity").fetchone()[0]
    finally:
        conn.close()
    verdict.check(integrity == "ok" and drift == 0 and cards > 0,
                  f"copy {n}: opens, integrity_check « {integrity} », {cards} cards, "
                  f"tally drift {drift}")


def check_postgresql(verdict, s, copy: Path, n: int) -> None:
    listed = subprocess.run(["pg_restore", "--list", str(copy)], capture_output=True,
                            text=True, timeout=120)
    entries = sum(1 for line in listed.stdout.splitlines() if " TABLE DATA " in line)
    scratch = f"{s.db.url.rsplit('/', 1)[1].split('?')[0]}_copy"
    server = make_url(s.db.url).set(database="postgres")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{scratch}"'))
        target = make_url(s.db.url).set(database=scratch, drivername="postgresql")
        restored = subprocess.run(["pg_restore", "--no-owner", "--exit-on-error",
                                   f"--dbname={target.render_as_string(hide_password=False)}",
                                   str(copy)], capture_output=True, text=True, timeout=300)
        engine = create_engine(make_url(s.db.url).set(database=scratch))
        with engine.connect() as conn:
            drift = conn.execute(text(TALLY_DRIFT)).scalar()
            cards = conn.execute(text("SELECT count(*) FROM opportunity")).scalar()
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
    finally:
        admin.dispose()
    verdict.check(listed.returncode == 0 and entries > 20 and restored.returncode == 0
                  and drift == 0 and cards > 0,
                  f"copy {n}: pg_restore --list reads {entries} tables' data, restores "
                  f"({restored.returncode}), {cards} cards, tally drift {drift}")


def main():
    args = arguments(__doc__.splitlines()[0], scale=10_000, rounds=3)
    with stack(args, "faults-backup") as s:
        verdict = Verdict("flask backup under write load", s.db.engine_label)
        stages = [r[0] for r in s.rows("SELECT id, name FROM opportunity_stage")
                  if r[1] in FREE]
        listed = ",".join(map(str, stages))
        cards = [r[0] for r in s.rows(
            f"SELECT id FROM opportunity WHERE stage_id IN ({listed}) ORDER BY id LIMIT 200")]
        browsers = [s.browser("bdc_agent") for _ in range(8)]
        stop, lock, counts = threading.Event(), threading.Lock(), {}
        threads = [threading.Thread(target=writer, args=(http, cards, stages, stop, counts,
                                                          lock, n))
                   for n, http in enumerate(browsers)]
        for t in threads:
            t.start()
        folder = Path(tempfile.mkdtemp(prefix="pilote-backup-"))
        try:
            for n in range(1, args.rounds + 1):
                time.sleep(1.0)  # writes under way
                copy = folder / f"copy-{n}.{'sqlite' if s.kind == 'sqlite' else 'dump'}"
                before = sum(v for k, v in counts.items() if k in (200, 302))
                started = time.monotonic()
                made = subprocess.run([sys.executable, "-m", "flask", "--app", "webapp",
                                       "backup", str(copy)], cwd=ROOT, env=s.env,
                                      capture_output=True, text=True, timeout=300)
                took = time.monotonic() - started
                during = sum(v for k, v in counts.items() if k in (200, 302)) - before
                verdict.check(made.returncode == 0 and copy.exists(),
                              f"backup {n}: {copy.stat().st_size if copy.exists() else 0} "
                              f"bytes in {took:.1f} s, {during} moves written meanwhile "
                              f"{made.stderr.strip()[-300:]}")
                if copy.exists():
                    if s.kind == "sqlite":
                        check_sqlite(verdict, copy, n)
                    else:
                        check_postgresql(verdict, s, copy, n)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=60)
            for f in folder.glob("*"):
                f.unlink()
            folder.rmdir()
        verdict.figure(f"writers' answers: {counts}")
        verdict.check(not any(k == 500 or not isinstance(k, int) for k in counts),
                      "the writers got no 500 and no dropped connection")
        verdict.finish()


if __name__ == "__main__":
    main()
