"""Client request routing (seed 002): intake by phone or e-mail, the competence table,
transmission with the 7-day feedback, the tracking table, bonus/malus and boosters.

One blueprint, ``bp``; the sub-feature packages (``intake``, ``tracking``,
``competences``, ``boosters``) register their views on it."""

from flask import Blueprint

bp = Blueprint("routing", __name__)

from webapp.routing import models, reminders  # noqa: E402, F401
from webapp.routing.boosters import routes as boosters_routes  # noqa: E402, F401
from webapp.routing.competences import routes as competences_routes  # noqa: E402, F401
from webapp.routing.intake import routes as intake_routes  # noqa: E402, F401
from webapp.routing.tracking import routes as tracking_routes  # noqa: E402, F401
