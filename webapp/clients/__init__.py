from flask import Blueprint

bp = Blueprint("clients", __name__)

from webapp.clients import routes  # noqa: E402, F401
from webapp.clients.selection import routes as selection_routes  # noqa: E402, F401
