"""The operations' routes, one module per area (each registers its views on ``bp``)."""

# The models first: mappers are configured before any route module uses them.
from webapp.operations import (  # noqa: F401
    models,
    reminders,
    routes_setup,
    routes_targets,
    routes_timeline,
)
