"""sqlmap against a throwaway instance (issue #19): the client search, the opportunity
list and kanban (filters, a column's cursor), Gestion's filters and sort, the operation's
targets and the back-office queue. A fresh demo database is seeded and served by gunicorn
on 127.0.0.1; sqlmap (PyPI package ``sqlmap``, in the ``test`` extra) runs signed in as
the demo's admin, one run per page over its query parameters. Any « is vulnerable »,
« … injectable » (but « does not seem to be injectable »), « might be injectable » or
« injection point » line fails the run (exit 1). Runnable alone; prints its figures.

    .venv/bin/python bench/sqlmap_scan.py [--database-url postgresql+psycopg://…]
        [--level 1] [--risk 1]

Part of `make test` (`make test-sqlmap`, on SQLite): see README « Sécurité ».
"""

import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from faults_common import Verdict, arguments, stack

FOUND = re.compile(r"\bis vulnerable\b|parameter '[^']+' (?:appears|seems) to be .*injectable"
                   r"|parameter '[^']+' is '.*' injectable|might be injectable"
                   r"|identified the following injection point", re.I)
NEGATIVE = re.compile(r"parameter '([^']+)' does not seem to be injectable", re.I)
# What sqlmap prints, both ways (its 1.x wording): the patterns are checked on them first.
POSITIVE_LINES = (
    "GET parameter 'q' is vulnerable. Do you want to keep testing the others (if any)?",
    "GET parameter 'id' appears to be 'AND boolean-based blind - WHERE or HAVING clause' "
    "injectable",
    "heuristic (basic) test shows that GET parameter 'id' might be injectable",
    "GET parameter 'id' is 'Generic UNION query (NULL) - 1 to 20 columns' injectable",
    "sqlmap identified the following injection point(s) with a total of 46 HTTP(s) requests:")
NEGATIVE_LINES = (
    "GET parameter 'q' does not seem to be injectable",
    "heuristic (basic) test shows that GET parameter 'q' might not be SQL injectable",
    "all tested parameters do not appear to be injectable. Try to increase values for "
    "'--level'/'--risk' options",
    "target URL content is not stable (i.e. content differs). … no dynamic nor injectable "
    "parameters are detected")


def _patterns_hold() -> None:
    assert all(FOUND.search(line) for line in POSITIVE_LINES)
    assert not any(FOUND.search(line) for line in NEGATIVE_LINES)


def targets(s) -> list[tuple[str, str]]:
    """(url, parameters to test) of the pages with filters, search and sort."""
    operation = s.scalar("SELECT operation_id FROM target GROUP BY operation_id "
                         "ORDER BY count(*) DESC LIMIT 1")
    stage = s.scalar("SELECT min(id) FROM opportunity_stage")
    advisor = s.scalar("SELECT min(advisor_id) FROM target WHERE operation_id = :op",
                       op=operation)
    step = s.scalar("SELECT min(id) FROM step WHERE operation_id = :op", op=operation)
    team = s.scalar('SELECT team_id FROM "user" WHERE id = :id', id=advisor)
    today = date.today().isoformat()
    return [
        ("/clients/?q=martin&branch_id=1&advisor_id=2&language=fr&page=1",
         "q,branch_id,advisor_id,language,page"),
        (f"/opportunities/list?owner_id=2&branch_id=1&type_id=1&since=2026-01-01"
         f"&until={today}&stage_id={stage}&page=1",
         "owner_id,branch_id,type_id,since,until,stage_id,page"),
        (f"/opportunities/?owner_id=2&branch_id=1&type_id=1&since=2026-01-01&until={today}",
         "owner_id,branch_id,type_id,since,until"),
        (f"/opportunities/stages/{stage}/cards?cursor=abc&owner_id=2", "cursor"),
        (f"/supervision/gestion?operation={operation}&figure=in_progress&step={step}"
         f"&team={team}&q=a&sort=client&desc=1&advisor={advisor}&as_of={today}&page=1",
         "operation,figure,step,team,q,sort,desc,advisor,as_of,page"),
        (f"/operations/{operation}/targets?advisor_id={advisor}&page=1", "advisor_id,page"),
        ("/bo/?status=open&type_id=1&assignee=me&q=a&page=1", "status,type_id,assignee,q,page"),
        (f"/clients/?department=69&city=Lyon&postal_code=69003&situation=present"
         f"&created_from=2020-01-01&opportunity=yes&stage_id={stage}&target=yes"
         f"&operation_id={operation}&target_state=in_progress&churned=no",
         "department,city,postal_code,situation,created_from,opportunity,stage_id,target,"
         "operation_id,target_state,churned"),
        ("/routing/?status=open&type_id=1&company_id=1&advisor_id=2&page=1",
         "status,type_id,company_id,advisor_id,page"),
    ]


