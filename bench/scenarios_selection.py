"""« Requêtes »: the client list's builder with three criteria, first page and capped
count, for a manager and for the admin: département, language and advisor (a manager's
everyday query), and département, language and advisor situation (reads the advisor
periods: the slower one)."""

from urllib.parse import urlencode

from scenario_base import HTMX, Context, Scenario, cycle


def departments(ctx: Context) -> list[str]:
    """The départements the demo's clients live in, the most frequent first."""
    rows = ctx.sql("SELECT substr(postal_code, 1, 2) AS d, count(*) AS n FROM client "
                   "WHERE postal_code IS NOT NULL GROUP BY d ORDER BY n DESC LIMIT 6")
    return [d for (d, _n) in rows if d and d.isdigit()] or ["69"]


def advisors(ctx: Context) -> list[int]:
    return [a for (a,) in ctx.sql("SELECT advisor_id FROM client WHERE advisor_id IS NOT NULL "
                                  "GROUP BY advisor_id ORDER BY count(*) DESC LIMIT 6")]


def three_criteria_url(ctx: Context, i: int) -> str:
    query = [("department", cycle(ctx.cached(departments), i)), ("language", "fr"),
             ("advisor_id", cycle(ctx.cached(advisors), i)), ("advisor_id",
                                                               cycle(ctx.cached(advisors), i + 1))]
    return "/clients/?" + urlencode(query)


def situation_url(ctx: Context, i: int) -> str:
    query = [("department", cycle(ctx.cached(departments), i)), ("language", "fr"),
             ("situation", "present")]
    return "/clients/?" + urlencode(query)


SELECTION_SCENARIOS = [
    Scenario("client query, 3 criteria, first page", three_criteria_url, headers=HTMX,
             target_ms=80),
    Scenario("client query, 3 criteria (admin)", three_criteria_url, headers=HTMX,
             role="admin", target_ms=80),
    Scenario("client query, with the advisor situation (admin)", situation_url,
             headers=HTMX, role="admin", target_ms=80),
]
