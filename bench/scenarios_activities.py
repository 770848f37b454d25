"""Around the client (issue #15): the client's activity feed on the busiest client (2 000
activities at --scale 100000; issue #15: p95 < 40 ms) and « Mes tâches » with 100 000
tasks in the base (the home page's box, an advisor's session). bench/scenarios.py appends
them to ``SCENARIOS``."""

from scenario_base import HTMX, Context, Scenario, cycle


def busiest_clients(ctx: Context) -> list[int]:
    """The clients with the most tasks (the demo gives the first one 2 000 activities)."""
    return [row[0] for row in ctx.sql(
        "SELECT client_id FROM activity_task GROUP BY client_id "
        "ORDER BY count(*) DESC LIMIT 1")] or [1]


def feed_url(ctx: Context, i: int) -> str:
    client = cycle(ctx.cached(busiest_clients), i)
    return f"/activities/clients/{client}/feed?page={1 + i % 3}"


def feed_kind_url(ctx: Context, i: int) -> str:
    client = cycle(ctx.cached(busiest_clients), i)
    return f"/activities/clients/{client}/feed?kind=task&page={1 + i % 5}"


ACTIVITY_SCENARIOS = [
    Scenario("client feed (2 000 activities)", feed_url, headers=HTMX, role="admin",
             target_ms=40),
    Scenario("client feed, one kind (2 000 activities)", feed_kind_url, headers=HTMX,
             role="admin", target_ms=40),
    Scenario("« Mes tâches » (100 000 tasks)", "/activities/tasks/box", role="advisor",
             target_ms=30),
    Scenario("group's open rejets (100 000 tasks)", "/activities/tasks?kind=rejet&status=open",
             role="manager", target_ms=60),
]
