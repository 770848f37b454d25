"""The benchmark's scenarios: one row of the table each.

A module adds its pages by appending to ``SCENARIOS``::

    Scenario("kanban board", "/operations/1/board", target_ms=50)
    Scenario("kanban column, next page", column_url, headers=HTMX, target_ms=20)
    Scenario("move a card", move_url, method="POST", form=move_form, headers=HTMX,
             target_ms=30, expect=(200,))

``url`` and ``form`` are either fixed values or functions ``(ctx, i) -> value``, where
``i`` counts the requests of the scenario (cycle over realistic parameters with it) and
``ctx`` is the ``Context``: ``ctx.sql(...)`` reads the seeded database, ``ctx.cached(fn)``
computes a sample list once per run. POSTs carry the session's CSRF token in the
``X-CSRFToken`` header, as htmx does. A scenario that is a sequence of requests (the login
round trip) gives ``run(ctx, browser, i) -> [responses]`` instead of a URL.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from browser import Browser
from scenario_base import HTMX, Context, Scenario, cycle
from scenarios_activities import ACTIVITY_SCENARIOS
from scenarios_opportunities import OPPORTUNITY_SCENARIOS
from scenarios_proposals import PROPOSAL_SCENARIOS
from scenarios_selection import SELECTION_SCENARIOS

# --- client files ---------------------------------------------------------------------

def search_terms(ctx: Context) -> list[str]:
    """What people type in the search box, letter by letter: prefixes of frequent and rare
    last names, a name followed by a first name, phone and e-mail prefixes."""
    frequent = ctx.sql("SELECT last_name, count(*) AS n FROM client GROUP BY last_name "
                       "ORDER BY n DESC, last_name LIMIT 6")
    rare = ctx.sql("SELECT last_name FROM client GROUP BY last_name "
                   "ORDER BY count(*), last_name LIMIT 2")
    person = ctx.sql("SELECT last_name, first_name FROM client ORDER BY id LIMIT 1 "
                     "OFFSET (SELECT count(*) / 2 FROM client)")
    phones = ctx.sql("SELECT phone_key FROM client WHERE phone_key IS NOT NULL "
                     "ORDER BY id LIMIT 2 OFFSET 7")
    emails = ctx.sql("SELECT email_key FROM client WHERE email_key IS NOT NULL "
                     "ORDER BY id LIMIT 2 OFFSET 11")
    terms = []
    for (name, _count) in frequent:
        terms += [name[:2].lower(), name[:3].lower(), name[:4].lower()]
    for (name,) in rare:
        terms += [name[:4].lower(), name[:6].lower()]
    for last, first in person:
        terms += [f"{last.lower()} {first[:1].lower()}", f"{first[:3].lower()}"]
    for (key,) in phones:
        terms += [f"{key[:2]} {key[2]}", f"{key[:2]} {key[2:4]} {key[4:6]}"]
    for (key,) in emails:
        terms += [key[:4], key[:7]]
    return [t for t in dict.fromkeys(terms) if len(t.strip()) >= 2]


def client_search_url(ctx: Context, i: int) -> str:
    """The active search form's htmx GET: every field of the filter form is sent."""
    query = {"q": cycle(ctx.cached(search_terms), i), "branch_id": 0, "advisor_id": 0,
             "language": ""}
    return "/clients/?" + urlencode(query)


def picker_url(ctx: Context, i: int) -> str:
    query = {"picker": "p", "field": "client_id", "q": cycle(ctx.cached(search_terms), i)}
    return "/clients/picker?" + urlencode(query)


# --- operations -------------------------------------------------------------------------

BIG_OPERATION = "op-bilan-patrimonial-national"  # webapp/data/demo_operations.py


