"""Fault: kill -9 of the gunicorn worker while it runs a bulk « Conclure » (Gestion, every
target of the demo's largest operation). Nothing half-written: after each kill either
every target is concluded (the commit was done) or none (rolled back), and the audit rows
match. Runnable alone; prints its figures; exits 1 on a failed check.

    .venv/bin/python bench/faults_kill_conclude.py [--database-url postgresql+psycopg://…]
"""

import threading
import time
from datetime import date

from faults_common import Verdict, arguments, kill9, stack, wait_for


def reopen(s, operation: int) -> None:
    s.execute("UPDATE target SET concluded = false, conclusion_kind_id = NULL, "
              "conclusion_date = NULL, success = NULL, amount = NULL "
              "WHERE operation_id = :op", op=operation)


def state(s, operation: int, kind: int) -> tuple[int, int, int]:
    """(targets concluded, of which by this kind with a date, audit rows so far)."""
    concluded = s.scalar("SELECT count(*) FROM target WHERE operation_id = :op AND "
                         "concluded", op=operation)
    coherent = s.scalar("SELECT count(*) FROM target WHERE operation_id = :op AND "
                        "concluded AND conclusion_kind_id = :kind AND conclusion_date "
                        "IS NOT NULL", op=operation, kind=kind)
    audit = s.scalar("SELECT count(*) FROM audit_row WHERE object_type = 'target'")
    return concluded, coherent, audit


def conclude(http, operation: int, kind: int, answers: list) -> None:
    form = {"all": "1", "conclusion_kind_id": str(kind), "amount": "",
            "conclusion_date": date.today().isoformat(), "confirmed": "1"}
    started = time.perf_counter()
    try:
        answers.append((http.post(f"/supervision/gestion/conclure?operation={operation}",
                                  form).status, time.perf_counter() - started))
    except OSError as error:  # the worker died under the request
        answers.append((type(error).__name__, time.perf_counter() - started))


def main():
    args = arguments(__doc__.splitlines()[0], rounds=8, workers=1)
    with stack(args, "faults-kill-conclude") as s:
        verdict = Verdict("kill -9 during a bulk conclude", s.db.engine_label)
        operation, size = s.rows("SELECT operation_id, count(*) FROM target GROUP BY "
                                 "operation_id ORDER BY 2 DESC LIMIT 1")[0]
        kind = s.scalar("SELECT id FROM conclusion_kind WHERE name = 'Refus'")
        http = s.browser("admin")
        verdict.figure(f"operation {operation}: {size} targets, gunicorn -w {args.workers}")

        # Calibration: the same batch three times, not killed (the first one warms up).
        durations, per_target = [], 0
        for _ in range(3):
            reopen(s, operation)
            _, _, audit0 = state(s, operation, kind)
            answers: list = []
            conclude(http, operation, kind, answers)
            concluded, coherent, audit = state(s, operation, kind)
            durations.append(answers[0][1])
            per_target = (audit - audit0) // max(size, 1)
            verdict.check(answers[0][0] == 303 and concluded == coherent == size
                          and per_target > 0 and audit - audit0 == size * per_target,
                          f"uninterrupted batch: {answers[0][0]} in {answers[0][1]:.2f} s, "
                          f"{concluded}/{size} concluded, {per_target} audit rows each")
        took = min(durations)

        outcomes = {"all": 0, "none": 0, "half": 0}
        for n in range(1, args.rounds + 1):
            reopen(s, operation)
            _, _, audit0 = state(s, operation, kind)
            workers = s.workers()
            delay = took * n / (args.rounds + 1)  # from early to late in the request
            answers = []
            thread = threading.Thread(target=conclude, args=(http, operation, kind, answers))
            thread.start()
            time.sleep(delay)
            for pid in workers:
                kill9(pid)
            thread.join(timeout=120)
            wait_for(lambda w=workers: s.workers() and s.workers() != w, 30)
            concluded, coherent, audit = state(s, operation, kind)
            written = audit - audit0
            if concluded == coherent == size and written == size * per_target:
                outcome = "all"
            elif concluded == 0 and written == 0:
                outcome = "none"
            else:
                outcome = "half"
            outcomes[outcome] += 1
            verdict.check(outcome != "half",
                          f"round {n}: killed after {delay:.2f} s, answer "
                          f"{answers[0][0] if answers else '—'}: {outcome} "
                          f"({concluded}/{size} concluded, {written} audit rows)")
        alive = wait_for(lambda: http.get("/").status == 200, 30, 0.2)
        verdict.check(alive, "the respawned worker serves again")
        verdict.figure(f"{args.rounds} kills: {outcomes['all']} all, {outcomes['none']} "
                       f"none, {outcomes['half']} half-written")
        verdict.finish()


if __name__ == "__main__":
    main()
