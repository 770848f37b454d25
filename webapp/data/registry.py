"""The sections of the pilote/v1 format, in import order.

A domain plugs in its own section by appending it here, after the sections its
references point to (operations refer to clients and users, so they come after them).
"""

from webapp.data import (
    activities,
    branches,
    catalogue,
    churn,
    clients,
    complaints,
    operations,
    opportunities,
    proposals,
    quotes,
    routing,
    teams,
    users,
)

FORMAT = "pilote/v1"

SECTIONS = [teams.SECTION, users.SECTION, branches.SECTION, clients.SECTION,
            operations.SECTION, opportunities.SECTION, activities.APPOINTMENTS,
            activities.TASKS, activities.DISCOVERIES,
            catalogue.SECTION, complaints.SECTION, churn.SECTION, quotes.SECTION,
            proposals.SECTION, *routing.SECTIONS]
BY_NAME = {section.name: section for section in SECTIONS}
