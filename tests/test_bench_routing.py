"""bench/routing.py still runs (issue #14's rows): seeded small, every row answers 200.
Its figures are measured by hand on a quiet machine (README « Routage »), never here."""

import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "routing.py"


def test_the_routing_bench_runs_every_row():
    options = ["--requests", "300", "--advisors", "12", "--samples", "2"]
    if os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        options += ["--database-url", os.environ["DATABASE_URL"]]
    run = subprocess.run([sys.executable, str(BENCH), *options], capture_output=True,
                         text=True, timeout=300,
                         env={**os.environ, "DATABASE_URL": "", "PYTHONWARNINGS": ""})
    assert run.returncode == 0, run.stderr[-3000:]
    rows = [line for line in run.stdout.splitlines() if line.startswith("| ")
            and "p50" not in line]
    assert len(rows) == 4, run.stdout
