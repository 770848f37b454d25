"""The operations' routes, one module per area (each registers on ``bp``)."""

from webapp.operations import models  # noqa: F401  (mappers before any route)
