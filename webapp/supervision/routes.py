"""Supervision routes: the pilotage box and `metrics.json` (the JSON contract of METRICS.md)."""

from flask import jsonify, request
from flask_login import current_user, login_required

from webapp import clock
from webapp.htmx import render
from webapp.supervision import bp
from webapp.supervision.bilan import advisor_rows
from webapp.supervision.metrics import Figures, Scope, compute, operations_in
from webapp.supervision.params import AS_OF_ERROR, parse_as_of, scope_from_args
from webapp.supervision.rates import cents, percent

TEAM_ROWS = 12  # the home box; the Détail lists them all


def as_json(figures: Figures, scope: Scope) -> dict:
    cal = figures.calendar
    return {
        "scope": {"operation": scope.operation and (scope.operation.key or scope.operation.id),
                  "advisor": scope.advisor and (scope.advisor.key or scope.advisor.id),
                  "as_of": scope.as_of.isoformat()},
        "objective": cents(figures.objective), "potential": cents(figures.potential),
        "collected": cents(figures.collected),
        "remaining_to_objective": cents(figures.remaining_to_objective),
        "remaining_potential": cents(figures.remaining_potential),
        "duration_days": cal and cal.duration_days, "day_number": cal and cal.day_number,
        "days_remaining": cal and cal.days_remaining,
        "expected_to_date": (cents(figures.expected_to_date)
                             if figures.expected_to_date is not None else None),
        "progress_rate": percent(figures.progress_rate),
        "clients": {"total": figures.total, "accepted": figures.accepted,
                    "refused": figures.refused, "in_progress": figures.in_progress},
        "transformation_rate": percent(figures.transformation_rate),
        "equipment_rate": percent(figures.equipment_rate),
        "steps": [{"key": s.key, "name": s.name, "position": s.position,
                   "concerned": s.concerned, "completed": s.completed,
                   "no_longer_concerned": s.no_longer_concerned,
                   "progress_rate": percent(s.progress_rate),
                   "passage_rate": percent(s.passage_rate)} for s in figures.steps],
    }


@bp.route("/pilotage")
@login_required
def pilotage():
    """The pilotage box: all my operations, or one when its line is chosen (htmx)."""
    scope = scope_from_args()
    return render("supervision/pilotage.html", "pilotage",
                  figures=compute(scope, steps=False), scope=scope,
                  operations=operations_in(Scope(viewer=current_user, as_of=scope.as_of)))


@bp.route("/equipe")
@login_required
def team_box():
    """« Mon équipe »: the pilotage figures of the viewer's scope by advisor, each opening
    the advisor's clients (Gestion) — the manager's home box."""
    scope = Scope(viewer=current_user, as_of=clock.today())
    return render("supervision/team.html", "team", rows=advisor_rows(scope)[:TEAM_ROWS],
                  figures=compute(scope, steps=False))


@bp.route("/metrics.json")
@login_required
def metrics_json():
    """The supervision figures of the viewer's scope (METRICS.md JSON contract)."""
    as_of = parse_as_of(request.args.get("as_of"))
    if as_of is None:
        return jsonify(error=AS_OF_ERROR), 400
    scope = scope_from_args(as_of)
    return jsonify(as_json(compute(scope), scope))
