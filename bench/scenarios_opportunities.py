"""The pipeline's scenarios (QUALITY.md: kanban board p95 < 50 ms, a column's next page
p95 < 20 ms, a move p95 < 30 ms at 100 000 opportunities), driven by a BDC agent's
session (the whole pipeline). bench/scenarios.py appends them to ``SCENARIOS``.

The manager scenarios drive a manager at each level of the demo's hierarchy (agency,
region, direction; ``run.py`` logs them in as ``manager-<level>``).

A move goes round three stages without requirements (En traitement → Réponse envoyée →
Contacté → En traitement) on opportunities that start in « En traitement », so every
request is a real move (stage changed, audit rows written) and the data ends as it was
after a multiple of three rounds.
"""

from itertools import count
from urllib.parse import urlencode

from browser import Browser
from scenario_base import HTMX, Context, Scenario, cycle

ROUND = ("reponse-envoyee", "contacte", "en-traitement")
MOVED = 100  # opportunities taken round the three stages


def _stage_ids(ctx: Context) -> list[tuple[str, int]]:
    return [(key, id_) for key, id_ in ctx.sql(
        "SELECT key, id FROM opportunity_stage ORDER BY position")]


def _stage_id(ctx: Context, key: str) -> int:
    return dict(ctx.cached(_stage_ids))[key]


def owners(ctx: Context) -> list[int]:
    """The BDC agents who own opportunities (the « Gestionnaire » filter)."""
    return [row[0] for row in ctx.sql(
        "SELECT owner_id FROM opportunity WHERE owner_id IS NOT NULL "
        "GROUP BY owner_id ORDER BY count(*) DESC LIMIT 3")] or [0]


def board_url(ctx: Context, i: int) -> str:
    return "/opportunities/"


def owner_board_url(ctx: Context, i: int) -> str:
    return "/opportunities/?" + urlencode({"owner_id": cycle(ctx.cached(owners), i)})


def cursors(ctx: Context) -> list[str]:
    """Next-page URLs of the fullest columns, 1 to 50 pages deep (the cursor is the last
    card shown: its stage entry time and id, as the board writes it)."""
    stages = ctx.sql("SELECT stage_id FROM opportunity GROUP BY stage_id "
                     "ORDER BY count(*) DESC LIMIT 3")
    urls = []
    for (stage_id,) in stages:
        for depth in (1, 2, 5, 10, 25, 50):
            rows = ctx.sql("SELECT stage_entered_at, id FROM opportunity WHERE stage_id = :s "
                           "ORDER BY stage_entered_at DESC, id DESC LIMIT 1 OFFSET :o",
                           s=stage_id, o=depth * 20 - 1)
            if rows:
                moment, id_ = rows[0]
                moment = moment if isinstance(moment, str) else moment.isoformat()
                urls.append(f"/opportunities/stages/{stage_id}/cards?"
                            + urlencode({"cursor": f"{moment}~{id_}"}))
    return urls or ["/opportunities/stages/1/cards"]


def column_url(ctx: Context, i: int) -> str:
    return cycle(ctx.cached(cursors), i)


MANAGER_SCOPES = ("agency", "region", "direction")
# Each session moves its own opportunities (ids apart by their remainder), so that two
# scenarios never move the same card round (each move is a real one).
MOVERS = ("bdc_agent", *(f"manager-{scope}" for scope in MANAGER_SCOPES))


def _movable(ctx: Context, role: str) -> list[int]:
    """Up to MOVED opportunities in « En traitement » that ``role`` sees (a manager: their
    hierarchy is the owner, the SPEX or the DV)."""
    params = {"s": _stage_id(ctx, "en-traitement"), "n": MOVED, "k": MOVERS.index(role),
              "m": len(MOVERS)}
    seen = ""
    if role != "bdc_agent":
        seen = ("AND (owner_id IN (SELECT id FROM people) OR spex_id IN (SELECT id FROM people) "
                "OR sales_director_id IN (SELECT id FROM people))")
        params["email"] = ctx.accounts[role][0]
    people = ('WITH people AS (SELECT u.id FROM "user" u JOIN team t ON t.id = u.team_id '
              'WHERE t.path LIKE (SELECT t2.path FROM "user" m JOIN team t2 '
              "ON t2.id = m.team_id WHERE m.email = :email) || '%') ") if seen else ""
    rows = ctx.sql(people + "SELECT id FROM opportunity WHERE stage_id = :s "  # nosec B608
                   f"AND id % :m = :k {seen} ORDER BY id LIMIT :n", **params)
    return [row[0] for row in rows] or [0]


def mover(role: str):
    """The n-th move of ``role``'s run (warm-up included): its opportunity n mod 100 to
    the next stage of its round, so that no request is a move to the stage it is in."""
    moves = count()

    def movable(ctx: Context) -> list[int]:
        return _movable(ctx, role)

    def move_a_card(ctx: Context, browser: Browser, _i: int) -> list:
        n = next(moves)
        ids = ctx.cached(movable)
        stage = _stage_id(ctx, ROUND[(n // len(ids)) % len(ROUND)])
        return [browser.request("POST", f"/opportunities/{ids[n % len(ids)]}/move?view=board",
                                dict(HTMX), {"stage_id": str(stage)})]

    move_a_card.__name__ = f"move_a_card_{role}"
    return move_a_card


def _manager_scenarios() -> list[Scenario]:
    """The board, a column's next page, a move and the list of a manager at each level
    (issue #18: every scope within 1.5× of the whole pipeline's)."""
    scenarios = []
    for scope in MANAGER_SCOPES:
        role = f"manager-{scope}"
        scenarios += [
            Scenario(f"kanban board, {scope} manager", board_url, role=role, target_ms=50),
            Scenario(f"kanban column, next page, {scope} manager", column_url, headers=HTMX,
                     role=role, target_ms=20),
            Scenario(f"opportunity list, first page, {scope} manager", "/opportunities/list",
                     role=role, target_ms=60),
        ]
    return scenarios


def _manager_moves() -> list[Scenario]:
    return [Scenario(f"kanban move a card, {scope} manager", run=mover(f"manager-{scope}"),
                     role=f"manager-{scope}", target_ms=30) for scope in MANAGER_SCOPES]


OPPORTUNITY_SCENARIOS = [
    Scenario("kanban board", board_url, role="bdc_agent", target_ms=50),
    Scenario("kanban board, one owner", owner_board_url, role="bdc_agent", target_ms=50),
    Scenario("kanban column, next page", column_url, headers=HTMX, role="bdc_agent",
             target_ms=20),
    Scenario("opportunity list, first page", "/opportunities/list", role="bdc_agent",
             target_ms=60),
    *_manager_scenarios(),
    # the moves last: they change the columns the reads above measure
    Scenario("kanban move a card", run=mover("bdc_agent"), role="bdc_agent", target_ms=30),
    *_manager_moves(),
]
