"""The pipeline's routes: the opportunity's own (detail, form, list, export, home box) and
the sub-features' (board, meetings, calls, settings), each registering its views on ``bp``."""

from webapp.opportunities import (  # noqa: F401
    reminders,
    routes_home,
    routes_list,
    routes_opportunity,
)
from webapp.opportunities.board import routes as board_routes  # noqa: F401
from webapp.opportunities.calls import routes as calls_routes  # noqa: F401
from webapp.opportunities.meetings import routes as meetings_routes  # noqa: F401
from webapp.opportunities.settings import routes as settings_routes  # noqa: F401
from webapp.opportunities.settings import staff  # noqa: F401
