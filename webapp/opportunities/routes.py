"""The pipeline's routes, one module per area (each registers its views on ``bp``)."""

from webapp.opportunities import (  # noqa: F401
    reminders,
    routes_board,
    routes_calls,
    routes_home,
    routes_list,
    routes_meetings,
    routes_opportunity,
    routes_settings,
    routes_staff,
)
