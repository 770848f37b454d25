"""The back-office desk (seed 000): requests routed by a matrix, R1/R2 workflows, the
new-contract checklist, booklets, commercial gestures, incentives and the R1 recap."""

from flask import Blueprint

bp = Blueprint("backoffice", __name__)

from webapp.backoffice import routes  # noqa: E402, F401
