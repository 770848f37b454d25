"""The opportunity pipeline (seed 003, BDC): kanban, opportunities, meetings, calls."""

from flask import Blueprint

bp = Blueprint("opportunities", __name__)

from webapp.opportunities import models, routes, tally  # noqa: E402, F401
