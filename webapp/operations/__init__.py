"""Commercial operations: set-up (list, form, steps, shares), their clients (targets) and
the per-client timeline; one blueprint, each sub-feature registering its views on it."""

from flask import Blueprint

bp = Blueprint("operations", __name__)

# The models first: mappers are configured before any route module uses them.
from webapp.operations import models, reminders  # noqa: E402, F401
from webapp.operations.setup import routes as setup_routes  # noqa: E402, F401
from webapp.operations.targets import routes as target_routes  # noqa: E402, F401
from webapp.operations.timeline import routes as timeline_routes  # noqa: E402, F401
