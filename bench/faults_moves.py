"""Fault: 8 users move the same kanban cards at once (opportunities, the BDC board):
8 movers over 6 cards, then 8 movers on one card in lockstep. No 500; the loser of a race
is told (409, the card as it is now); no lost update (each card's version grew by exactly
the moves written, and its stage is the last one written); the columns' tally agrees with
the cards (drift 0). Runnable alone; exits 1 on a failed check.

    .venv/bin/python bench/faults_moves.py [--database-url postgresql+psycopg://…]
"""

import random
import threading
from collections import Counter

from faults_common import Verdict, arguments, stack

FREE = ("En traitement", "Réponse envoyée", "Contacté", "Rendez-vous présent / Walk-in",
        "En suivi long-terme")  # stages that require nothing (the demo's defaults)


def mover(http, cards: list[int], stages: list[int], moves: int, seed: int,
          statuses: Counter, lock, barrier=None):
    rng = random.Random(seed)
    board = seed % 2 == 0  # half move from the board (htmx), half from the card's page
    for _ in range(moves):
        card, stage = rng.choice(cards), rng.choice(stages)
        if barrier is not None:
            barrier.wait(timeout=60)
        path = f"/opportunities/{card}/move" + ("?view=board" if board else "")
        headers = {"HX-Request": "true"} if board else None
        try:
            status = http.post(path, {"stage_id": str(stage)}, headers=headers).status
        except OSError as error:
            status = type(error).__name__
        with lock:
            statuses[status] += 1


def run_phase(s, verdict, name, browsers, cards, stages, moves, lockstep):
    mark = s.scalar("SELECT coalesce(max(id), 0) FROM audit_row")
    listed = ",".join(map(str, cards))  # ids read from the database: integers
    before = dict(s.rows(f"SELECT id, version FROM opportunity WHERE id IN ({listed})"))
    statuses: Counter = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(len(browsers)) if lockstep else None
    threads = [threading.Thread(target=mover, args=(
        http, cards, stages, moves, n, statuses, lock, barrier))
        for n, http in enumerate(browsers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    after = {row[0]: row[1:] for row in s.rows(
        f"SELECT id, version, stage_id FROM opportunity WHERE id IN ({listed})")}
    written = Counter(r[0] for r in s.rows(
        "SELECT object_id FROM audit_row WHERE id > :mark AND object_type = 'opportunity' "
        "AND field = 'stage_id'", mark=mark))
    last = {r[0]: r[1] for r in s.rows(
        "SELECT a.object_id, a.new FROM audit_row a WHERE a.id = (SELECT max(b.id) FROM "
        "audit_row b WHERE b.id > :mark AND b.object_type = 'opportunity' AND b.field = "
        "'stage_id' AND b.object_id = a.object_id)", mark=mark)}
    lost = [c for c in cards if after[c][0] - before[c] != written[c]
            or (c in last and str(after[c][1]) != str(last[c]))]
    verdict.figure(f"{name}: {sum(statuses.values())} moves, answers "
                   f"{dict(sorted(statuses.items(), key=str))}, {sum(written.values())} "
                   "written")
    verdict.check(not any(k == 500 or not isinstance(k, int) for k in statuses),
                  f"{name}: no 500 and no dropped connection")
    verdict.check(set(statuses) <= {200, 204, 302, 409},
                  f"{name}: only moves (200 on the board, 302 from the card), a refusal's "
                  "dialog (200) and 409s")
    verdict.check(not lost, f"{name}: no lost update (version delta = moves written, "
                  f"stage = last written) on {len(cards)} cards{f': {lost}' if lost else ''}")
    with s.app_context():
        from webapp.opportunities.tally import drift

        off = drift()
    verdict.check(not off, f"{name}: tally drift {len(off)}")


def main():
    args = arguments(__doc__.splitlines()[0], scale=5_000, rounds=40)
    with stack(args, "faults-moves") as s:
        verdict = Verdict("8 concurrent moves on the same cards", s.db.engine_label)
        stages = [r[0] for r in s.rows("SELECT id, name FROM opportunity_stage")
                  if r[1] in FREE]
        listed = ",".join(map(str, stages))
        cards = [r[0] for r in s.rows(
            f"SELECT id FROM opportunity WHERE stage_id IN ({listed}) ORDER BY id LIMIT 6")]
        browsers = [s.browser("bdc_agent") for _ in range(8)]
        verdict.figure(f"cards {cards}, stages {stages}, 8 sessions of a BDC agent")
        run_phase(s, verdict, "8 movers × 6 cards", browsers, cards, stages, args.rounds,
                  lockstep=False)
        run_phase(s, verdict, "8 movers × 1 card, in lockstep", browsers, cards[:1], stages,
                  args.rounds // 2, lockstep=True)
        verdict.finish()


if __name__ == "__main__":
    main()
