"""Pure rules of accounts and teams: values in, a French message (or None) out."""

from webapp.auth.models import Role

TEAM_REQUIRED = "Choisissez l'équipe de cet utilisateur."
EMAIL_TAKEN = "Cette adresse est déjà utilisée par un autre compte."
BRANCH_TAKEN = "Ce nom est déjà celui d'une autre succursale."
CYCLE = "Une équipe ne peut pas être rattachée à elle-même ni à une de ses sous-équipes."


def team_missing(role: Role, team_id: int | None) -> str | None:
    """Every account but an administrator's belongs to a team."""
    return TEAM_REQUIRED if team_id is None and role != Role.ADMIN else None


def cycle_error(team_path: str | None, parent_path: str | None) -> str | None:
    """A team is never placed under itself nor under one of its sub-teams (``path``s such
    as ``/1/4/``; a new team has none yet)."""
    if team_path and parent_path and parent_path.startswith(team_path):
        return CYCLE
    return None
