"""Fault: two bulk « Conclure » at once on overlapping targets (two sessions, started
together), full overlap (« tous ») and partial overlap (ticked targets). One wins each
target: every target is concluded once (one audit row « concluded » per target), the
counts the two users are told add up to the targets concluded, and a target keeps the
conclusion of the batch that took it. Runnable alone; exits 1 on a failed check.

    .venv/bin/python bench/faults_concurrent_conclude.py [--database-url postgresql+psycopg://…]
"""

import re
import threading
from datetime import date

from faults_common import Verdict, arguments, flashes, stack

TOLD = re.compile(r"(\d+) clients? conclus? \((\w[^)]*)\)(?:, (\d+) déjà conclus? entre-temps)?")


def reopen(s, operation: int) -> None:
    s.execute("UPDATE target SET concluded = false, conclusion_kind_id = NULL, "
              "conclusion_date = NULL, success = NULL, amount = NULL "
              "WHERE operation_id = :op", op=operation)


def batch(http, operation: int, kind: int, amount: str, targets: list[int] | None, barrier,
          out: dict):
    """One user's « Conclure » (confirmed), then what the Gestion page told them."""
    form = [("conclusion_kind_id", str(kind)), ("conclusion_date", date.today().isoformat()),
            ("amount", amount), ("amount_mode", "per_client"), ("confirmed", "1")]
    form += [("all", "1")] if targets is None else [("target", str(t)) for t in targets]
    barrier.wait(timeout=60)
    answer = http.post(f"/supervision/gestion/conclure?operation={operation}", form)
    out["status"] = answer.status
    told = flashes(http.get(answer.headers.get("Location", "/")).text) \
        if answer.status == 303 else []
    if answer.status == 422:  # nothing left to conclude when it read: the dialog says so
        told = [m.group(0) for m in re.finditer(r"[^<>]*(?:Aucun|déjà conclu)[^<>]*",
                                                 answer.text)][:1]
    out["told"] = " ".join(" ".join(t.split()) for t in told)
    match = TOLD.search(out["told"])
    out["changed"] = int(match.group(1)) if match else 0
    out["raced"] = int(match.group(3) or 0) if match else 0


def main():
    args = arguments(__doc__.splitlines()[0], rounds=3)
    with stack(args, "faults-concurrent-conclude") as s:
        verdict = Verdict("two bulk concludes at once", s.db.engine_label)
        operation = s.scalar("SELECT operation_id FROM target GROUP BY operation_id "
                             "ORDER BY count(*) DESC LIMIT 1")
        ids = [r[0] for r in s.rows("SELECT id FROM target WHERE operation_id = :op "
                                    "ORDER BY id", op=operation)]
        kinds = dict(s.rows("SELECT name, id FROM conclusion_kind"))
        first, second = s.browser("admin"), s.browser("admin")  # two sessions
        half = min(1000, len(ids) // 2)
        plans = {"full overlap (tous)": (None, None),
                 "partial overlap (ticked)": (ids[:half], ids[half // 2:half // 2 + half])}
        for round_no in range(1, args.rounds + 1):
            for name, (a_ids, b_ids) in plans.items():
                reopen(s, operation)
                mark = s.scalar("SELECT coalesce(max(id), 0) FROM audit_row")
                a_set = set(ids if a_ids is None else a_ids)
                b_set = set(ids if b_ids is None else b_ids)
                union = a_set | b_set
                outs = ({}, {})
                barrier = threading.Barrier(2)
                threads = [threading.Thread(target=batch, args=(
                    http, operation, kinds[kind], amount, chosen, barrier, out))
                    for http, kind, amount, chosen, out in (
                        (first, "Vente", "100", a_ids, outs[0]),
                        (second, "Refus", "", b_ids, outs[1]))]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join(timeout=300)
                a, b = outs
                concluded = dict(s.rows("SELECT id, conclusion_kind_id FROM target WHERE "
                                        "operation_id = :op AND concluded", op=operation))
                twice = s.scalar("SELECT count(*) FROM (SELECT object_id FROM audit_row "
                                 "WHERE id > :mark AND object_type = 'target' AND field = "
                                 "'concluded' GROUP BY object_id HAVING count(*) > 1) x",
                                 mark=mark)
                audited = s.scalar("SELECT count(*) FROM audit_row WHERE id > :mark AND "
                                   "object_type = 'target' AND field = 'concluded'",
                                   mark=mark)
                by_a = sum(1 for k in concluded.values() if k == kinds["Vente"])
                by_b = sum(1 for k in concluded.values() if k == kinds["Refus"])
                stray = sum(1 for i, k in concluded.items()
                            if (k == kinds["Vente"] and i not in a_set)
                            or (k == kinds["Refus"] and i not in b_set))
                verdict.figure(f"round {round_no}, {name}: A « {a.get('told')} » "
                               f"({a.get('status')}), B « {b.get('told')} » "
                               f"({b.get('status')}); {len(concluded)}/{len(union)} concluded")
                verdict.check(a.get("status") in (303, 422) and b.get("status") in (303, 422)
                              and 303 in (a.get("status"), b.get("status")),
                              f"{name}: both answered (303, or 422 « nothing left »)")
                verdict.check(set(concluded) == union and twice == 0
                              and audited == len(union),
                              f"{name}: every target concluded once ({audited} audit rows "
                              f"for {len(union)} targets, {twice} twice)")
                verdict.check(a.get("changed", 0) == by_a and b.get("changed", 0) == by_b
                              and by_a + by_b == len(union) and stray == 0,
                              f"{name}: counts told exact (A {a.get('changed')} = {by_a} "
                              f"Vente, B {b.get('changed')} = {by_b} Refus, {stray} "
                              "outside their batch)")
        verdict.finish()


if __name__ == "__main__":
    main()
