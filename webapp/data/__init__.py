"""`flask data import|export|demo`: the pilote/v1 format."""

from flask import Blueprint

bp = Blueprint("data", __name__, cli_group="data")

from webapp.data import commands  # noqa: E402, F401
