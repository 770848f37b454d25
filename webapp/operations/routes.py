"""The operations' routes, one module per area (each registers its views on ``bp``)."""

from webapp.operations import models  # noqa: F401  (mappers before any route)
from webapp.operations import routes_setup, routes_targets, routes_timeline  # noqa: F401