def main():
    def extra(p):
        p.add_argument("--level", type=int, default=1, choices=(1, 2, 3, 4, 5))
        p.add_argument("--risk", type=int, default=1, choices=(1, 2, 3))
        p.add_argument("--only", help="only the pages whose path contains this")
        p.add_argument("--verbose", action="store_true", help="print sqlmap's output")
    _patterns_hold()
    args = arguments(__doc__.splitlines()[0], scale=1_000, rounds=1, extra=extra)
    sqlmap = shutil.which("sqlmap", path=str(Path(sys.executable).parent)) or \
        shutil.which("sqlmap")
    if sqlmap is None:
        sys.exit("sqlmap is not installed: .venv/bin/pip install sqlmap (the test extra)")
    with stack(args, "sqlmap") as s:
        verdict = Verdict("sqlmap", s.db.engine_label)
        http = s.browser("admin")
        cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
        dbms = "SQLite" if s.kind == "sqlite" else "PostgreSQL"
        output = Path(tempfile.mkdtemp(prefix="pilote-sqlmap-"))
        tested, started = 0, time.monotonic()
        debug = ["-v", "3"] if args.verbose else []
        try:
            for url, params in targets(s):
                if args.only and args.only not in url:
                    continue
                begun = time.monotonic()
                run = subprocess.run(
                    [sqlmap, "-u", f"http://127.0.0.1:{s.port}{url}", "-p", params,
                     "--cookie", cookie, "--batch", f"--level={args.level}",
                     f"--risk={args.risk}", f"--dbms={dbms}", "--flush-session",
                     "--disable-coloring", "--threads=4", "--timeout=30", "--retries=1",
                     f"--output-dir={output}", "--skip-waf", "--answers=follow=N", *debug],
                    capture_output=True, text=True, timeout=1800)
                lines = run.stdout.splitlines()
                if args.verbose:
                    print(run.stdout[-6000:])
                hits = [line for line in lines if FOUND.search(line)
                        and not NEGATIVE.search(line)]
                clean = sorted({m.group(1) for line in lines
                                if (m := NEGATIVE.search(line))})
                tested += len(clean)
                path = url.split("?")[0]
                verdict.check(not hits and run.returncode == 0 and clean,
                              f"{path}: {len(clean)}/{len(params.split(','))} parameters "
                              f"not injectable ({', '.join(clean)}) in "
                              f"{time.monotonic() - begun:.0f} s"
                              + (f"; FOUND: {hits[:3]}" if hits else "")
                              + (f"; sqlmap exit {run.returncode}: {lines[-3:]}"
                                 if run.returncode else ""))
            alive = http.get("/")
            verdict.check(alive.status == 200, "the session survived the scan (still 200)")
            log = s.server.log.read_text(errors="replace")
            errors = log.count("ERROR in app")  # Flask's « Exception on … »: a 500
            verdict.check(errors == 0, f"the app logged {errors} exceptions (500s)")
            # A connection sqlmap opened and left idle holds a sync worker until gunicorn's
            # timeout (« no URI read »): what the buffering proxy of README « Deploying »
            # absorbs in production. Reported, not an injection.
            verdict.figure(f"gunicorn worker timeouts on idle connections: "
                           f"{log.count('WORKER TIMEOUT')}")
        finally:
            shutil.rmtree(output, ignore_errors=True)
        verdict.figure(f"{tested} parameters over {len(targets(s))} pages, level "
                       f"{args.level} risk {args.risk}, {time.monotonic() - started:.0f} s")
        verdict.finish()


if __name__ == "__main__":
    main()
