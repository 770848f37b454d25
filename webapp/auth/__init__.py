from flask import Blueprint

bp = Blueprint("auth", __name__)

from webapp.auth import admin, routes  # noqa: E402, F401
