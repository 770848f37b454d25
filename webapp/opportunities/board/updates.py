"""What the board receives after a move (by drag, by menu or by creating a meeting)."""

import json

from flask import render_template

from webapp import clock
from webapp.extensions import db
from webapp.opportunities.board.card_urls import CardUrls
from webapp.opportunities.board.queries import Filters, Total, one_card, totals
from webapp.opportunities.models import Opportunity


def moved_response(opportunity: Opportunity, old_stage_id: int, filters: Filters,
                   status: int = 200, also: tuple[int, ...] = ()):
    """Out-of-band swaps: the card leaves its column and enters its new one at the top
    (unless the filters no longer keep it), and both columns' totals change (and those
    of ``also``); the dialog closes (static/js/kanban.js then gives the focus back to the
    card's menu button). With 409: someone moved it meanwhile, the card is shown where
    it is now."""
    db.session.refresh(opportunity)  # where it is now (another mover may have won)
    ids = list(dict.fromkeys([old_stage_id, opportunity.stage_id, *also]))
    card = one_card(opportunity, clock.today(), filters)
    sums = totals(filters, ids)
    args = filters.as_args(board=True)
    body = render_template("opportunities/board/_moved.html", card=card, opportunity=opportunity,
                           totals={i: sums.get(i, Total()) for i in ids}, stage_ids=ids,
                           args=args, urls=CardUrls.build(args))
    return body, status, {"HX-Reswap": "none",
                       "HX-Trigger-After-Swap": json.dumps({"pilote:close-dialog": True})}
