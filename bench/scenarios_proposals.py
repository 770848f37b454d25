"""The proposals' rows of the bench (issue #16): present a 40-sub-order proposal (the
anomaly rules run first), and validate one (the same rules, then the status written).
Each validation takes a proposal still in preparation: the demo seeds 120 of them at
scale ≥ 10 000 (webapp/data/demo_proposals.py)."""

import itertools

from scenario_base import Context, Scenario

BIG_KEY = "demo-proposal-big-"
_fresh = itertools.count()  # one proposal per validation, warm-up included


def big_proposals(ctx: Context) -> list[int]:
    rows = ctx.sql("SELECT id FROM proposal WHERE key LIKE :prefix AND status = 'draft' "
                   "ORDER BY id", prefix=f"{BIG_KEY}%")
    return [row[0] for row in rows]


def present_url(ctx: Context, i: int) -> str:
    ids = ctx.cached(big_proposals)
    return f"/proposals/{ids[i % len(ids)]}/present"


def validate(ctx: Context, browser, _i: int) -> list:
    ids = ctx.cached(big_proposals)
    proposal = ids[next(_fresh) % len(ids)]
    return [browser.request("POST", f"/proposals/{proposal}/validate", {}, {})]


PROPOSAL_SCENARIOS = [
    Scenario("present a 40-sub-order proposal", present_url, role="bdc_agent", target_ms=50),
    # A 302 to the proposal's page (not followed): the rules, the write, the commit.
    Scenario("validate a 40-sub-order proposal", run=validate, role="bdc_agent",
             target_ms=50, expect=(302,), max_requests=100),
]