def big_operation_targets(ctx: Context) -> list[int]:
    """Targets of the demo's 20 000-target operation that the advisor session follows,
    spread over the operation (every target, if that advisor has none)."""
    email, _password = ctx.accounts.get("advisor", ("", ""))
    query = ("SELECT t.id FROM target t JOIN operation o ON o.id = t.operation_id "
             "{join} WHERE o.key = :key {where} ORDER BY t.id")
    mine = ctx.sql(query.format(join='JOIN "user" u ON u.id = t.advisor_id',
                                where="AND lower(u.email) = lower(:email)"),
                   key=BIG_OPERATION, email=email)
    rows = mine or ctx.sql(query.format(join="", where=""), key=BIG_OPERATION)
    ids = [row[0] for row in rows]
    return ids[:: max(1, len(ids) // 50)] or [0]


def timeline_url(ctx: Context, i: int) -> str:
    return f"/operations/targets/{cycle(ctx.cached(big_operation_targets), i)}"


# --- supervision ------------------------------------------------------------------------

def big_operation_id(ctx: Context) -> list[int]:
    return [row[0] for row in ctx.sql("SELECT id FROM operation WHERE key = :key",
                                      key=BIG_OPERATION)] or [0]


def supervision_url(path: str, **args) -> Callable[[Context, int], str]:
    """A supervision page of the big operation (the admin sees its 20 000 targets)."""
    def url(ctx: Context, _i: int) -> str:
        query = urlencode({"operation": ctx.cached(big_operation_id)[0], **args})
        return f"/supervision/{path}?{query}"

    return url


def bulk_conclude_everything_left(ctx: Context, browser: Browser, _i: int) -> list:
    """End of the campaigns: every client still in progress in every operation (5 170 at
    --scale 100000, 4 201 of them in the big one) concluded « Sans décision » at once
    (select all N matching, confirmed)."""
    kind = ctx.sql("SELECT id FROM conclusion_kind WHERE name = 'Sans décision'")[0][0]
    url = "/supervision/gestion/conclure?figure=in_progress"
    form = {"all": "1", "conclusion_kind_id": str(kind), "conclusion_date": "2026-11-22",
            "amount": "", "confirmed": "1"}
    return [browser.request("POST", url, dict(HTMX), form)]


# --- login ----------------------------------------------------------------------------

def login_round_trip(ctx: Context, _browser: Browser, _i: int) -> list:
    """GET /login and POST /login (argon2 check included) in a fresh cookie jar."""
    email, password = ctx.accounts["manager"]
    return ctx.browser().login(email, password)


SCENARIOS: list[Scenario] = [
    Scenario("login (GET + POST /login)", run=login_round_trip, expect=(302,), max_requests=100),
    Scenario("home", "/", target_ms=50),
    Scenario("home (advisor)", "/", role="advisor", target_ms=50),
    Scenario("home (BDC: « Mes opportunités »)", "/", role="bdc_agent", target_ms=50),
    Scenario("client list, first page", "/clients/", target_ms=60),
    Scenario("client list, first page (admin)", "/clients/", role="admin", target_ms=60),
    Scenario("client search as you type", client_search_url, headers=HTMX, target_ms=30),
    Scenario("client search (advisor)", client_search_url, headers=HTMX, role="advisor",
             target_ms=30),
    Scenario("client search (admin)", client_search_url, headers=HTMX, role="admin",
             target_ms=30),
    Scenario("client picker search", picker_url, headers=HTMX, target_ms=30),
    Scenario("client timeline (20 000-target operation)", timeline_url, role="advisor",
             target_ms=30),
    Scenario("metrics.json (20 000-target operation)", supervision_url("metrics.json"),
             role="admin", target_ms=150),
    Scenario("Synthèse (20 000-target operation)", supervision_url("synthese"), role="admin",
             target_ms=150),
    Scenario("Gestion, first page (20 000 targets)", supervision_url("gestion"),
             role="admin", target_ms=60),
    Scenario("Bilan – Détail by advisor (20 000 targets)",
             supervision_url("detail", group="advisor"), role="admin"),
    Scenario("Excel export (20 000 rows)", supervision_url("gestion/export.xlsx"),
             role="admin", target_ms=5000, max_requests=5),
    # Last: it changes the data.
    Scenario("bulk conclude, every client left (5 170)", run=bulk_conclude_everything_left,
             role="admin", target_ms=2000, expect=(204,), once=True),
]

# The pipeline's pages, before the bulk conclusion, which must stay last.
SCENARIOS[-1:-1] = OPPORTUNITY_SCENARIOS
SCENARIOS[-1:-1] = ACTIVITY_SCENARIOS  # around the client (issue #15)
SCENARIOS[-1:-1] = PROPOSAL_SCENARIOS
SCENARIOS[-1:-1] = SELECTION_SCENARIOS  # « Requêtes »
