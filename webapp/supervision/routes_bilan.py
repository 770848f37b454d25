"""The Bilan tabs: Détail (the figures by operation, advisor, client, or along the viewer's
hierarchy with rows expanded by htmx) and Synthèse (the dashboard over one compute())."""

import re

from flask import abort, render_template, request
from flask_login import login_required

from webapp.htmx import render
from webapp.ids import id_param
from webapp.supervision import bp
from webapp.supervision.bilan import (
    GROUPS,
    advisor_rows,
    hierarchy,
    operation_rows,
    total_of,
)
from webapp.supervision.charts import Synthesis, step_chart
from webapp.supervision.gestion import Filters, listing, page_of, state_label
from webapp.supervision.metrics import Scope, client_shares, compute
from webapp.supervision.params import scope_args, scope_from_args, tab_context
from webapp.supervision.rates import PACE_LABELS, pace

MAX_DEPTH = 8


def _clients(scope: Scope) -> dict:
    """One page of the scope's clients (the Gestion list's rows)."""
    return {"page": page_of(listing(scope, Filters()), request.args.get("page", 1, type=int)),
            "state_label": state_label}


def _rows(scope: Scope, group: str) -> list:
    if group == "operation":
        return operation_rows(scope)
    if group == "advisor":
        return advisor_rows(scope)
    return hierarchy(scope).top()


@bp.route("/detail")
@login_required
def detail():
    """« Onglet Bilan – Détail »: the figures grouped by operation, advisor, client, or
    along the hierarchy (team → advisor → client)."""
    scope = scope_from_args()
    group = request.args.get("group", "team")
    group = group if group in GROUPS else "team"
    context = {**tab_context(scope), "group": group, "groups": GROUPS, "rows": [],
               "total": None, "page": None}
    if group == "client":
        context.update(_clients(scope))
    else:
        rows = _rows(scope, group)
        context.update(rows=rows, total=total_of(rows, "Total", context["args"],
                                                 objective=group == "operation"))
    return render("supervision/detail.html", "bilan", **context)


@bp.route("/detail/rows")
@login_required
def detail_rows():
    """The lines one line of the Détail holds (htmx): a team's sub-teams and advisors
    (``team``), the scope's advisors or clients (``list``), else the hierarchy's top."""
    scope = scope_from_args()
    depth = max(0, min(request.args.get("depth", 0, type=int), MAX_DEPTH))
    parent = request.args.get("parent", "")
    parent = parent if re.fullmatch(r"[a-z0-9-]{1,300}", parent) else ""
    context = {"args": scope_args(scope), "parent": parent, "depth": depth}
    listed, team = request.args.get("list"), request.args.get("team", type=id_param)
    if listed == "clients" and not team:
        return render_template("supervision/_detail_clients_row.html", **context,
                               **_clients(scope))
    return render_template("supervision/_detail_rows.html",
                           rows=_expanded(scope, team, listed, depth), **context)


def _expanded(scope: Scope, team: int | None, listed: str | None, depth: int) -> list:
    """A team's sub-teams and advisors (404 outside the hierarchy), the scope's
    advisors, or the hierarchy's top."""
    if team:
        tree = hierarchy(scope)
        if team not in tree.team_rows:
            abort(404)
        return tree.children(team, depth)
    if listed == "advisors":
        return advisor_rows(scope, depth)
    return hierarchy(scope).top()


@bp.route("/synthese")
@login_required
def synthese():
    """« Onglet Bilan – Synthèse »: pilotage figures, clients, rates and the steps, with
    their charts; choosing a step (htmx) shows its progress and passage rates."""
    scope = scope_from_args()
    figures = compute(scope)
    position = request.args.get("step", 1, type=id_param)
    chosen = next((s for s in figures.steps if s.position == position),
                  figures.steps[0] if figures.steps else None)
    return render("supervision/synthese.html", "steps", figures=figures,
                  charts=Synthesis(figures), shares=client_shares(figures),
                  pace=pace(figures.progress_rate), pace_labels=PACE_LABELS, chosen=chosen,
                  chosen_chart=step_chart(chosen) if chosen else None,
                  **tab_context(scope))
