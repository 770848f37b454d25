"""The back-office desk's routes, one module per area (each registers its views on ``bp``)."""

# The models first: mappers are configured before any route module uses them.
from webapp.backoffice import (  # noqa: F401
    models,
    reminders,
    routes_booklets,
    routes_checklist,
    routes_gestures,
    routes_incentives,
    routes_matrix,
    routes_recap,
    routes_requests,
)
