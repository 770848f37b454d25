"""The back-office desk (seed 000): requests routed by a matrix, R1/R2 workflows, the
new-contract checklist, booklets, commercial gestures, incentives and the R1 recap.

One blueprint, ``bp``; each sub-feature package (``requests``, ``checklist``, ``booklets``,
``gestures``, ``incentives``, ``matrix``, ``recap``) registers its views on it."""

from flask import Blueprint

bp = Blueprint("backoffice", __name__)

# The models first: mappers are configured before any route module uses them.
from webapp.backoffice import models, reminders  # noqa: E402, F401
from webapp.backoffice.booklets import routes as booklets_routes  # noqa: E402, F401
from webapp.backoffice.checklist import routes as checklist_routes  # noqa: E402, F401
from webapp.backoffice.gestures import routes as gestures_routes  # noqa: E402, F401
from webapp.backoffice.incentives import routes as incentives_routes  # noqa: E402, F401
from webapp.backoffice.matrix import routes as matrix_routes  # noqa: E402, F401
from webapp.backoffice.recap import routes as recap_routes  # noqa: E402, F401
from webapp.backoffice.requests import routes as requests_routes  # noqa: E402, F401
