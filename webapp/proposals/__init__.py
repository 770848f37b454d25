"""Commercial proposals with sub-orders (issue #16, seed 001 slides 6, 25, 33, 36–42):
the proposal and its sub-orders, the anomaly check at « Présenter » with the one-click
split, the e-signature by SMS code and the « remise en production ».

One blueprint, ``bp``; the sub-feature packages (``presentation``, ``signature``,
``production``) register their views on it."""

from flask import Blueprint

bp = Blueprint("proposals", __name__)

from webapp.proposals import models, routes  # noqa: E402, F401
from webapp.proposals.presentation import routes as presentation_routes  # noqa: E402, F401
from webapp.proposals.production import routes as production_routes  # noqa: E402, F401
from webapp.proposals.signature import routes as signature_routes  # noqa: E402, F401
