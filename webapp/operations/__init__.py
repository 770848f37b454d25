"""Commercial operations: set-up (list, form, steps, targets) and the client timeline."""

from flask import Blueprint

bp = Blueprint("operations", __name__)

from webapp.operations import routes  # noqa: E402, F401
