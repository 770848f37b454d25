"""The sections of the pilote/v1 format, in import order.

A domain plugs in its own section by appending it here, after the sections its
references point to (operations refer to clients and users, so they come after them).
"""

from webapp.data import branches, clients, operations, opportunities, routing, teams, users

FORMAT = "pilote/v1"

SECTIONS = [teams.SECTION, users.SECTION, branches.SECTION, clients.SECTION,
            operations.SECTION, opportunities.SECTION, *routing.SECTIONS]
BY_NAME = {section.name: section for section in SECTIONS}
