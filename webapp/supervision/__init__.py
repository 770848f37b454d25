"""Supervision of commercial operations: the figures of METRICS.md, computed once."""

from flask import Blueprint

bp = Blueprint("supervision", __name__)

from webapp.supervision import routes, routes_bilan, routes_editions, routes_gestion  # noqa: E402, F401
