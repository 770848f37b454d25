"""Fault: kill -9 of the outbox worker (``flask outbox work``) while it sends, three
times, then let a fresh worker finish. Every queued mail reaches the SMTP server (a real
one on 127.0.0.1, aiosmtpd, as in the tests): 0 lost; a mail may arrive twice only as
README « E-mail » documents (the worker died after the server accepted it and before the
row was marked sent: at most one per kill), and then with the same Message-ID. Runnable
alone; exits 1 on a failed check.

    .venv/bin/python bench/faults_outbox.py [--database-url postgresql+psycopg://…]
"""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

import run
from faults_common import RESULTS, ROOT, Verdict, arguments, stack, wait_for


class Sink:
    """An SMTP server on 127.0.0.1 keeping every Message-ID it accepted; each DATA takes
    ``delay`` seconds (a slow server: the kills land mid-send)."""

    def __init__(self, delay: float):
        from aiosmtpd.controller import Controller

        self.delay, self.ids, self.lock = delay, [], threading.Lock()
        self.port = run.free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        import asyncio
        import email

        await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.ids.append(message["Message-ID"])
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.ids)

    def stop(self):
        self.controller.stop()


def queue(s, n: int) -> None:
    with s.app_context():
        from sqlalchemy import select

        from webapp.auth.models import User
        from webapp.extensions import db
        from webapp.notifications.outbox import queue_mail

        admin = db.session.scalar(select(User).where(User.role == "admin").limit(1))
        for i in range(n):
            queue_mail("test", f"destinataire{i}@example.fr", "test", user=admin)
        db.session.commit()


def start_worker(env: dict, log) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "webapp", "outbox",
                             "work"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def main():
    args = arguments(__doc__.splitlines()[0], scale=1_000, rounds=3,
                     extra=lambda p: p.add_argument("--mails", type=int, default=250))
    with stack(args, "faults-outbox", serve=False) as s:
        verdict = Verdict("kill -9 of the outbox worker", s.db.engine_label)
        sink = Sink(delay=0.01)
        env = {**s.env, "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1",
               "MAIL_PORT": str(sink.port), "OUTBOX_LEASE_SECONDS": "2",
               "OUTBOX_POLL_SECONDS": "0.2"}
        already = s.scalar("SELECT count(*) FROM outbox_message")
        queue(s, args.mails)
        expected = {r[0] for r in s.rows("SELECT message_id FROM outbox_message")}
        total = already + args.mails
        verdict.figure(f"{total} mails queued ({already} by the demo), SMTP sink on port "
                       f"{sink.port}, 10 ms per mail")
        started = time.monotonic()
        with (RESULTS / "faults-outbox-worker.log").open("wb") as log:
            for n in range(1, args.rounds + 1):
                worker = start_worker(env, log)
                goal = total * n // (args.rounds + 1)
                wait_for(lambda g=goal: sink.count() >= g, 120)
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
                verdict.figure(f"kill {n}: worker {worker.pid} killed with {sink.count()} "
                               "mails received")
            worker = start_worker(env, log)
            done = wait_for(lambda: s.scalar("SELECT count(*) FROM outbox_message WHERE "
                                             "status = 'sent'") == total, 180, 0.2)
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        took = time.monotonic() - started
        sink.stop()
        received = Counter(sink.ids)
        statuses = dict(s.rows("SELECT status, count(*) FROM outbox_message GROUP BY status"))
        twice = {mid: n for mid, n in received.items() if n > 1}
        lost = expected - set(received)
        verdict.figure(f"{len(sink.ids)} deliveries of {len(received)} Message-IDs in "
                       f"{took:.1f} s; rows by status {statuses}; {len(twice)} delivered "
                       "twice")
        verdict.check(done and statuses == {"sent": total}, f"every row sent ({total})")
        verdict.check(not lost, f"0 lost ({len(lost)} Message-IDs never received)")
        verdict.check(set(received) <= expected, "no mail the outbox did not hold")
        verdict.check(all(n == 2 for n in twice.values()) and len(twice) <= args.rounds,
                      f"duplicates only as documented: {len(twice)} ≤ {args.rounds} kills, "
                      "each twice with its one Message-ID")
        verdict.finish()


if __name__ == "__main__":
    main()
